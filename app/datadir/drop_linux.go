package datadir

import (
	"fmt"
	"os"
	"syscall"
)

// drop becomes u for good. Since Go 1.16 these calls apply to every thread
// of the process, not only the calling one; the order matters, as a process
// that has given up its user id can no longer change its groups.
func drop(u User) error {
	if err := syscall.Setgroups([]int{}); err != nil {
		return fmt.Errorf("cannot clear the supplementary groups: %w", err)
	}
	if err := syscall.Setgid(u.GID); err != nil {
		return fmt.Errorf("cannot change to gid %d: %w", u.GID, err)
	}
	if err := syscall.Setuid(u.UID); err != nil {
		return fmt.Errorf("cannot change to uid %d: %w", u.UID, err)
	}
	// Setuid from root sets the real, effective and saved ids alike; if
	// root could still be had back, the drop did not happen.
	if os.Geteuid() != u.UID || os.Getuid() != u.UID || syscall.Setuid(0) == nil {
		return fmt.Errorf("could not drop root for uid %d", u.UID)
	}
	return nil
}
