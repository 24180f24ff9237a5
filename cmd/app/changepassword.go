package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"oclettings/app/accounts"
	"oclettings/app/database"
	"oclettings/app/models"
)

// maxPasswordAttempts is how often Django's changepassword lets one try.
const maxPasswordAttempts = 3

func changePasswordCommand() command {
	var fromStdin bool
	return command{
		summary: "Change a user's password: asks for it twice (not echoed), or reads one line with --password-stdin.",
		usage:   " [--password-stdin] USERNAME",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&fromStdin, "password-stdin", false, "read the new password from the first line of standard input")
		},
		run: func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
			if len(args) != 1 {
				return usagef("give exactly one USERNAME")
			}
			username := args[0]
			return withDatabase(ctx, e, dbAccess{open: openMigrated}, func(ws *workspace) error {
				user, err := models.GetUserByUsername(ctx, ws.db.Read, username)
				if errors.Is(err, models.ErrNotFound) {
					return fmt.Errorf("user %q does not exist", username)
				}
				if err != nil {
					return err
				}

				if fromStdin {
					password, err := e.readLine("")
					if err != nil {
						return errors.New("no password on standard input")
					}
					if err := accounts.New(ws.db).SetPassword(ctx, ws.db.Write, user, password); err != nil {
						return err
					}
				} else if err := changePasswordInteractively(ctx, e, ws.db, user); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Password changed successfully for user %q.\n", user.Username)
				return nil
			})
		},
	}
}

func changePasswordInteractively(ctx context.Context, e *env, db *database.DB, user *models.User) error {
	fmt.Fprintf(e.stdout, "Changing password for user %q\n", user.Username)
	for attempt := 0; attempt < maxPasswordAttempts; attempt++ {
		password, again, err := e.readPasswordTwice()
		if err != nil {
			return err
		}
		if password != again {
			fmt.Fprintln(e.stderr, "Passwords do not match. Please try again.")
			continue
		}
		err = accounts.New(db).SetPassword(ctx, db.Write, user, password)
		var invalid *models.ValidationError
		if !errors.As(err, &invalid) {
			return err
		}
		fmt.Fprintln(e.stderr, strings.Join(invalid.Fields["password"], "\n"))
	}
	return fmt.Errorf("aborting password change for user %q after %d attempts", user.Username, maxPasswordAttempts)
}
