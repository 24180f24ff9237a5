package paging

import "testing"

func TestResolve(t *testing.T) {
	tests := []struct {
		name       string
		raw        string
		total      int
		wantNumber int
		wantOK     bool
	}{
		{"absent", "", 45, 1, true},
		{"first", "1", 45, 1, true},
		{"last", "3", 45, 3, true},
		{"past the end", "4", 45, 3, false},
		{"far past the end", "999", 45, 3, false},
		{"zero", "0", 45, 1, false},
		{"negative", "-1", 45, 1, false},
		{"not a number", "abc", 45, 1, false},
		{"leading zero", "02", 45, 1, false},
		{"plus sign", "+2", 45, 1, false},
		{"huge", "99999999999999999999999", 45, 1, false},
		{"empty list", "1", 0, 1, true},
		{"empty list, page 2", "2", 0, 1, false},
		{"exactly one page", "1", 20, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := Resolve(tt.raw, tt.total, 20)
			if p.Number != tt.wantNumber || ok != tt.wantOK {
				t.Errorf("got page %d ok=%v, want page %d ok=%v", p.Number, ok, tt.wantNumber, tt.wantOK)
			}
		})
	}
}

func TestPage(t *testing.T) {
	p := Page{Number: 2, Size: 20, Total: 45}
	if p.Count() != 3 || p.Offset() != 20 || !p.HasPrevious() || !p.HasNext() || p.Previous() != 1 || p.Next() != 3 {
		t.Errorf("got %+v count=%d offset=%d, want the middle of three pages", p, p.Count(), p.Offset())
	}
	last := Page{Number: 3, Size: 20, Total: 45}
	if last.HasNext() {
		t.Error("got a next page after the last, want none")
	}
	if (Page{Number: 1, Size: 20}).Count() != 1 {
		t.Error("got no pages for an empty list, want one")
	}
}
