package sessions

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"
)

// codec stores session data as JSON with a type tag per value. scs's
// default gob codec builds a new decoder, type compilation and all, for
// every request, which made it the largest single cost of a signed-in page.
// Sessions here hold strings, integers and flags only.
//
// scs decodes the session on every request and, with an idle timeout,
// encodes it again on every request to push its expiry forward, although
// it seldom changes: encoding is written out by hand (the bytes
// encoding/json would give, so stored sessions read back alike), and what
// a session's bytes decode to is remembered. Decoding is a function of the
// bytes alone, so the memory is never stale; scs gets a map of its own
// each time, as it changes the one it is given.
type codec struct {
	mu      sync.RWMutex
	decoded map[string]decoded // the stored bytes → what they hold
}

type decoded struct {
	deadline time.Time
	values   map[string]any
}

// maxDecoded bounds the sessions whose decoding is remembered.
const maxDecoded = 10000

type stored struct {
	Deadline time.Time        `json:"d"`
	Values   map[string]value `json:"v"`
}

type value struct {
	S *string `json:"s,omitempty"`
	I *int64  `json:"i,omitempty"`
	B *bool   `json:"b,omitempty"`
}

// Encode writes {"d":deadline,"v":{key:{"s"|"i"|"b":value},…}} with the
// keys in order, as json.Marshal of stored does.
func (*codec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := make([]byte, 0, 64+96*len(values)) // room for tokens and hashes
	b = append(b, `{"d":"`...)
	b, err := deadline.AppendText(b)
	if err != nil {
		return nil, fmt.Errorf("session deadline: %w", err)
	}
	b = append(b, `","v":{`...)
	var few [8]string // a session's keys fit: no allocation for them
	keys := few[:0]
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		switch v := values[k].(type) {
		case string:
			b = append(b, `:{"s":`...)
			b = appendString(b, v)
		case int64:
			b = append(b, `:{"i":`...)
			b = strconv.AppendInt(b, v, 10)
		case int:
			b = append(b, `:{"i":`...)
			b = strconv.AppendInt(b, int64(v), 10)
		case bool:
			b = append(b, `:{"b":`...)
			b = strconv.AppendBool(b, v)
		default:
			return nil, fmt.Errorf("session value %q: unsupported type %T", k, v)
		}
		b = append(b, '}')
	}
	return append(b, "}}"...), nil
}

// appendString appends s as a JSON string. The strings of a session
// (tokens, hashes, numbers, queued messages' JSON) are mostly plain
// ASCII, written as they are; anything encoding/json would escape
// (quotes, backslashes, <, >, &, control and non-ASCII characters) is
// left to it, so the bytes are the same as its.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func (c *codec) Decode(b []byte) (time.Time, map[string]any, error) {
	c.mu.RLock()
	d, ok := c.decoded[string(b)]
	c.mu.RUnlock()
	if ok {
		return d.deadline, maps.Clone(d.values), nil
	}
	deadline, values, err := decode(b)
	if err != nil {
		return time.Time{}, nil, err
	}
	c.mu.Lock()
	if c.decoded == nil || len(c.decoded) >= maxDecoded {
		c.decoded = map[string]decoded{} // a bound on the memory it takes
	}
	c.decoded[string(b)] = decoded{deadline: deadline, values: maps.Clone(values)}
	c.mu.Unlock()
	return deadline, values, nil
}

func decode(b []byte) (time.Time, map[string]any, error) {
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
