package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// errInputEnded means standard input closed before a prompt was answered.
var errInputEnded = errors.New("input ended before all questions were answered")

// readLine prints a prompt and reads one line of standard input.
func (e *env) readLine(prompt string) (string, error) {
	fmt.Fprint(e.stdout, prompt)
	if e.lines == nil {
		e.lines = bufio.NewReader(e.stdin)
	}
	line, err := e.lines.ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || line == "") {
		if errors.Is(err, io.EOF) {
			fmt.Fprintln(e.stdout)
			return "", errInputEnded
		}
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// readPasswordTwice asks for a new password and then for it again, as a
// typing mistake nobody saw would lock its author out.
func (e *env) readPasswordTwice() (password, again string, err error) {
	if password, err = e.readSecret("Password: "); err != nil {
		return "", "", err
	}
	if again, err = e.readSecret("Password (again): "); err != nil {
		return "", "", err
	}
	return password, again, nil
}

// readSecret reads a password: without echo on a terminal, as a plain line
// otherwise (a pipe in a script or a test).
func (e *env) readSecret(prompt string) (string, error) {
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return e.readLine(prompt)
	}
	fmt.Fprint(e.stdout, prompt)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stdout)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
