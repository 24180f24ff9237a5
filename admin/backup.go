package admin

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"oclettings/app/backup"
	"oclettings/app/web"
)

// backupRoute is where superusers see the backups and download a fresh
// one: on a platform whose disk only the running service sees (Render's),
// the admin is the only way to take a copy of the database off it.
const backupRoute = "/backup/"

// downloadTimeout replaces the server's write timeout, meant for pages, for
// the copy and the download of the whole database.
const downloadTimeout = 30 * time.Minute

// backupView is what the backups page shows.
type backupView struct {
	Available bool // SQLite; PostgreSQL is backed up with its own tools
	Dir       string
	Every     string // "24 hours"; empty when scheduled backups are off
	Keep      int
	// KeepBefore is how many of the backups taken before migrations stay,
	// apart from the schedule's Keep.
	KeepBefore int
	Files      []backupFile
}

type backupFile struct {
	backup.File
	HumanSize string
}

func (s *Site) backupPage(w http.ResponseWriter, r *http.Request) error {
	view := backupView{Available: s.backups.Available()}
	if view.Available {
		files, err := s.backups.List()
		if err != nil {
			return err
		}
		view.Dir, view.Keep, view.KeepBefore = s.backups.Dir(), s.backups.Keep(), backup.KeepBeforeMigrating
		if d := s.backups.Interval(); d > 0 {
			view.Every = durationWords(d)
		}
		for _, f := range files {
			view.Files = append(view.Files, backupFile{File: f, HumanSize: byteSize(f.Size)})
		}
	}
	p := topPage("Backups", "Backups", view)
	p.BodyClass = "backups"
	return s.render(w, r, http.StatusOK, "backup", p)
}

// backupDownload sends a fresh, checked copy of the database. Its
// temporary file goes once sent; it is not one of the kept backups.
func (s *Site) backupDownload(w http.ResponseWriter, r *http.Request) error {
	if !s.backups.Available() {
		return web.Status(http.StatusNotFound)
	}
	start := time.Now()
	// Not every writer in tests has a connection's deadline to move.
	_ = http.NewResponseController(w).SetWriteDeadline(start.Add(downloadTimeout))
	snap, err := s.backups.Snapshot(r.Context())
	if err != nil {
		return err
	}
	defer snap.Close()

	h := w.Header()
	h.Set("Content-Type", "application/vnd.sqlite3")
	h.Set("Content-Disposition", `attachment; filename="`+snap.Name+`"`)
	h.Set("Content-Length", strconv.FormatInt(snap.Size, 10))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	u := currentUser(r)
	n, err := io.Copy(w, snap)
	if err != nil {
		// The status is sent; all that is left is to say the copy fell short.
		s.logger.WarnContext(r.Context(), "backup download interrupted", "user_id", u.ID, "username", u.Username,
			"bytes", n, "size", snap.Size, "error", err)
		return nil
	}
	s.logger.InfoContext(r.Context(), "backup downloaded", "user_id", u.ID, "username", u.Username,
		"bytes", n, "duration", time.Since(start))
	return nil
}

// durationWords says a schedule's period in words: "24 hours", "90 minutes".
func durationWords(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return plural(int64(d/time.Minute), "minute")
	}
	return d.String()
}

func plural(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.FormatInt(n, 10) + " " + unit + "s"
}

// byteSize writes a size as Django's filesizeformat does: "204.8 KB".
func byteSize(n int64) string {
	if n < 1024 {
		return plural(n, "byte")
	}
	size, units := float64(n)/1024, []string{"KB", "MB", "GB", "TB"}
	unit := 0
	for size >= 1024 && unit < len(units)-1 {
		size /= 1024
		unit++
	}
	return fmt.Sprintf("%.1f %s", size, units[unit])
}
