package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"oclettings/app/config"
)

// healthcheckCommand is the container's HEALTHCHECK: the image has no shell
// and no curl, so the binary asks itself.
func healthcheckCommand() command {
	var path string
	var timeout time.Duration
	return command{
		summary: "Ask the running server on $PORT whether it is ready (GET /readyz); exit 0 when it answers 200.",
		usage:   " [--path /readyz] [--timeout 3s]",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&path, "path", "/readyz", "the path to ask")
			fs.DurationVar(&timeout, "timeout", 3*time.Second, "how long to wait for the answer")
		},
		run: func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			cfg, _, err := setup(e, e.stderr, config.LoadForManagement)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			url := "http://127.0.0.1:" + strconv.Itoa(cfg.Port) + path
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return usagef("bad --path: %v", err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return fmt.Errorf("%s: %w", url, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%s answered %d", url, resp.StatusCode)
			}
			fmt.Fprintf(e.stdout, "%s answered 200\n", url)
			return nil
		},
	}
}
