// Command app is the whole Orange County Lettings site in one binary: the
// public pages, the admin, and the commands that look after its database.
package main

import (
	"context"
	"fmt"
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
	// The first SIGTERM or SIGINT asks for a graceful stop; a second one
	// (an impatient operator, a platform giving up) exits at once.
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-signals
		cancel()
		<-signals
		fmt.Fprintln(os.Stderr, "app: second signal, exiting at once")
		os.Exit(exitFailure)
	}()
	os.Exit(run(ctx, os.Args[1:], &env{
		stdin:       os.Stdin,
		stdout:      os.Stdout,
		stderr:      os.Stderr,
		getenv:      os.LookupEnv,
		build:       buildInfo(version, commit, date),
		mayDropRoot: true,
		tuneRuntime: true,
	}))
}
