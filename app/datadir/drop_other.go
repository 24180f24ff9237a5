//go:build !linux

package datadir

import "errors"

// drop is only needed inside a Linux container; elsewhere running as root
// is refused rather than served.
func drop(User) error {
	return errors.New("running as root is only supported on Linux, where the app drops to an unprivileged user; start it as an ordinary user")
}
