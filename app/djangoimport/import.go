// Package djangoimport brings the data of the Django site of OC Lettings
// into this app's database: members and staff with their password hashes,
// groups and permissions, addresses, lettings, profiles and the admin's
// history, in one transaction, through the models' own validation.
package djangoimport

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"oclettings/app/auth"
	"oclettings/app/database"
	"oclettings/app/models"
)

// Options change how Import works.
type Options struct {
	DryRun      bool // do everything, then roll back
	SkipInvalid bool // leave invalid rows out instead of stopping
	// Progress, when set, hears how far a table has got, after every batch.
	Progress func(table string, done, total int)
}

// Problem is a row that cannot be imported, and why.
type Problem struct {
	Table  string
	ID     int64
	Reason string
}

func (p Problem) String() string { return fmt.Sprintf("%s id %d: %s", p.Table, p.ID, p.Reason) }

// InvalidError stops an import that met invalid rows without SkipInvalid.
type InvalidError struct{ Problems []Problem }

func (e *InvalidError) Error() string {
	return fmt.Sprintf("%d invalid rows; nothing was changed (--skip-invalid imports the others)", len(e.Problems))
}

// Count is what happened to one table's rows.
type Count struct {
	Table                            string
	Found, Imported, Merged, Skipped int
}

// Report says what Import did, or with DryRun would do.
type Report struct {
	Schema  Schema
	KeptIDs bool // the target was empty: every record kept its Django id
	DryRun  bool
	Counts  []Count
	// Skipped lists the rows left out with SkipInvalid.
	Skipped []Problem
	// UnknownPermissions are Django permissions given to users or groups
	// that have no counterpart here (admin.view_logentry, say).
	UnknownPermissions []string
}

// Imported is the number of rows added, all tables together.
func (r *Report) Imported() int {
	n := 0
	for _, c := range r.Counts {
		n += c.Imported
	}
	return n
}

// batchSize rows go in one INSERT: few round trips, statements of modest size.
const batchSize = 500

var errDryRun = errors.New("dry run")

// Import reads the Django database file at path and imports it into db.
func Import(ctx context.Context, db *database.DB, path string, opts Options) (*Report, error) {
	src, err := openSource(ctx, path)
	if err != nil {
		return nil, err
	}
	defer src.close()
	data, err := src.read(ctx)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	report := &Report{Schema: src.schema, DryRun: opts.DryRun}
	err = db.Write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		im := &importer{tx: tx, src: data, opts: opts, report: report, ids: map[string]map[int64]int64{}}
		if err := im.run(ctx); err != nil {
			return err
		}
		if len(im.problems) > 0 && !opts.SkipInvalid {
			return &InvalidError{Problems: im.problems}
		}
		report.Skipped = im.problems
		if opts.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	if err == nil && db.Kind == "postgres" {
		// PostgreSQL picks the search indexes by the tables' statistics,
		// which its autovacuum gathers only some time after a bulk load;
		// until then every search would read the tables whole.
		if _, err := db.Write.ExecContext(ctx, "ANALYZE auth_user, auth_group, lettings_address, lettings_letting, profiles_profile, admin_logentry"); err != nil {
			return nil, fmt.Errorf("imported, but gathering the tables' statistics failed (run ANALYZE): %w", err)
		}
	}
	return report, nil
}

// importer is one import, inside its transaction.
type importer struct {
	tx       bun.Tx
	src      *rows
	opts     Options
	report   *Report
	problems []Problem
	// ids maps each table's Django ids to ours.
	ids map[string]map[int64]int64
}

func (im *importer) run(ctx context.Context) error {
	empty, err := im.targetEmpty(ctx)
	if err != nil {
		return err
	}
	im.report.KeptIDs = empty
	for _, step := range []func(context.Context) error{
		im.users, im.groups, im.links, im.addresses, im.lettings, im.profiles, im.history,
	} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	if empty && im.tx.Dialect().Name() == dialect.PG {
		return im.advanceSequences(ctx)
	}
	return nil
}

// contentTables are the tables whose ids the import keeps into an empty database.
var contentTables = []string{"auth_user", "auth_group", "lettings_address", "lettings_letting", "profiles_profile", "admin_logentry"}

// targetEmpty says whether the target holds no records at all, in which
// case Django's ids are kept and old links keep working.
func (im *importer) targetEmpty(ctx context.Context) (bool, error) {
	for _, t := range contentTables {
		found, err := im.tx.NewSelect().TableExpr(t).Exists(ctx)
		if err != nil || found {
			return false, err
		}
	}
	return true, nil
}

// advanceSequences moves PostgreSQL's id generators past the kept ids, so
// the next record added in the admin does not collide with an imported one.
// (SQLite's AUTOINCREMENT follows explicit ids by itself.)
func (im *importer) advanceSequences(ctx context.Context) error {
	for _, t := range contentTables {
		_, err := im.tx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence(?, 'id'), (SELECT coalesce(max(id), 0) + 1 FROM ?), false)",
			t, bun.Ident(t))
		if err != nil {
			return fmt.Errorf("advance the id sequence of %s: %w", t, err)
		}
	}
	return nil
}

// problem records a row that cannot be imported, named by the Django
// table and id the operator can look up.
func (im *importer) problem(table string, id int64, reason string) {
	switch sc := im.report.Schema; table {
	case "lettings_address":
		table = sc.Address
	case "lettings_letting":
		table = sc.Letting
	case "profiles_profile":
		table = sc.Profile
	case "admin_logentry":
		table = "django_admin_log"
	}
	im.problems = append(im.problems, Problem{Table: table, ID: id, Reason: reason})
}

// count adds a table's line to the report and returns it for filling in.
func (im *importer) count(table string, found int) *Count {
	im.report.Counts = append(im.report.Counts, Count{Table: table, Found: found})
	return &im.report.Counts[len(im.report.Counts)-1]
}

// tally sorts one table's rows into skipped, merged and to be added, and
// adds the last in batches.
type tally[T any] struct {
	im  *importer
	c   *Count
	id  func(*T) *int64 // a row's id field
	add []T
	old []int64 // the Django ids of add, in the same order
}

func newTally[T any](im *importer, table string, found int, id func(*T) *int64) *tally[T] {
	return &tally[T]{im: im, c: im.count(table, found), id: id}
}

// skip leaves a row out, for reason.
func (t *tally[T]) skip(old int64, reason string) {
	t.im.problem(t.c.Table, old, reason)
	t.c.Skipped++
}

// invalid leaves out a row that failed its model's validation.
func (t *tally[T]) invalid(old int64, err error) {
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		t.skip(old, ve.Error())
		return
	}
	t.skip(old, err.Error())
}

// merge maps a row to the record here that it matches.
func (t *tally[T]) merge(old, id int64) {
	t.im.mapped(t.c.Table)[old] = id
	t.c.Merged++
}

// keep queues a row to be added: with its Django id into an empty database.
func (t *tally[T]) keep(old int64, row T) {
	if t.im.report.KeptIDs {
		*t.id(&row) = old
	}
	t.add = append(t.add, row)
	t.old = append(t.old, old)
}

// insert adds the queued rows in batches and records the ids they got.
func (t *tally[T]) insert(ctx context.Context) error {
	t.c.Imported = len(t.add)
	ids := t.im.mapped(t.c.Table)
	for start := 0; start < len(t.add); start += batchSize {
		chunk := t.add[start:min(start+batchSize, len(t.add))]
		if _, err := t.im.tx.NewInsert().Model(&chunk).Exec(ctx); err != nil {
			return fmt.Errorf("insert into %s: %w", t.c.Table, err)
		}
		for i := range chunk {
			ids[t.old[start+i]] = *t.id(&chunk[i])
		}
		if t.im.opts.Progress != nil {
			t.im.opts.Progress(t.c.Table, start+len(chunk), len(t.add))
		}
	}
	return nil
}

// mapped returns a table's Django-to-ours id map.
func (im *importer) mapped(table string) map[int64]int64 {
	m, ok := im.ids[table]
	if !ok {
		m = map[int64]int64{}
		im.ids[table] = m
	}
	return m
}

func (im *importer) users(ctx context.Context) error {
	t := newTally(im, "auth_user", len(im.src.users), func(u *models.User) *int64 { return &u.ID })
	existing := map[string]models.User{}
	if !im.report.KeptIDs {
		users, err := models.ListUsers(ctx, im.tx)
		if err != nil {
			return err
		}
		for _, u := range users {
			existing[u.UsernameKey] = u
		}
	}
	seen := map[string]int64{}
	for _, r := range im.src.users {
		u := r.row
		if err := u.Clean(); err != nil {
			t.invalid(r.id, err)
			continue
		}
		if first, dup := seen[u.UsernameKey]; dup {
			// Django's usernames are unique as typed; ours whatever their case.
			t.skip(r.id, fmt.Sprintf("username: %s (user %d differs only in case)", models.MsgUsernameTaken, first))
			continue
		}
		seen[u.UsernameKey] = r.id
		ex, ok := existing[u.UsernameKey]
		if !ok {
			t.keep(r.id, u)
			continue
		}
		t.merge(r.id, ex.ID)
		// A member created by the reference data has no usable password;
		// their Django password lets them sign in as before.
		if !auth.IsUsable(ex.Password) && auth.IsUsable(u.Password) {
			if err := models.SetUserPassword(ctx, im.tx, ex.ID, u.Password); err != nil {
				return err
			}
		}
	}
	return t.insert(ctx)
}

func (im *importer) groups(ctx context.Context) error {
	t := newTally(im, "auth_group", len(im.src.groups), func(g *models.Group) *int64 { return &g.ID })
	groups, err := models.ListGroups(ctx, im.tx)
	if err != nil {
		return err
	}
	existing := map[string]int64{}
	for _, g := range groups {
		existing[g.Name] = g.ID
	}
	for _, r := range im.src.groups {
		g := r.row
		if err := g.Clean(); err != nil {
			t.invalid(r.id, err)
		} else if id, ok := existing[g.Name]; ok {
			t.merge(r.id, id)
		} else {
			existing[g.Name] = -1 // taken by this import
			t.keep(r.id, g)
		}
	}
	return t.insert(ctx)
}

// modelsHere maps Django's content types to our app labels and models. The
// original site kept every model in one app, oc_lettings_site; the
// refactored one split them, and its database still holds the old types.
var modelsHere = map[contentType]contentType{
	{"oc_lettings_site", "address"}: {"lettings", "address"},
	{"oc_lettings_site", "letting"}: {"lettings", "letting"},
	{"oc_lettings_site", "profile"}: {"profiles", "profile"},
	{"lettings", "address"}:         {"lettings", "address"},
	{"lettings", "letting"}:         {"lettings", "letting"},
	{"profiles", "profile"}:         {"profiles", "profile"},
	{"auth", "user"}:                {"auth", "user"},
	{"auth", "group"}:               {"auth", "group"},
}

// links imports the users' groups and the groups' and users' permissions.
func (im *importer) links(ctx context.Context) error {
	perms, err := models.ListPermissions(ctx, im.tx)
	if err != nil {
		return err
	}
	ours := map[string]int64{}
	for _, p := range perms {
		ours[p.Key()] = p.ID
	}
	unknown := map[string]bool{}
	permission := func(old int64) (int64, bool) {
		p, ok := im.src.permissions[old]
		if !ok {
			return 0, false
		}
		ct := im.src.contentTypes[p.contentType]
		if here, ok := modelsHere[ct]; ok {
			if id, ok := ours[here.app+"."+p.codename]; ok {
				return id, true
			}
		}
		unknown[ct.app+"."+p.codename] = true
		return 0, false
	}
	users, groups := im.mapped("auth_user"), im.mapped("auth_group")

	var groupPerms []models.GroupPermission
	for _, l := range im.src.groupPerms {
		g, okG := groups[l[0]]
		p, okP := permission(l[1])
		if okG && okP {
			groupPerms = append(groupPerms, models.GroupPermission{GroupID: g, PermissionID: p})
		}
	}
	var userGroups []models.UserGroup
	for _, l := range im.src.userGroups {
		u, okU := users[l[0]]
		g, okG := groups[l[1]]
		if okU && okG {
			userGroups = append(userGroups, models.UserGroup{UserID: u, GroupID: g})
		}
	}
	var userPerms []models.UserPermission
	for _, l := range im.src.userPerms {
		u, okU := users[l[0]]
		p, okP := permission(l[1])
		if okU && okP {
			userPerms = append(userPerms, models.UserPermission{UserID: u, PermissionID: p})
		}
	}
	if err := addLinks(ctx, im, "auth_group_permissions", len(im.src.groupPerms), groupPerms); err != nil {
		return err
	}
	if err := addLinks(ctx, im, "auth_user_groups", len(im.src.userGroups), userGroups); err != nil {
		return err
	}
	if err := addLinks(ctx, im, "auth_user_user_permissions", len(im.src.userPerms), userPerms); err != nil {
		return err
	}
	for k := range unknown {
		im.report.UnknownPermissions = append(im.report.UnknownPermissions, k)
	}
	slices.Sort(im.report.UnknownPermissions)
	return nil
}

// addLinks inserts link rows, leaving alone the ones already there.
func addLinks[T any](ctx context.Context, im *importer, table string, found int, links []T) error {
	c := im.count(table, found)
	c.Skipped = found - len(links)
	for start := 0; start < len(links); start += batchSize {
		chunk := links[start:min(start+batchSize, len(links))]
		res, err := im.tx.NewInsert().Model(&chunk).On("CONFLICT DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		c.Imported += int(n)
		c.Merged += len(chunk) - int(n)
	}
	return nil
}

type addressKey struct {
	number, zip                     int
	street, city, state, countryISO string
}

func keyOf(a *models.Address) addressKey {
	return addressKey{a.Number, a.ZipCode, a.Street, a.City, a.State, a.CountryISOCode}
}

func (im *importer) addresses(ctx context.Context) error {
	t := newTally(im, "lettings_address", len(im.src.addresses), func(a *models.Address) *int64 { return &a.ID })
	existing := map[addressKey]int64{}
	if !im.report.KeptIDs {
		addresses, err := models.ListAddresses(ctx, im.tx)
		if err != nil {
			return err
		}
		for i := range addresses {
			if _, dup := existing[keyOf(&addresses[i])]; !dup {
				existing[keyOf(&addresses[i])] = addresses[i].ID
			}
		}
	}
	for _, r := range im.src.addresses {
		a := r.row
		if err := a.Clean(); err != nil {
			t.invalid(r.id, err)
		} else if id, ok := existing[keyOf(&a)]; ok {
			t.merge(r.id, id)
		} else {
			t.keep(r.id, a)
		}
	}
	return t.insert(ctx)
}

func (im *importer) lettings(ctx context.Context) error {
	t := newTally(im, "lettings_letting", len(im.src.lettings), func(l *models.Letting) *int64 { return &l.ID })
	type lettingKey struct {
		title   string
		address int64
	}
	existing := map[lettingKey]int64{}
	taken := map[int64]bool{} // addresses with a letting: one each
	if !im.report.KeptIDs {
		var lettings []models.Letting
		if err := im.tx.NewSelect().Model(&lettings).Column("id", "title", "address_id").Scan(ctx); err != nil {
			return err
		}
		for _, l := range lettings {
			existing[lettingKey{l.Title, l.AddressID}] = l.ID
			taken[l.AddressID] = true
		}
	}
	addresses := im.mapped("lettings_address")
	for _, r := range im.src.lettings {
		l := r.row
		addressID, ok := addresses[l.AddressID]
		if !ok {
			t.skip(r.id, fmt.Sprintf("address: address %d was not imported", l.AddressID))
			continue
		}
		l.AddressID = addressID
		if err := l.Clean(); err != nil {
			t.invalid(r.id, err)
		} else if id, ok := existing[lettingKey{l.Title, l.AddressID}]; ok {
			t.merge(r.id, id)
		} else if taken[l.AddressID] {
			t.skip(r.id, "address: Letting with this Address already exists.")
		} else {
			taken[l.AddressID] = true
			t.keep(r.id, l)
		}
	}
	return t.insert(ctx)
}

func (im *importer) profiles(ctx context.Context) error {
	t := newTally(im, "profiles_profile", len(im.src.profiles), func(p *models.Profile) *int64 { return &p.ID })
	existing := map[int64]int64{} // user id → profile id
	if !im.report.KeptIDs {
		var profiles []models.Profile
		if err := im.tx.NewSelect().Model(&profiles).Column("id", "user_id").Scan(ctx); err != nil {
			return err
		}
		for _, p := range profiles {
			existing[p.UserID] = p.ID
		}
	}
	users := im.mapped("auth_user")
	for _, r := range im.src.profiles {
		p := r.row
		userID, ok := users[p.UserID]
		if !ok {
			t.skip(r.id, fmt.Sprintf("user: user %d was not imported", p.UserID))
			continue
		}
		p.UserID = userID
		if err := p.Clean(); err != nil {
			t.invalid(r.id, err)
		} else if id, ok := existing[p.UserID]; ok {
			t.merge(r.id, id) // the member's profile is here already; the target's wins
		} else {
			existing[p.UserID] = -1
			t.keep(r.id, p)
		}
	}
	return t.insert(ctx)
}

// history imports the admin log. Entries keep their time, author and
// wording; the object ids follow the records they name, and entries about
// models this site does not have (sessions, say) are left out.
func (im *importer) history(ctx context.Context) error {
	t := newTally(im, "admin_logentry", len(im.src.log), func(e *models.LogEntry) *int64 { return &e.ID })
	type entryKey struct {
		at                      int64
		app, model, object, rep string
		flag                    int
	}
	keyOf := func(e *models.LogEntry) entryKey {
		return entryKey{e.ActionTime.UnixMicro(), e.AppLabel, e.Model, e.ObjectID, e.ObjectRepr, e.ActionFlag}
	}
	existing := map[entryKey]bool{}
	if !im.report.KeptIDs {
		var entries []models.LogEntry
		if err := im.tx.NewSelect().Model(&entries).Column("action_time", "app_label", "model", "object_id", "object_repr", "action_flag").Scan(ctx); err != nil {
			return err
		}
		for i := range entries {
			existing[keyOf(&entries[i])] = true
		}
	}
	tables := map[contentType]string{
		{"lettings", "address"}: "lettings_address", {"lettings", "letting"}: "lettings_letting",
		{"profiles", "profile"}: "profiles_profile", {"auth", "user"}: "auth_user", {"auth", "group"}: "auth_group",
	}
	users := im.mapped("auth_user")
	for _, r := range im.src.log {
		here, ok := modelsHere[im.src.contentTypes[r.contentType.Int64]]
		if !ok {
			t.c.Skipped++ // history of a model this site does not have: no problem
			continue
		}
		at, err := djangoTime(r.actionTime)
		if err != nil {
			t.skip(r.id, "action_time: "+err.Error())
			continue
		}
		e := models.LogEntry{ActionTime: at, UserID: users[r.userID], AppLabel: here.app, Model: here.model,
			ObjectID: r.objectID.String, ObjectRepr: r.objectRepr, ActionFlag: r.actionFlag,
			ChangeMessage: djangoMessage(r.message, r.actionFlag)}
		if n, err := strconv.ParseInt(r.objectID.String, 10, 64); err == nil {
			if id, ok := im.mapped(tables[here])[n]; ok {
				e.ObjectID = strconv.FormatInt(id, 10)
			}
		}
		if err := e.Clean(); err != nil {
			t.invalid(r.id, err)
		} else if existing[keyOf(&e)] {
			t.c.Merged++
		} else {
			existing[keyOf(&e)] = true
			t.keep(r.id, e)
		}
	}
	return t.insert(ctx)
}
