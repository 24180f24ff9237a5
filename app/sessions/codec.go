package sessions

import (
	"encoding/json"
	"fmt"
	"time"
)

// codec stores session data as JSON with a type tag per value. scs's
// default gob codec builds a new decoder, type compilation and all, for
// every request, which made it the largest single cost of a signed-in page.
// Sessions here hold strings, integers and flags only.
type codec struct{}

type stored struct {
	Deadline time.Time        `json:"d"`
	Values   map[string]value `json:"v"`
}

type value struct {
	S *string `json:"s,omitempty"`
	I *int64  `json:"i,omitempty"`
	B *bool   `json:"b,omitempty"`
}

func (codec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	out := stored{Deadline: deadline, Values: make(map[string]value, len(values))}
	for k, v := range values {
		switch v := v.(type) {
		case string:
			out.Values[k] = value{S: &v}
		case int64:
			out.Values[k] = value{I: &v}
		case int:
			i := int64(v)
			out.Values[k] = value{I: &i}
		case bool:
			out.Values[k] = value{B: &v}
		default:
			return nil, fmt.Errorf("session value %q: unsupported type %T", k, v)
		}
	}
	return json.Marshal(out)
}

func (codec) Decode(b []byte) (time.Time, map[string]any, error) {
	var in stored
	if err := json.Unmarshal(b, &in); err != nil {
		return time.Time{}, nil, err
	}
	values := make(map[string]any, len(in.Values))
	for k, v := range in.Values {
		switch {
		case v.S != nil:
			values[k] = *v.S
		case v.I != nil:
			values[k] = *v.I
		case v.B != nil:
			values[k] = *v.B
		}
	}
	return in.Deadline, values, nil
}
