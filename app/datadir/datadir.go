// Package datadir makes the directory that holds the SQLite database
// usable by the process before anything opens it.
//
// Platforms mount a fresh persistent disk owned by root (Render does), but
// the site must never serve as root. So the container starts as root only
// long enough to hand the data directory to an unprivileged user, then drops
// to that user for good. Started as that user already (a Kubernetes
// runAsNonRoot pod, docker run --user), it only checks that it can write
// there, and says plainly what to do when it cannot.
package datadir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// User is whom the process runs as once it has dropped root.
type User struct{ UID, GID int }

// Prepare runs before the database is opened or a port is listened on.
// Running as root with a user u to become, it makes dir and the given paths
// belong to u where they belong to root (a fresh disk, a file an earlier
// root process made), then becomes u for good: supplementary groups
// cleared, group then user, on every thread. With no u (tests that run
// commands in their own process), root is kept. Whoever it runs as, it then
// checks that dir can be written, and explains in one paragraph when it
// cannot. An empty dir (PostgreSQL) only drops root.
//
// Only what root owns changes hands, and nothing is walked: started by
// mistake as root in someone's own directory, the app must not give their
// files away.
func Prepare(dir string, paths []string, u *User) error {
	if u != nil && os.Geteuid() == 0 {
		if dir != "" {
			if err := takeOver(dir, paths, *u); err != nil {
				return err
			}
		}
		if err := drop(*u); err != nil {
			return err
		}
	}
	if dir == "" {
		return nil
	}
	return CheckWritable(dir)
}

// takeOver creates dir if needed and gives it, and those of paths that
// exist, to u when root owns them.
func takeOver(dir string, paths []string, u User) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create the data directory %s: %w", dir, err)
	}
	for _, path := range append([]string{dir}, paths...) {
		if path == "" {
			continue
		}
		info, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		st, ok := info.Sys().(*syscall.Stat_t)
		if !ok || st.Uid != 0 {
			continue
		}
		// A second name for a file is someone's way to have root hand over
		// what it names elsewhere: root's files with other links stay root's.
		if info.Mode().IsRegular() && st.Nlink != 1 {
			return fmt.Errorf("%s has %d names (hard links); remove the others, or give it to uid %d yourself", path, st.Nlink, u.UID)
		}
		// Lchown: a symbolic link planted on the disk must not hand its
		// target, wherever that is, to the unprivileged user.
		if err := os.Lchown(path, u.UID, u.GID); err != nil {
			return fmt.Errorf("cannot give %s to uid %d: %w", path, u.UID, err)
		}
	}
	return nil
}

// CheckWritable proves that the process can create files in dir, which
// SQLite needs for its database, journal and shared-memory files.
func CheckWritable(dir string) error {
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // the database layer says that the directory is missing
	}
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err == nil {
		name := f.Name()
		_ = f.Close()
		return os.Remove(name)
	}
	owner := "an unknown owner"
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		owner = fmt.Sprintf("uid %d, gid %d", st.Uid, st.Gid)
	}
	return fmt.Errorf("the data directory %s (owned by %s, mode %s) is not writable by this process (uid %d, gid %d), "+
		"so the database cannot be created or changed there. Start the container as root, and the app hands the "+
		"directory to the user in RUN_AS (the image sets 65532:65532) and drops to it before serving; or give it "+
		"to the process's user yourself (chown %d:%d %s, or in Kubernetes set fsGroup: %d)",
		dir, owner, info.Mode(), os.Geteuid(), os.Getegid(), os.Geteuid(), os.Getegid(), dir, os.Getegid())
}
