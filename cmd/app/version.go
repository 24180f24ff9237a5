package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
)

func versionCommand() command {
	return command{
		summary: "Print the version, commit and build date.",
		run: func(_ context.Context, e *env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			fmt.Fprintf(e.stdout, "app %s\ncommit: %s\nbuilt: %s\ngo: %s\n", e.build.Version, e.build.Commit, e.build.Date, runtime.Version())
			return nil
		},
	}
}
