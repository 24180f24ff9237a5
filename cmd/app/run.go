package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"sort"
	"strings"

	"oclettings/admin"
	"oclettings/app/config"
	"oclettings/app/logging"
	"oclettings/app/web"
)

// env is everything a command may touch of the outside world, so that tests
// run commands in-process with their own input, output and environment.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) (string, bool)
	build  web.Build
	// mayDropRoot is true only in the real binary: started as root with
	// RUN_AS, it becomes that user before it opens the database (see
	// prepareData). Tests run commands in-process, often as root, and must
	// never make the test process give up root.
	mayDropRoot bool
	// tuneRuntime is true only in the real binary too: serve sets the
	// process's soft memory limit (see serveMemoryLimit), which in a test
	// would bind the whole test process.
	tuneRuntime bool

	lines *bufio.Reader // stdin, buffered once so prompts share what was read ahead
}

// command is one subcommand: its one-line summary, its usage and its body.
type command struct {
	summary string
	usage   string // arguments after the command name
	run     func(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error
	flags   func(fs *flag.FlagSet) // declares the command's flags, if any
}

func commands() map[string]command {
	return map[string]command{
		"serve":           serveCommand(),
		"migrate":         migrateCommand(),
		"createsuperuser": createSuperuserCommand(),
		"changepassword":  changePasswordCommand(),
		"check":           checkCommand(),
		"backup":          backupCommand(),
		"import-django":   importDjangoCommand(),
		"healthcheck":     healthcheckCommand(),
		"version":         versionCommand(),
	}
}

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2 // bad configuration or bad command line
)

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func run(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := e.stdout
		if len(args) == 0 {
			w = e.stderr
		}
		printUsage(w)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	name := args[0]
	cmd, ok := commands()[name]
	if !ok {
		fmt.Fprintf(e.stderr, "app: unknown command %q\nRun 'app --help' for the list of commands.\n", name)
		return exitUsage
	}

	fs := flag.NewFlagSet("app "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	fs.Usage = func() { commandUsage(e.stdout, name, cmd, fs) }
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK // Parse has printed the usage
		}
		fmt.Fprintf(e.stderr, "app %s: %v\nRun 'app %s --help' for usage.\n", name, err, name)
		return exitUsage
	}
	return report(e.stderr, name, cmd.run(ctx, e, fs, fs.Args()))
}

// report prints a failure as one clear line (a configuration error as one
// paragraph, the admin's system checks one line a problem) and chooses the
// exit status.
func report(w io.Writer, name string, err error) int {
	var cfgErr *config.Error
	var usage usageError
	var checks *admin.CheckError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &cfgErr):
		fmt.Fprintln(w, cfgErr.Error())
		return exitUsage
	case errors.As(err, &checks):
		// One line a problem, as Django's system checks print them.
		fmt.Fprintf(w, "app %s: %s\n", name, checks.Error())
		return exitFailure
	case errors.As(err, &usage):
		fmt.Fprintf(w, "app %s: %s\nRun 'app %s --help' for usage.\n", name, oneLine(usage.msg), name)
		return exitUsage
	default:
		fmt.Fprintf(w, "app %s: %s\n", name, oneLine(err.Error()))
		return exitFailure
	}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, "Usage: app <command> [flags]\n\nThe Orange County Lettings site in one binary.\n\nCommands:\n")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for name := range cmds {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-16s %s\n", name, cmds[name].summary)
	}
	fmt.Fprint(w, "\nRun 'app <command> --help' for a command's flags. Configuration comes from the environment; see README.md.\n")
}

func commandUsage(w io.Writer, name string, cmd command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: app %s%s\n\n%s\n", name, cmd.usage, cmd.summary)
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprint(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}

// setup loads the configuration with load (config.Load, or the laxer
// config.LoadForManagement) and builds the logger a command uses, writing to
// logs; configuration notices are logged once here.
func setup(e *env, logs io.Writer, load func(func(string) (string, bool)) (*config.Config, error)) (*config.Config, *slog.Logger, error) {
	cfg, err := load(e.getenv)
	if err != nil {
		return nil, nil, err
	}
	logger := logging.New(logs, cfg.LogLevel, cfg.LogFormat)
	for _, notice := range cfg.Notices {
		logger.Info(notice)
	}
	return cfg, logger, nil
}

// buildInfo fills what the linker flags left empty from the module's own
// build information, so a plain `go build` still says something useful.
func buildInfo(version, commit, date string) web.Build {
	b := web.Build{Version: version, Commit: commit, Date: date}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && b.Commit == "":
				b.Commit = s.Value
			case s.Key == "vcs.time" && b.Date == "":
				b.Date = s.Value
			}
		}
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}
