package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
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
			if username == "" {
				username = superuserVar(e, "USERNAME")
			}
			if email == "" {
				email = superuserVar(e, "EMAIL")
			}
			password := superuserVar(e, "PASSWORD")
			if noInput {
				switch {
				case strings.TrimSpace(username) == "":
					return usagef("--noinput needs --username or SUPERUSER_USERNAME")
				case password == "":
					return usagef("--noinput needs the password in SUPERUSER_PASSWORD (an administrator without one could never sign in)")
				}
			}

			cfg, _, err := setup(e, e.stderr, config.LoadForManagement)
			if err != nil {
				return err
			}
			db, err := openMigrated(ctx, cfg)
			if err != nil {
				return err
			}
			defer db.Close()

			if noInput {
				if _, err := accounts.New(db).CreateSuperuser(ctx, username, email, password); err != nil {
					return describeInvalid(err)
				}
			} else if err := createSuperuserInteractively(ctx, e, db, username, email); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "Superuser created successfully.")
			return nil
		},
	}
}

// superuserVar reads SUPERUSER_<name>, or Django's DJANGO_SUPERUSER_<name>
// so that an existing deployment's settings keep working.
func superuserVar(e *env, name string) string {
	for _, key := range []string{"SUPERUSER_" + name, "DJANGO_SUPERUSER_" + name} {
		if v, ok := e.getenv(key); ok && v != "" {
			return v
		}
	}
	return ""
}

// createSuperuserInteractively asks each question until its answer is
// acceptable, as Django's command does, showing what was wrong each time.
// Answers given as flags are not asked for, but are checked all the same.
func createSuperuserInteractively(ctx context.Context, e *env, db *database.DB, username, email string) error {
	askUsername, askEmail := username == "", email == ""
	for {
		if askUsername {
			var err error
			if username, err = e.readLine("Username: "); err != nil {
				return err
			}
		}
		problems, err := accounts.CheckUsername(ctx, db.Read, username)
		if err != nil {
			return err
		}
		if len(problems) == 0 {
			break
		}
		if !askUsername {
			return errors.New("username: " + strings.Join(problems, " "))
		}
		printProblems(e, problems)
	}
	for {
		if askEmail {
			var err error
			if email, err = e.readLine("Email address: "); err != nil {
				return err
			}
		}
		problems := accounts.CheckEmail(email)
		if len(problems) == 0 {
			break
		}
		if !askEmail {
			return errors.New("email: " + strings.Join(problems, " "))
		}
		printProblems(e, problems)
	}
	for {
		password, err := e.readSecret("Password: ")
		if err != nil {
			return err
		}
		again, err := e.readSecret("Password (again): ")
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
			return describeInvalid(err)
		}
		printProblems(e, invalid.Fields["password"])
	}
}

func printProblems(e *env, problems []string) {
	for _, p := range problems {
		fmt.Fprintf(e.stderr, "Error: %s\n", p)
	}
}
