// Command tool supports bench/load.sh: it fills a database with synthetic
// data, serves a fixed page from memory as the ceiling to compare the app
// with, times a server's start to its first answer, and times pages that
// no cache answers.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"time"

	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/bench/synthetic"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tool:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: tool populate DATABASE_URL N | tool ceiling ADDR FILE | tool startup URL COMMAND | tool uncached …")
	}
	switch args[0] {
	case "populate":
		if len(args) != 3 {
			return errors.New("usage: tool populate DATABASE_URL N")
		}
		n, err := strconv.Atoi(args[2])
		if err != nil {
			return err
		}
		return populate(args[1], n)
	case "ceiling":
		if len(args) != 3 {
			return errors.New("usage: tool ceiling ADDR FILE")
		}
		return ceiling(args[1], args[2])
	case "startup":
		if len(args) < 3 {
			return errors.New("usage: tool startup URL COMMAND [ARG]")
		}
		return startup(args[1], args[2:])
	case "uncached":
		return uncached(args[1:])
	}
	return fmt.Errorf("unknown command %q", args[0])
}

func populate(databaseURL string, n int) error {
	db, err := open(databaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	return synthetic.Populate(context.Background(), db.Write, n)
}

// open opens the existing database a URL names, as `app` does.
func open(databaseURL string) (*database.DB, error) {
	cfg, err := config.ParseDatabaseURL(databaseURL)
	if err != nil {
		return nil, err
	}
	return database.Open(context.Background(), cfg, database.Options{MustExist: true})
}

// ceiling answers every request with the bytes of one file, the fastest an
// HTTP server in Go can answer with that page on this machine.
func ceiling(addr, file string) error {
	body, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	length := strconv.Itoa(len(body))
	return http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", length)
		_, _ = w.Write(body)
	}))
}

// startup starts a command and prints how long it took until URL answered
// 200, then stops the command.
func startup(url string, command []string) error {
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Stdout, cmd.Stderr = nil, nil
	client := &http.Client{Timeout: time.Second}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	for time.Since(start) < 10*time.Second {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				fmt.Printf("%.1f\n", float64(time.Since(start).Microseconds())/1000)
				return nil
			}
		}
		time.Sleep(200 * time.Microsecond)
	}
	return fmt.Errorf("%s did not answer 200 within 10s", url)
}
