package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strings"

	"oclettings/app/accounts"
	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/models"
)

func createSuperuserCommand() command {
	var noInput bool
	var username, email string
	return command{
		summary: "Create an administrator: asks for username, email and password (typed twice, not echoed),\n" +
			"or with --noinput takes them from flags and SUPERUSER_USERNAME, SUPERUSER_EMAIL, SUPERUSER_PASSWORD\n" +
			"(DJANGO_SUPERUSER_* names are accepted too).",
		usage: " [--noinput] [--username NAME] [--email ADDRESS]",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&noInput, "noinput", false, "ask nothing; read the password from SUPERUSER_PASSWORD")
			fs.BoolVar(&noInput, "no-input", false, "same as --noinput")
			fs.StringVar(&username, "username", "", "the new administrator's username")
			fs.StringVar(&email, "email", "", "the new administrator's email address")
		},
		run: func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			var password string
			// What is missing is said before the database is touched.
			access := dbAccess{open: openMigrated, before: func(ws *workspace) error {
				if username == "" {
					username = ws.cfg.Superuser.Username
				}
				if email == "" {
					email = ws.cfg.Superuser.Email
				}
				password = ws.cfg.Superuser.Password
				if noInput {
					switch {
					case strings.TrimSpace(username) == "":
						return usagef("--noinput needs --username or SUPERUSER_USERNAME")
					case password == "":
						return usagef("--noinput needs the password in SUPERUSER_PASSWORD (an administrator without one could never sign in)")
					}
				}
				return nil
			}}
			return withDatabase(ctx, e, access, func(ws *workspace) error {
				if noInput {
					if _, err := accounts.New(ws.db).CreateSuperuser(ctx, username, email, password); err != nil {
						return err
					}
				} else if err := createSuperuserInteractively(ctx, e, ws.db, username, email); err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, "Superuser created successfully.")
				return nil
			})
		},
	}
}

// bootstrapSuperuser creates the administrator declared by SUPERUSER_*
// when no user has that name, so that a platform without a shell (Render's
// image services) still gets its first administrator. A weak password stops
// the start: serving with no way in, or with a guessable way in, is worse.
// The password is never logged.
func bootstrapSuperuser(ctx context.Context, cfg *config.Config, db *database.DB, logger *slog.Logger) error {
	su := cfg.Superuser
	if su.Username == "" {
		if su.Password != "" {
			logger.Warn("SUPERUSER_PASSWORD is set without SUPERUSER_USERNAME, so no administrator was created from it")
		}
		return nil
	}
	created, err := accounts.New(db).EnsureSuperuser(ctx, su.Username, su.Email, su.Password)
	switch {
	case errors.Is(err, accounts.ErrNoPassword):
		logger.Warn("no user has the name in SUPERUSER_USERNAME and SUPERUSER_PASSWORD is not set, so no administrator was created",
			"username", su.Username)
	case err != nil:
		return fmt.Errorf("cannot create the administrator %q from SUPERUSER_USERNAME and SUPERUSER_PASSWORD: %w", su.Username, err)
	case created:
		logger.Info("administrator created from SUPERUSER_USERNAME; remove SUPERUSER_PASSWORD from the environment now", "username", su.Username)
	default:
		logger.Info("the administrator in SUPERUSER_USERNAME exists and was left unchanged", "username", su.Username)
	}
	return nil
}

// createSuperuserInteractively asks each question until its answer is
// acceptable, as Django's command does, showing what was wrong each time.
// Answers given as flags are not asked for, but are checked all the same.
func createSuperuserInteractively(ctx context.Context, e *env, db *database.DB, username, email string) error {
	username, err := askUntilValid(e, "Username: ", "username", username, func(username string) ([]string, error) {
		return accounts.CheckUsername(ctx, db.Read, username)
	})
	if err != nil {
		return err
	}
	email, err = askUntilValid(e, "Email address: ", "email", email, func(email string) ([]string, error) {
		return accounts.CheckEmail(email), nil
	})
	if err != nil {
		return err
	}
	for {
		password, again, err := e.readPasswordTwice()
		if err != nil {
			return err
		}
		switch {
		case password != again:
			printProblems(e, []string{"Your passwords didn't match."})
			continue
		case password == "":
			printProblems(e, []string{"Blank passwords aren't allowed."})
			continue
		}
		_, err = accounts.New(db).CreateSuperuser(ctx, username, email, password)
		var invalid *models.ValidationError
		if !errors.As(err, &invalid) || len(invalid.Fields) != 1 || len(invalid.Fields["password"]) == 0 {
			return err
		}
		printProblems(e, invalid.Fields["password"])
	}
}

// askUntilValid asks with prompt until check finds nothing wrong with the
// answer. An answer given as a flag is not asked for, but is checked all
// the same, and its problems, named by field, are the error.
func askUntilValid(e *env, prompt, field, given string, check func(string) ([]string, error)) (string, error) {
	answer, ask := given, given == ""
	for {
		if ask {
			var err error
			if answer, err = e.readLine(prompt); err != nil {
				return "", err
			}
		}
		problems, err := check(answer)
		if err != nil {
			return "", err
		}
		if len(problems) == 0 {
			return answer, nil
		}
		if !ask {
			return "", errors.New(field + ": " + strings.Join(problems, " "))
		}
		printProblems(e, problems)
	}
}

func printProblems(e *env, problems []string) {
	for _, p := range problems {
		fmt.Fprintf(e.stderr, "Error: %s\n", p)
	}
}
