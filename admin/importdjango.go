package admin

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"

	"oclettings/app/djangoimport"
	"oclettings/app/web"
)

// ImportDjangoPath is the page where superusers upload the Django site's
// database: where the database lives on a disk only the running service
// sees (Render's), `app import-django` cannot reach it. The perimeter gives
// this path a body limit of its own (IMPORT_MAX_BYTES).
const ImportDjangoPath = "/admin" + importDjangoRoute

const importDjangoRoute = "/import-django/"

const (
	msgImported       = "The Django database was imported."
	importFileField   = "database"
	importDryRun      = "dry_run"
	importSkipInvalid = "skip_invalid"
)

// importForm is the upload form, as shown again with its outcome.
type importForm struct {
	DryRun, SkipInvalid bool
	FileErrors          []string // beside the file field
	Problems            []string // the invalid rows of a refused import
	Report              *importReport
}

// importReport is djangoimport's report, in the words the command uses.
type importReport struct {
	Heading string
	Columns [5]string
	Counts  []djangoimport.Count
	Notes   []djangoimport.Note
}

func (s *Site) importDjangoPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderImportDjango(w, r, importForm{})
}

// importDjangoSubmit imports the uploaded file as `app import-django` does.
// The CSRF check has parsed the multipart form (the file spilling to disk)
// and removes its temporary files once this returns.
func (s *Site) importDjangoSubmit(w http.ResponseWriter, r *http.Request) error {
	input, err := web.Form(r)
	if err != nil {
		return err
	}
	form := importForm{DryRun: input.Get(importDryRun) != "", SkipInvalid: input.Get(importSkipInvalid) != ""}
	var header *multipart.FileHeader
	if r.MultipartForm != nil && len(r.MultipartForm.File[importFileField]) > 0 {
		header = r.MultipartForm.File[importFileField][0]
	}
	if header == nil {
		form.FileErrors = []string{msgRequired}
		return s.renderImportDjango(w, r, form)
	}

	path, err := uploadToTemp(header)
	if path != "" {
		defer os.Remove(path)
	}
	if err != nil {
		return err
	}
	report, err := djangoimport.Import(r.Context(), s.db, path, djangoimport.Options{DryRun: form.DryRun, SkipInvalid: form.SkipInvalid})

	u := currentUser(r)
	log := s.logger.With("user_id", u.ID, "username", u.Username, "bytes", header.Size, "dry_run", form.DryRun)
	var invalid *djangoimport.InvalidError
	var refused *djangoimport.FileError
	switch {
	case err != nil && r.Context().Err() != nil:
		// The client hung up: whatever the import was doing (reading the
		// file, writing), it rolled back, and nothing is wrong with the
		// file or the server.
		log.InfoContext(r.Context(), "Django import abandoned: the client went away", "outcome", "abandoned")
		return err
	case errors.As(err, &invalid):
		log.WarnContext(r.Context(), "Django import refused", "outcome", "invalid rows", "problems", len(invalid.Problems))
		form.FileErrors = []string{fmt.Sprintf("The file has %d invalid rows, listed below; nothing was changed. “Skip invalid rows” imports the others.", len(invalid.Problems))}
		form.Problems = invalid.Lines()
		return s.renderImportDjango(w, r, form)
	case errors.As(err, &refused):
		log.WarnContext(r.Context(), "Django import refused", "outcome", "refused", "reason", refused.Err.Error())
		// The reason without the temporary file's path, under the name the
		// superuser knows the file by.
		form.FileErrors = []string{header.Filename + ": " + refused.Err.Error()}
		return s.renderImportDjango(w, r, form)
	case err != nil:
		log.ErrorContext(r.Context(), "Django import failed", "outcome", "failed")
		return err // reported, with its error, by the error pages
	}
	outcome := "imported"
	if form.DryRun {
		outcome = "dry run"
	}
	log.InfoContext(r.Context(), "Django import", "outcome", outcome, "records", report.Imported(), "skipped", len(report.Skipped))

	form.Report = &importReport{Heading: report.Heading(header.Filename), Columns: djangoimport.Columns, Counts: report.Counts, Notes: report.Notes()}
	message := msgImported
	if form.DryRun {
		message = djangoimport.DryRunNote
	}
	s.addMessage(r, "success", escape(message))
	return s.renderImportDjango(w, r, form)
}

// uploadToTemp copies the upload to a file of its own, which the importer
// opens by path, and returns that path for removal whatever happens next.
func uploadToTemp(header *multipart.FileHeader) (path string, err error) {
	src, err := header.Open()
	if err != nil {
		return "", err
	}
	defer src.Close()
	dst, err := os.CreateTemp(os.TempDir(), "django-import-*.sqlite3")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return dst.Name(), err
}

func (s *Site) renderImportDjango(w http.ResponseWriter, r *http.Request, form importForm) error {
	return s.render(w, r, http.StatusOK, "import_django", topPage("Import from Django", "Import from Django", form))
}
