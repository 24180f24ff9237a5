package backup

import (
	"cmp"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// Options say where and how often `app serve` backs the database up.
type Options struct {
	// Source is the SQLite database file; empty on PostgreSQL, which is
	// backed up with its own tools (pg_dump, the provider's backups).
	Source string
	// Dir holds the scheduled backups and the downloads' temporary copies;
	// it is created (owner-only) when missing.
	Dir string
	// Interval is the time between scheduled backups; 0 turns them off.
	// Configuration refuses less than a minute; tests go faster.
	Interval time.Duration
	// Keep is how many scheduled backups to keep, newest first (at least 1).
	Keep int
	// Now names backups; tests give it a clock of their own.
	Now func() time.Time
}

var errUnavailable = errors.New("this database is backed up with its own tools (pg_dump, the provider's backups)")

// Service takes the backups of a running site.
type Service struct {
	opts   Options
	logger *slog.Logger
	// lock lets one copy run at a time, scheduled or downloaded: two at once
	// would only double the load on the disk for the same data. A channel
	// rather than a sync.Mutex so a download can stop waiting when its
	// client goes away.
	lock chan struct{}
}

// New returns the backup service of a site.
func New(opts Options, logger *slog.Logger) *Service {
	if opts.Keep < 1 {
		opts.Keep = 1
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{opts: opts, logger: logger, lock: make(chan struct{}, 1)}
}

// Available reports whether this service can take backups: only of SQLite.
func (s *Service) Available() bool { return s.opts.Source != "" }

// Dir is where the scheduled backups are kept.
func (s *Service) Dir() string { return s.opts.Dir }

// Interval is the time between scheduled backups; 0 when they are off.
func (s *Service) Interval() time.Duration { return s.opts.Interval }

// Keep is how many scheduled backups are kept.
func (s *Service) Keep() int { return s.opts.Keep }

// File is a backup in the directory.
type File struct {
	Name string
	Path string
	Size int64
	Time time.Time // when it was taken, from its name
	// Before is, for a backup taken before migrations, the first migration
	// it predates; empty for a scheduled backup.
	Before string
}

// List returns the backups in the directory, newest first; none when the
// directory does not exist yet.
func (s *Service) List() ([]File, error) {
	entries, err := os.ReadDir(s.opts.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var files []File
	for _, e := range entries {
		t, before, ok := parseName(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // pruned since ReadDir
		}
		if err != nil {
			return nil, err
		}
		files = append(files, File{Name: e.Name(), Path: filepath.Join(s.opts.Dir, e.Name()), Size: info.Size(), Time: t, Before: before})
	}
	// The names sort as their times do, whatever follows the time.
	slices.SortFunc(files, func(a, b File) int { return cmp.Or(b.Time.Compare(a.Time), cmp.Compare(b.Name, a.Name)) })
	return files, nil
}

// Start runs the schedule in the background until ctx ends or stop is
// called; stop waits for a backup under way to end, so the database can be
// closed after it.
func (s *Service) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.Run(ctx) })
	return func() {
		cancel()
		wg.Wait()
	}
}

// Run takes a backup every Interval and prunes the old ones, until ctx
// ends. The first one is due an Interval after the newest backup already
// there, so that restarts (every deploy restarts the site) neither skip nor
// pile up backups. A failure is logged at ERROR and the schedule goes on.
func (s *Service) Run(ctx context.Context) {
	if !s.Available() {
		s.logger.Info("scheduled backups are off: PostgreSQL is backed up with its own tools (pg_dump, the provider's backups)")
		return
	}
	// Downloads and the backups before migrating use the directory too,
	// schedule or not, and a crash may have left their copies behind.
	if err := s.prepare(); err != nil {
		s.logger.Error("backup directory unusable", "dir", s.opts.Dir, "error", err)
	}
	if s.opts.Interval <= 0 {
		s.logger.Info("scheduled backups are off (BACKUP_INTERVAL is 0)", "dir", s.opts.Dir)
		return
	}
	delay := s.firstDelay()
	s.logger.Info("scheduled backups", "dir", s.opts.Dir, "interval", s.opts.Interval.String(), "keep", s.opts.Keep, "next", delay.Round(time.Second).String())
	timer := time.NewTimer(delay)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		if _, err := s.Scheduled(ctx); err != nil && ctx.Err() == nil {
			s.logger.Error("scheduled backup failed", "dir", s.opts.Dir, "error", err)
		}
		timer.Reset(s.opts.Interval)
	}
}

// prepare creates the directory and removes the temporary files a crash
// left behind. Only Run calls it, before any copy of this process starts.
// abandonedAfter is how long a temporary copy must have been left alone
// before it counts as a crash's leftover.
const abandonedAfter = 10 * time.Minute

func (s *Service) prepare() error {
	if err := os.MkdirAll(s.opts.Dir, 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(s.opts.Dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if !isTemp(e.Name()) || !e.Type().IsRegular() {
			continue
		}
		// A copy another process (a migrate beside this server) is writing
		// now changes by the second; a crash's leftover does not.
		if info, err := e.Info(); err != nil || time.Since(info.ModTime()) < abandonedAfter {
			continue
		}
		path := filepath.Join(s.opts.Dir, e.Name())
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		s.logger.Info("unfinished backup removed", "path", path)
	}
	return errors.Join(errs...)
}

// firstDelay follows the newest scheduled backup: one taken before
// migrations is no reason to skip the schedule.
func (s *Service) firstDelay() time.Duration {
	files, err := s.List()
	if err != nil {
		return 0
	}
	i := slices.IndexFunc(files, func(f File) bool { return f.Before == "" })
	if i < 0 {
		return 0
	}
	return min(max(files[i].Time.Add(s.opts.Interval).Sub(s.opts.Now()), 0), s.opts.Interval)
}

// Scheduled takes a backup into the directory under its final name, then
// removes all but the newest Keep scheduled backups.
func (s *Service) Scheduled(ctx context.Context) (File, error) {
	taken := s.opts.Now()
	f, err := s.write(ctx, Name(taken), taken, "")
	if err != nil {
		return File{}, err
	}
	return f, s.prune()
}

// KeepBeforeMigrating is how many backups taken before migrations are kept.
// BACKUP_KEEP does not count them: they come one per release that changes
// the schema, and a rollback to the release before needs its copy however
// many scheduled backups were taken since.
const KeepBeforeMigrating = 3

// BeforeMigrating backs the database up before the pending migrations
// change its schema, so that a rollback to the release before has a copy of
// the data as that release left it. A database with no migration applied
// yet is new and gets none, nor does one with nothing pending, nor
// PostgreSQL; taken reports whether a backup was written. Only the newest
// KeepBeforeMigrating such backups are kept.
func (s *Service) BeforeMigrating(ctx context.Context, applied int, pending []string) (f File, taken bool, err error) {
	if !s.Available() || applied == 0 || len(pending) == 0 {
		return File{}, false, nil
	}
	now := s.opts.Now()
	if f, err = s.write(ctx, BeforeName(now, pending[0]), now, pending[0]); err != nil {
		return File{}, false, err
	}
	// The backup is there: old ones left over are no reason to hold the
	// release back.
	if err := s.prune(); err != nil {
		s.logger.Error("old backups not removed", "dir", s.opts.Dir, "error", err)
	}
	return f, true, nil
}

// write takes a backup into the directory under name, one copy at a time.
func (s *Service) write(ctx context.Context, name string, taken time.Time, before string) (File, error) {
	if !s.Available() {
		return File{}, errUnavailable
	}
	if err := s.acquire(ctx); err != nil {
		return File{}, err
	}
	defer s.release()
	if err := os.MkdirAll(s.opts.Dir, 0o700); err != nil {
		return File{}, err
	}
	start := time.Now()
	f := File{Name: name, Path: filepath.Join(s.opts.Dir, name), Time: taken.UTC().Truncate(time.Second), Before: before}
	size, err := Write(ctx, s.opts.Source, f.Path)
	if err != nil {
		return File{}, err
	}
	f.Size = size
	msg := "backup written"
	if before != "" {
		msg = "backup written before migrating"
	}
	s.logger.Info(msg, "path", f.Path, "bytes", f.Size, slog.Duration("duration", time.Since(start)))
	return f, nil
}

// prune removes the scheduled backups beyond the newest Keep and those
// taken before migrations beyond the newest KeepBeforeMigrating; files of
// any other name are never touched.
func (s *Service) prune() error {
	files, err := s.List()
	if err != nil {
		return err
	}
	var scheduled, before []File
	for _, f := range files {
		if f.Before == "" {
			scheduled = append(scheduled, f)
		} else {
			before = append(before, f)
		}
	}
	var errs []error
	for _, f := range slices.Concat(scheduled[min(s.opts.Keep, len(scheduled)):], before[min(KeepBeforeMigrating, len(before)):]) {
		if err := os.Remove(f.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		s.logger.Info("old backup removed", "path", f.Path)
	}
	return errors.Join(errs...)
}

// Snapshot is a fresh backup to send somewhere; Close removes it.
type Snapshot struct {
	*os.File
	Name string // the name it should be saved under
	Size int64
	path string
}

// Close closes and removes the snapshot's temporary file.
func (s *Snapshot) Close() error {
	return errors.Join(s.File.Close(), os.Remove(s.path))
}

// Snapshot takes a fresh, checked backup into a temporary file of the
// directory and opens it. The lock covers the copy but not the caller's
// reading: a slow download must not hold up the schedule.
func (s *Service) Snapshot(ctx context.Context) (*Snapshot, error) {
	if !s.Available() {
		return nil, errUnavailable
	}
	if err := s.acquire(ctx); err != nil {
		return nil, err
	}
	defer s.release()
	if err := os.MkdirAll(s.opts.Dir, 0o700); err != nil {
		return nil, err
	}
	name := Name(s.opts.Now())
	tmp, size, err := copyChecked(ctx, s.opts.Source, s.opts.Dir, name)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(tmp)
	if err != nil {
		_ = os.Remove(tmp)
		return nil, err
	}
	return &Snapshot{File: f, Name: name, Size: size, path: tmp}, nil
}

func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) release() { <-s.lock }
