package config

// Setting is one line of Dump.
type Setting struct{ Name, Value, Source string }

const (
	redacted      = "********"
	notSet        = "(not set)"
	sourceUnknown = "(unknown)"
)

// Dump returns the effective configuration in table order for `app check`,
// with secrets redacted and the source of every value.
func (c *Config) Dump() []Setting {
	var out []Setting
	for _, o := range options(c) {
		if o.ignored != "" {
			continue
		}
		v := o.show()
		if o.secret {
			if v == "" {
				v = notSet
			} else {
				v = redacted
			}
		}
		src, ok := c.sources[o.name]
		if !ok {
			src = sourceUnknown
		}
		out = append(out, Setting{Name: o.name, Value: v, Source: src})
	}
	return out
}
