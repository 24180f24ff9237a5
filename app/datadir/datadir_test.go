package datadir

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestCheckWritable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := CheckWritable(dir); err != nil {
		t.Fatalf("a writable directory: got %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("got %d files left behind by the check, want none", len(entries))
	}
	if err := CheckWritable(filepath.Join(dir, "missing")); err != nil {
		t.Errorf("a missing directory is the database layer's to report; got %v", err)
	}
}

// TestTakeOverGivesOnlyWhatRootOwns runs where root can chown (our CI).
func TestTakeOverGivesOnlyWhatRootOwns(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown")
	}
	dir := filepath.Join(t.TempDir(), "data", "db") // created on the way
	target := User{UID: 4242, GID: 4343}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rootFile := filepath.Join(dir, "x.sqlite3")
	otherFile := filepath.Join(dir, "x.sqlite3-wal")
	stray := filepath.Join(dir, "notes.txt")
	for _, f := range []string{rootFile, otherFile, stray} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(otherFile, 1001, 1001); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "target")
	if err := os.WriteFile(outside, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "x.sqlite3-shm")
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	backups := filepath.Join(t.TempDir(), "backups") // a volume of its own
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}

	if err := takeOver(dir, []string{rootFile, otherFile, link, filepath.Join(dir, "missing"), backups, ""}, target); err != nil {
		t.Fatal(err)
	}
	owner := func(path string) [2]uint32 {
		info, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		st := info.Sys().(*syscall.Stat_t)
		return [2]uint32{st.Uid, st.Gid}
	}
	for path, want := range map[string][2]uint32{
		dir:       {4242, 4343}, // root's: handed over
		rootFile:  {4242, 4343},
		otherFile: {1001, 1001}, // someone else's: left alone
		stray:     {0, 0},       // not named: left alone
		link:      {4242, 4343}, // the link itself...
		outside:   {0, 0},       // ...never its target
		backups:   {4242, 4343},
	} {
		if got := owner(path); got != want {
			t.Errorf("%s: got owner %v, want %v", filepath.Base(path), got, want)
		}
	}
}

// TestTakeOverRefusesAHardLink: a name planted beside the database for a
// file of root's elsewhere must not make root hand that file over.
func TestTakeOverRefusesAHardLink(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown")
	}
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret")
	if err := os.WriteFile(secret, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	planted := filepath.Join(dir, "x.sqlite3-wal")
	if err := os.Link(secret, planted); err != nil {
		t.Fatal(err)
	}
	if err := takeOver(dir, []string{planted}, User{UID: 4242, GID: 4242}); err == nil {
		t.Fatal("got the hard link handed over, want a refusal")
	}
	info, _ := os.Stat(secret)
	if st := info.Sys().(*syscall.Stat_t); st.Uid != 0 {
		t.Errorf("got the linked file owned by %d, want root's still", st.Uid)
	}
}
