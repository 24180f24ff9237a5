// Command app is the whole Orange County Lettings site in one binary: the
// public pages, the admin, and the commands that look after its database.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Set at build time: -ldflags "-X main.version=… -X main.commit=… -X main.date=…".
var (
	version = ""
	commit  = ""
	date    = ""
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &env{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		getenv: os.LookupEnv,
		build:  buildInfo(version, commit, date),
	})
	stop()
	os.Exit(code)
}
