package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// Error lists every configuration problem at once, so an operator fixing a
// deployment sees all of them in one attempt instead of one per restart.
type Error struct{ Problems []Problem }

// Problem is one invalid or missing option. Var is the variable the operator
// has to change: the one actually set (DJANGO_DEBUG, SECRET_KEY_FILE, …) or,
// for a missing value, the preferred name.
type Problem struct{ Var, Message string }

func (e *Error) Error() string {
	switch len(e.Problems) {
	case 0:
		return "invalid configuration"
	case 1:
		p := e.Problems[0]
		return "invalid configuration: " + p.Var + ": " + p.Message
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid configuration (%d problems):", len(e.Problems))
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s: %s", p.Var, p.Message)
	}
	return b.String()
}

// sourceDefault is the source of a value no variable set.
const sourceDefault = "default"

// Load reads every option through getenv (os.LookupEnv in production) and
// returns either a valid configuration or an *Error listing every problem.
//
// A variable that is set but empty or only whitespace counts as unset: Render
// keeps variables whose value was cleared, and an empty PORT or DEBUG almost
// always means "use the default", never "fail". Values are trimmed for the same
// reason: a pasted value easily picks up a trailing newline.
func Load(getenv func(string) (string, bool)) (*Config, error) {
	return load(getenv, true)
}

// LoadForManagement is Load for the commands that only manage the database
// (migrate, createsuperuser, changepassword): a missing SECRET_KEY or
// ALLOWED_HOSTS is no problem for them, though a value that is set must still
// be valid.
func LoadForManagement(getenv func(string) (string, bool)) (*Config, error) {
	return load(getenv, false)
}

func load(getenv func(string) (string, bool), serving bool) (*Config, error) {
	c := &Config{sources: map[string]string{}}
	var problems []Problem
	for _, o := range options(c) {
		raw, source, p := o.lookup(c, getenv)
		if p != nil {
			problems = append(problems, *p)
			continue
		}
		if o.ignored != "" {
			if source != "" {
				c.notice(source + " is ignored: " + o.ignored)
			}
			continue
		}
		if source == "" {
			if o.def != nil {
				raw = o.def()
			}
			if raw == "" && o.required != "" && (serving || !o.servingOnly) {
				problems = append(problems, Problem{Var: o.name, Message: o.required})
				continue
			}
			source = sourceDefault
		}
		c.sources[o.name] = source
		if raw == "" {
			continue // optional and unset: the zero value means "off"
		}
		if err := o.parse(raw); err != nil {
			// A default that fails its own parser is a bug in the table, but
			// the operator can still only act on the option's name.
			v := source
			if v == sourceDefault {
				v = o.name
			}
			problems = append(problems, Problem{Var: v, Message: err.Error()})
		}
	}
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return c, nil
}

// lookup finds the raw value of o and the variable it came from; source is
// empty when nothing is set.
func (o option) lookup(c *Config, getenv func(string) (string, bool)) (raw, source string, p *Problem) {
	for _, name := range o.vars {
		v, ok := get(getenv, name)
		if !ok {
			continue
		}
		if source == "" {
			raw, source = v, name
		} else if v != raw {
			// Silently shadowing an old variable leaves an operator editing
			// the Django-era name and wondering why nothing changes.
			c.notice(fmt.Sprintf("%s is ignored because %s is set", name, source))
		}
	}
	if o.fileVar == "" {
		return raw, source, nil
	}
	path, ok := get(getenv, o.fileVar)
	if !ok {
		return raw, source, nil
	}
	if source != "" {
		// Unlike the Django-era fallbacks, neither has an obvious priority, so
		// guessing could silently run with the wrong secret.
		return "", "", &Problem{Var: o.fileVar, Message: fmt.Sprintf("cannot be combined with %s; set only one of them", source)}
	}
	b, err := readSecretFile(path)
	if err != nil {
		reason := err.Error()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			reason = pe.Err.Error()
		}
		return "", "", &Problem{Var: o.fileVar, Message: fmt.Sprintf("cannot read %q: %s", path, reason)}
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", "", &Problem{Var: o.fileVar, Message: fmt.Sprintf("file %q is empty", path)}
	}
	return v, o.fileVar, nil
}

// maxSecretFile bounds what a *_FILE option reads: a secret is a line, and
// a path mistyped as /dev/zero must not fill the memory.
const maxSecretFile = 64 << 10

// readSecretFile reads a regular file of at most maxSecretFile bytes. A
// FIFO or a device would block the start or never end, so only a regular
// file (or a link to one, as mounted secrets are) is read.
func readSecretFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err == nil && len(b) > maxSecretFile {
		err = fmt.Errorf("larger than %d KiB; it should hold only the secret", maxSecretFile>>10)
	}
	return b, err
}

func get(getenv func(string) (string, bool), name string) (string, bool) {
	v, ok := getenv(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}
