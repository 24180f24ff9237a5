package admin_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"oclettings/admin"
	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

// guidePath is the guide the test follows, from the repository's root.
const guidePath = "docs/adding-a-model.md"

// guideCopy is set in the environment of the tests run inside the copy of
// the repository TestAddingAModelGuide makes: there the guide's model
// exists, and the test does not start another copy.
const guideCopy = "OCLETTINGS_GUIDE_COPY"

// The guide's throwaway model, which the scenarios of forgotten steps
// take apart.
const (
	guideTable = "lettings_photo"
	guideApp   = "lettings"
	guideModel = "photo"
)

// TestAddingAModelGuide follows docs/adding-a-model.md for real: it copies
// the repository, applies every block of the guide to the copy as the
// guide says, and runs gofmt, go vet and the tests the guide touches there
// (on the database this test runs on), so that a guide that no longer
// works fails here. It checks the figures the guide gives for its cost,
// and the messages it quotes for forgotten steps (those that need the
// guide's model, inside the copy: TestGuideForgottenSteps).
func TestAddingAModelGuide(t *testing.T) {
	if os.Getenv(guideCopy) != "" {
		t.Skip("inside the guide's copy of the repository")
	}
	if testing.Short() {
		t.Skip("builds a copy of the repository")
	}
	t.Parallel()
	root := moduleRoot(t)
	g := readGuide(t, filepath.Join(root, filepath.FromSlash(guidePath)))

	t.Run("figures", func(t *testing.T) {
		t.Parallel()
		checkFigures(t, g)
	})
	t.Run("forgotten steps without the model", func(t *testing.T) {
		t.Parallel()
		checkQuotes(t, g, forgottenWithoutModel)
	})
	t.Run("followed in a copy", func(t *testing.T) {
		t.Parallel()
		followGuide(t, root, g)
	})
}

// TestGuideForgottenSteps takes the guide's model apart the way each
// forgotten step would leave it and compares what the system checks say
// with what the guide quotes. It needs the guide's model, so it runs only
// in the copy TestAddingAModelGuide makes.
func TestGuideForgottenSteps(t *testing.T) {
	if os.Getenv(guideCopy) == "" {
		t.Skip("runs in the copy of the repository that TestAddingAModelGuide makes")
	}
	t.Parallel()
	g := readGuide(t, filepath.Join(moduleRoot(t), filepath.FromSlash(guidePath)))
	checkQuotes(t, g, forgottenWithModel)
}

// guide is the guide read as what a program can follow: the blocks to
// apply, in order, and the output it quotes for forgotten steps.
type guide struct {
	text   string
	edits  []edit
	quotes map[string]string // what was forgotten ("the triggers") → the quoted output
}

// edit is one block and where it goes.
type edit struct {
	line int    // of the block's directive in the guide, for messages
	path string // slash-separated, from the repository's root
	how  placement
	at   string // the text that places it
	body string // ends with a newline
}

// placement is where a block goes in its file.
type placement int

const (
	newFile    placement = iota // the whole of a new file
	afterLine                   // new lines after the one line containing at
	rightAfter                  // on that line, straight after at
	atEnd                       // at the end of the file, after a blank line
)

// lines is how many lines the block writes.
func (e edit) lines() int { return strings.Count(e.body, "\n") }

var (
	fileDirective    = regexp.MustCompile("^File: `([^`]+)`$")
	addDirective     = regexp.MustCompile("^Add to: `([^`]+)`, (after the line containing|right after) `([^`]+)`$")
	endDirective     = regexp.MustCompile("^Add to: `([^`]+)`, at the end$")
	withoutDirective = regexp.MustCompile(`^Without (the [a-z ]+?), .*:$`)
)

// readGuide reads the guide's fenced blocks with the line above each. A
// block that is not text or a command must say where it goes, so that no
// code the guide shows is left out of the test.
func readGuide(t *testing.T, path string) guide {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g := guide{text: string(raw), quotes: map[string]string{}}
	lines := strings.Split(g.text, "\n")
	for i := 0; i < len(lines); i++ {
		lang, open := strings.CutPrefix(lines[i], "```")
		if !open {
			continue
		}
		start := i
		var body strings.Builder
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			body.WriteString(lines[i] + "\n")
		}
		if i == len(lines) {
			t.Fatalf("%s:%d: a block that never closes", guidePath, start+1)
		}
		above := ""
		if start > 0 {
			above = lines[start-1]
		}
		e := edit{line: start, body: body.String()}
		file, add, end, without := fileDirective.FindStringSubmatch(above), addDirective.FindStringSubmatch(above),
			endDirective.FindStringSubmatch(above), withoutDirective.FindStringSubmatch(above)
		switch {
		case file != nil:
			e.path, e.how = file[1], newFile
		case add != nil && add[2] == "right after":
			e.path, e.how, e.at = add[1], rightAfter, add[3]
			if e.lines() != 1 {
				t.Fatalf("%s:%d: got %d lines to add right after %q, want one", guidePath, start, e.lines(), e.at)
			}
		case add != nil:
			e.path, e.how, e.at = add[1], afterLine, add[3]
		case end != nil:
			e.path, e.how = end[1], atEnd
		case without != nil && lang == "text":
			if _, twice := g.quotes[without[1]]; twice {
				t.Fatalf("%s:%d: a second quote for what happens without %s", guidePath, start, without[1])
			}
			g.quotes[without[1]] = strings.TrimSuffix(e.body, "\n")
			continue
		case lang == "text" || lang == "sh":
			continue
		default:
			t.Fatalf("%s:%d: a %q block with no line above saying where it goes (File: or Add to:)", guidePath, start+1, lang)
		}
		if !filepath.IsLocal(filepath.FromSlash(e.path)) {
			t.Fatalf("%s:%d: %q is not a path inside the repository", guidePath, start, e.path)
		}
		g.edits = append(g.edits, e)
	}
	if len(g.edits) == 0 {
		t.Fatalf("%s: no block to apply", guidePath)
	}
	return g
}

// fileCost is what the guide writes in one file.
type fileCost struct {
	path  string
	isNew bool
	lines int
}

// costs are the files the guide touches, in the order it first touches them.
func (g guide) costs() []fileCost {
	var out []fileCost
	for _, e := range g.edits {
		i := slices.IndexFunc(out, func(c fileCost) bool { return c.path == e.path })
		if i < 0 {
			out = append(out, fileCost{path: e.path})
			i = len(out) - 1
		}
		out[i].isNew = out[i].isNew || e.how == newFile
		out[i].lines += e.lines()
	}
	return out
}

func isTest(path string) bool { return strings.HasSuffix(path, "_test.go") }

// checkFigures compares the figures "What it costs" states with the blocks.
func checkFigures(t *testing.T, g guide) {
	costs := g.costs()
	stated := map[string]fileCost{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([^`]+)` \\| (new|changed) \\| (\\d+) \\|$").FindAllStringSubmatch(g.text, -1) {
		n, _ := strconv.Atoi(m[3])
		stated[m[1]] = fileCost{path: m[1], isNew: m[2] == "new", lines: n}
	}
	var files, added, lines, plainFiles, plainLines, coreFiles, coreLines int
	for _, c := range costs {
		files++
		lines += c.lines
		if c.isNew {
			added++
		}
		if !isTest(c.path) {
			plainFiles++
			plainLines += c.lines
			if !strings.HasPrefix(c.path, "public/") {
				coreFiles++
				coreLines += c.lines
			}
		}
		kind := map[bool]string{true: "new", false: "changed"}[c.isNew]
		if s, ok := stated[c.path]; !ok || s != c {
			t.Errorf("the cost table's row for %s: got %+v, want | `%s` | %s | %d |", c.path, s, c.path, kind, c.lines)
		}
		delete(stated, c.path)
	}
	for path := range stated {
		t.Errorf("the cost table lists %s, which no block touches", path)
	}
	for _, f := range []struct {
		pattern string
		want    []int
	}{
		{`In all, \*\*(\d+) files \((\d+) new, (\d+) changed\) and (\d+) lines\*\*`, []int{files, added, files - added, lines}},
		{`Without the tests, \*\*(\d+) files and (\d+) lines\*\*`, []int{plainFiles, plainLines}},
		{`\(without the public page and the tests\) take \*\*(\d+) files and (\d+) lines\*\*`, []int{coreFiles, coreLines}},
	} {
		// The sentences wrap anywhere: a space in the pattern is any run of
		// white space.
		m := regexp.MustCompile(strings.ReplaceAll(f.pattern, " ", `\s+`)).FindStringSubmatch(g.text)
		if m == nil {
			t.Errorf("%s states no figure matching %s; the blocks give %v", guidePath, f.pattern, f.want)
			continue
		}
		for i, want := range f.want {
			if got, _ := strconv.Atoi(m[i+1]); got != want {
				t.Errorf("%s states %q: got %d in place %d, want %d (the figures from the blocks are %v)", guidePath, m[0], got, i+1, want, f.want)
			}
		}
	}
}

// followGuide applies the guide to a copy of the repository and runs the
// checks and tests it touches there.
func followGuide(t *testing.T, root string, g guide) {
	dir := copyDir(t, root)
	began := time.Now()
	copyTree(t, root, dir)
	for _, e := range g.edits {
		if err := apply(dir, e); err != nil {
			t.Fatalf("%s:%d: %v", guidePath, e.line, err)
		}
	}
	var goFiles, packages, tests []string
	for _, c := range g.costs() {
		if !strings.HasSuffix(c.path, ".go") {
			continue
		}
		goFiles = append(goFiles, filepath.FromSlash(c.path))
		if pkg := "./" + filepath.ToSlash(filepath.Dir(filepath.FromSlash(c.path))); !slices.Contains(packages, pkg) {
			packages = append(packages, pkg)
		}
		if c.isNew && isTest(c.path) {
			src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(c.path)))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\)`).FindAllStringSubmatch(string(src), -1) {
				tests = append(tests, m[1])
			}
		}
	}
	if len(tests) == 0 {
		t.Fatalf("%s adds no test", guidePath)
	}
	if !slices.Contains(packages, "./admin") {
		packages = append(packages, "./admin")
	}
	// Beside the guide's own tests: the checks on every registered model,
	// the migrations up, down and up again, and the quoted messages.
	tests = append(tests, "TestSystemChecksPassOnEveryRegisteredModel", "TestSystemChecksRefuseBrokenDeclarations", "TestPermissions", "TestUpDownUp", "TestGuideForgottenSteps")
	t.Logf("copied and applied in %v", time.Since(began).Round(time.Millisecond))

	if out := inCopy(t, dir, "gofmt", append([]string{"-l"}, goFiles...)...); out != "" {
		t.Errorf("gofmt would change what the guide writes:\n%s", out)
	}
	inCopy(t, dir, "go", "vet", "./...")
	// vet has just run; the tests need not run it again. No -race: it
	// would rebuild every package for the race detector, for code that
	// exists only in the copy.
	out := inCopy(t, dir, "go", append([]string{"test", "-count=1", "-vet=off", "-v", "-run", "^(" + strings.Join(tests, "|") + ")$"}, packages...)...)
	for _, name := range tests {
		if !strings.Contains(out, "--- PASS: "+name+" ") {
			t.Errorf("the tests in the copy did not pass %s:\n%s", name, out)
		}
	}
	t.Logf("followed the guide in %v", time.Since(began).Round(time.Millisecond))
}

// copyDir is where the guide is applied: the same directory at every run
// of this repository's tests, because the build cache keys what it
// compiles by its directory, so that a run finds what the last one
// compiled instead of compiling the module afresh. A run that finds the
// directory taken by another (its lock held) uses a directory of its own.
func copyDir(t *testing.T, root string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(root))
	dir := filepath.Join(os.TempDir(), "oclettings-guide-"+hex.EncodeToString(sum[:6]))
	lock, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return t.TempDir()
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = lock.Close()
		return t.TempDir()
	}
	t.Cleanup(func() { _ = lock.Close() }) // closing releases the lock
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// inCopy runs a command in the copy, in this test's environment (the same
// build cache and GOFLAGS, and TEST_DATABASE_URL for the database), and
// fails with its output when it fails.
func inCopy(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	began := time.Now()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	// PWD as a shell in dir would have it, not the parent's.
	cmd.Env = append(os.Environ(), guideCopy+"=1", "PWD="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s, in the copy the guide was applied to: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	t.Logf("%s %s: %v", name, args[0], time.Since(began).Round(time.Millisecond))
	return string(out)
}

// copyTree copies the repository's files, less its history and anything
// larger than a source file ever is (databases, binaries, coverage files).
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	const largest = 1 << 20
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		switch {
		case d.IsDir() && d.Name() == ".git":
			return filepath.SkipDir
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case !d.Type().IsRegular():
			return nil
		}
		info, err := d.Info()
		if err != nil || info.Size() > largest {
			return err
		}
		return copyFile(path, target, info.Mode().Perm())
	})
	if err != nil {
		t.Fatalf("copy the repository: %v", err)
	}
}

func copyFile(from, to string, mode fs.FileMode) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer func() { _ = src.Close() }()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	return errors.Join(err, dst.Close())
}

// apply makes one block's change in the copy at dir, as its directive says.
func apply(dir string, e edit) error {
	path := filepath.Join(dir, filepath.FromSlash(e.path))
	if e.how == newFile {
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("%s, a new file for the guide, exists already: give the guide's file another name", e.path)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		return os.WriteFile(path, []byte(e.body), 0o644)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	text := string(raw)
	switch e.how {
	case atEnd:
		if !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		text += "\n" + e.body
	case rightAfter:
		if n := strings.Count(text, e.at); n != 1 {
			return fmt.Errorf("%s holds %q %d times, want once", e.path, e.at, n)
		}
		i := strings.Index(text, e.at) + len(e.at)
		text = text[:i] + strings.TrimSuffix(e.body, "\n") + text[i:]
	case afterLine:
		lines := strings.SplitAfter(text, "\n")
		found := -1
		for i, l := range lines {
			if strings.Contains(l, e.at) {
				if found >= 0 {
					return fmt.Errorf("%s has more than one line containing %q", e.path, e.at)
				}
				found = i
			}
		}
		if found < 0 {
			return fmt.Errorf("%s has no line containing %q", e.path, e.at)
		}
		text = strings.Join(slices.Insert(lines, found+1, e.body), "")
	}
	return os.WriteFile(path, []byte(text), 0o644)
}

// moduleRoot is the repository's root: the nearest directory above the
// test's with a go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// forgotten is a forgotten step, brought about on a fresh database:
// output is what the person who forgot it sees, and exact whether the
// guide quotes all of it (or it is one of the lines the guide quotes).
type forgotten func(t *testing.T) (output string, exact bool)

// forgottenWithoutModel are the steps whose effect this repository shows
// as it is: a table the guide's migration would create, without the rest.
var forgottenWithoutModel = map[string]forgotten{
	// The migration applied, the declaration not registered: the table's
	// cascading key into lettings is all the checks look at.
	"the registration": func(t *testing.T) (string, bool) {
		db := testdb.Open(t)
		mustExec(t, db, "CREATE TABLE "+guideTable+" (id BIGINT PRIMARY KEY, letting_id BIGINT NOT NULL REFERENCES lettings_letting (id) ON DELETE CASCADE)")
		return checkOutput(t, db), true
	},
	// The key without ON DELETE CASCADE: the checks pass, and deleting a
	// letting with a photo fails with the database's error.
	"the cascade": func(t *testing.T) (string, bool) {
		db := testdb.Seeded(t)
		mustExec(t, db, "CREATE TABLE "+guideTable+" (id BIGINT PRIMARY KEY, letting_id BIGINT NOT NULL REFERENCES lettings_letting (id))")
		if out := checkOutput(t, db); out != "" {
			return "the checks say: " + out, true
		}
		mustExec(t, db, "INSERT INTO "+guideTable+" (id, letting_id) VALUES (1, 1)")
		err := models.DeleteLetting(context.Background(), db.Write, 1)
		if err == nil {
			return "the letting was deleted", true
		}
		return err.Error(), false
	},
}

// forgottenWithModel are the steps taken out of the guide's model in the
// copy, where its migration has run.
var forgottenWithModel = map[string]forgotten{
	"the permissions": func(t *testing.T) (string, bool) {
		db := testdb.Open(t)
		mustExec(t, db, "DELETE FROM auth_permission WHERE app_label = '"+guideApp+"' AND model = '"+guideModel+"'")
		return checkOutput(t, db), true
	},
	"the triggers": func(t *testing.T) (string, bool) {
		db := testdb.Open(t)
		if db.Kind == "postgres" {
			mustExec(t, db, "DROP TRIGGER "+guideTable+"_content_version ON "+guideTable)
		} else {
			for _, event := range []string{"insert", "update", "delete"} {
				mustExec(t, db, "DROP TRIGGER "+guideTable+"_content_version_"+event)
			}
		}
		return checkOutput(t, db), true
	},
	"the search index": func(t *testing.T) (string, bool) {
		db := testdb.Open(t)
		if db.Kind == "postgres" {
			for _, column := range []string{"caption", "path"} {
				mustExec(t, db, "DROP INDEX "+database.SearchIndex(guideTable, column))
			}
		} else {
			mustExec(t, db, "DROP TABLE "+database.SearchTable(guideTable))
		}
		return checkOutput(t, db), true
	},
	"the migration": func(t *testing.T) (string, bool) {
		db := testdb.Open(t)
		mustExec(t, db, "DROP TABLE "+guideTable)
		mustExec(t, db, "DELETE FROM auth_permission WHERE app_label = '"+guideApp+"' AND model = '"+guideModel+"'")
		return checkOutput(t, db), true
	},
}

// checkQuotes brings about each forgotten step and compares what follows
// with what the guide quotes for it; every step must be quoted.
func checkQuotes(t *testing.T, g guide, steps map[string]forgotten) {
	for what, step := range steps {
		t.Run(what, func(t *testing.T) {
			t.Parallel()
			quoted, ok := g.quotes[what]
			if !ok {
				t.Fatalf("%s quotes nothing for %q: want a line \"Without %s, …:\" above a text block", guidePath, what, what)
			}
			got, exact := step(t)
			if exact && got != quoted || !exact && !slices.Contains(strings.Split(quoted, "\n"), got) {
				t.Errorf("without %s: got\n%s\nwant what %s quotes:\n%s", what, got, guidePath, quoted)
			}
		})
	}
	for what := range g.quotes {
		if _, ok := forgottenWithoutModel[what]; !ok {
			if _, ok := forgottenWithModel[what]; !ok {
				t.Errorf("%s quotes the output without %s, which this test cannot bring about", guidePath, what)
			}
		}
	}
}

// checkOutput is what `app check` prints of the system checks on db's
// schema, "" when they find nothing. The command's report puts its name
// before the problems (cmd/app's TestCheckProblemsPrintOneLineEach pins
// that), which the guide quotes as a reader sees it.
func checkOutput(t *testing.T, db *database.DB) string {
	t.Helper()
	err := admin.Check(context.Background(), db)
	var failed *admin.CheckError
	if err != nil && !errors.As(err, &failed) {
		t.Fatal(err)
	}
	if err == nil {
		return ""
	}
	return "app check: " + err.Error()
}

func mustExec(t *testing.T, db *database.DB, query string) {
	t.Helper()
	if _, err := db.Write.ExecContext(context.Background(), query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
