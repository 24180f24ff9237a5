package sessions_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"oclettings/app/sessions"
	"oclettings/migrations/testdb"
)

// storedSession is the stored form of a session, as encoding/json writes
// it: what sessions written by earlier versions of the app hold.
type storedSession struct {
	Deadline time.Time              `json:"d"`
	Values   map[string]storedValue `json:"v"`
}

type storedValue struct {
	S *string `json:"s,omitempty"`
	I *int64  `json:"i,omitempty"`
	B *bool   `json:"b,omitempty"`
}

func codecOf(t *testing.T) scs.Codec {
	t.Helper()
	return sessions.NewManager(testdb.Open(t), true, nil).Codec
}

// The codec writes the very bytes encoding/json writes, so a session
// stored by any version of the app reads back, and an unchanged session
// encodes to the bytes stored (which the store then does not write again).
func TestCodecWritesWhatEncodingJSONWrites(t *testing.T) {
	t.Parallel()
	codec := codecOf(t)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name     string
		deadline time.Time
		values   map[string]any
	}{
		{"signed in", time.Date(2026, 12, 12, 17, 23, 40, 123456789, time.UTC), map[string]any{
			"_auth_user_id": int64(42), "_auth_user_hash": "3f2a9c", "_csrf_token": "Co1q7uaWikumzdE-Qndi0Dd4QJKZt9mTqhes82Y79c8"}},
		{"no values", time.Date(2026, 12, 12, 17, 0, 0, 0, time.UTC), map[string]any{}},
		{"ints, flags, a zone", time.Date(2026, 1, 2, 3, 4, 5, 0, paris), map[string]any{
			"n": 7, "neg": int64(-9223372036854775808), "on": true, "off": false}},
		{"strings encoding/json escapes", time.Date(2026, 12, 12, 17, 0, 0, 5, time.UTC), map[string]any{
			"html":                         `<a href="x">&amp;</a>`,
			"quotes":                       `say "hi" \ bye`,
			"control":                      "tab\there\nnew line\x00\x1f",
			"unicode":                      "Crème brûlée – naïve 🏠",
			"seps":                         "line\u2028para\u2029",
			"invalid":                      "bad \xff byte",
			"messages":                     `[{"level":"success","text":"The letting “Cosy <Loft>” was changed successfully."}]`,
			"key with <html> & \"quotes\"": "v",
			"":                             "empty key",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := codec.Encode(tt.deadline, tt.values)
			if err != nil {
				t.Fatal(err)
			}
			want := storedSession{Deadline: tt.deadline, Values: map[string]storedValue{}}
			for k, v := range tt.values {
				switch v := v.(type) {
				case string:
					want.Values[k] = storedValue{S: &v}
				case int:
					i := int64(v)
					want.Values[k] = storedValue{I: &i}
				case int64:
					want.Values[k] = storedValue{I: &v}
				case bool:
					want.Values[k] = storedValue{B: &v}
				}
			}
			wantBytes, err := json.Marshal(want)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, wantBytes) {
				t.Errorf("got\n%s\nwant\n%s", got, wantBytes)
			}
		})
	}
	if _, err := codec.Encode(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), nil); err == nil {
		t.Error("got a deadline past year 9999 encoded, want it refused as encoding/json does")
	}
}

// scs decodes the session on every request and encodes it again to push
// its expiry forward: the same bytes are decoded once and then copied, and
// encoding goes without reflection. (The counts are allocations, which
// encoding/json needs dozens of.)
func TestCodecRemembersDecodings(t *testing.T) {
	codec := codecOf(t)
	deadline := time.Date(2026, 12, 12, 17, 0, 0, 0, time.UTC)
	values := map[string]any{"_auth_user_id": int64(42), "_auth_user_hash": "3f2a9c", "_csrf_token": "Co1q7uaWikumzdE"}
	b, err := codec.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := codec.Decode(b); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _, _ = codec.Decode(b) }); n > 2 {
		t.Errorf("got %.0f allocations to decode a session decoded before, want at most 2 (a copy of its values)", n)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = codec.Encode(deadline, values) }); n > 1 {
		t.Errorf("got %.0f allocations to encode a session, want 1 (its bytes)", n)
	}

	// Each decoding is the caller's own: scs changes the values it is given.
	_, first, _ := codec.Decode(b)
	first["_auth_user_id"] = int64(7)
	delete(first, "_csrf_token")
	gotDeadline, again, err := codec.Decode(b)
	if err != nil || !gotDeadline.Equal(deadline) || again["_auth_user_id"] != int64(42) || again["_csrf_token"] != "Co1q7uaWikumzdE" || len(again) != 3 {
		t.Errorf("got %v %v (%v), want the stored values whatever an earlier caller did to its copy", gotDeadline, again, err)
	}
	// Other bytes are other values.
	values["_auth_user_id"] = int64(43)
	b2, _ := codec.Encode(deadline, values)
	if _, got, _ := codec.Decode(b2); got["_auth_user_id"] != int64(43) {
		t.Errorf("got user %v, want 43", got["_auth_user_id"])
	}
}
