package main

import (
	"math"
	"testing"
)

func TestMedianAndPercentile(t *testing.T) {
	tests := []struct {
		name        string
		samples     []float64
		median, p99 float64
		p50         float64
	}{
		{"one", []float64{7}, 7, 7, 7},
		{"odd, unsorted", []float64{5, 1, 3}, 3, 5, 3},
		{"even: the mean of the middle two", []float64{4, 1, 3, 2}, 2.5, 4, 2},
		{"fewer than 100: p99 is the slowest", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 100}, 5.5, 100, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := median(tt.samples); got != tt.median {
				t.Errorf("median = %v, want %v", got, tt.median)
			}
			if got := percentile(tt.samples, 99); got != tt.p99 {
				t.Errorf("p99 = %v, want %v", got, tt.p99)
			}
			if got := percentile(tt.samples, 50); got != tt.p50 {
				t.Errorf("p50 = %v, want %v", got, tt.p50)
			}
		})
	}

	// 200 samples 1..200: p99 is the 198th, the slowest two left out.
	var many []float64
	for i := 200; i >= 1; i-- {
		many = append(many, float64(i))
	}
	if got := percentile(many, 99); got != 198 {
		t.Errorf("p99 of 1..200 = %v, want 198", got)
	}
	if many[0] != 200 {
		t.Error("the samples were reordered; want them left as given")
	}
	if !math.IsNaN(median(nil)) || !math.IsNaN(percentile(nil, 99)) {
		t.Error("figures of no samples are numbers; want NaN")
	}
}
