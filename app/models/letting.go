package models

import (
	"context"
	"strings"

	"github.com/uptrace/bun"
)

// Letting is a holiday home offered on the site; each has exactly one address.
type Letting struct {
	bun.BaseModel `bun:"table:lettings_letting,alias:letting"`

	ID        int64    `bun:"id,pk,autoincrement"`
	Title     string   `bun:"title,notnull"`
	AddressID int64    `bun:"address_id,notnull"`
	Address   *Address `bun:"rel:belongs-to,join:address_id=id"`
}

// lettingFields are a letting's fields.
var lettingFields = Fields{
	{Name: "title", Kind: Text, Required: true, MaxLen: 256},
	{Name: "address", Kind: Ref, Required: true, Unique: true},
}

func (l Letting) PK() int64      { return l.ID }
func (Letting) Fields() Fields   { return lettingFields }
func (l Letting) String() string { return l.Title }

// Clean trims the title and validates the fields that need no database.
func (l *Letting) Clean() error {
	return lettingFields.clean(l).Err()
}

// validateRelations checks what only the database knows: the address exists
// and no other letting already has it.
func (l *Letting) validateRelations(ctx context.Context, db bun.IDB) error {
	if err := related(ctx, db, (*Address)(nil), "address", l.AddressID); err != nil {
		return err
	}
	return unique(ctx, db, (*Letting)(nil), "address_id", l.AddressID, l.ID, "address", msgLettingAddressTaken)
}

const msgLettingAddressTaken = "Letting with this Address already exists."

// GetLetting loads one letting with its address.
func GetLetting(ctx context.Context, db bun.IDB, id int64) (*Letting, error) {
	l := new(Letting)
	err := db.NewSelect().Model(l).Relation("Address").Where("letting.id = ?", id).Scan(ctx)
	return l, translate(err)
}

// FindLetting returns the letting with this title at this address, the
// natural key the seed and the importer use.
func FindLetting(ctx context.Context, db bun.IDB, title string, addressID int64) (*Letting, error) {
	l := new(Letting)
	err := db.NewSelect().Model(l).
		Where("title = ?", title).Where("address_id = ?", addressID).
		Limit(1).Scan(ctx)
	return l, translate(err)
}

// CreateLetting validates and inserts a letting.
func CreateLetting(ctx context.Context, db bun.IDB, l *Letting) error {
	return insert(ctx, db, l, "address", msgLettingAddressTaken)
}

// UpdateLetting validates and saves an existing letting.
func UpdateLetting(ctx context.Context, db bun.IDB, l *Letting) error {
	return update(ctx, db, l, "address", msgLettingAddressTaken)
}

// DeleteLetting deletes a letting and leaves its address.
func DeleteLetting(ctx context.Context, db bun.IDB, id int64) error {
	return updated(db.NewDelete().Model((*Letting)(nil)).Where("id = ?", id).Exec(ctx))
}

// lettingSearch is what the public search box looks in: the title, and
// the city and state of the address (joined as "address").
var lettingSearch = func() Searched {
	toAddress := []Hop{{From: "address_id", Table: "lettings_address", To: "id"}}
	return Searched{Alias: "letting", Table: "lettings_letting", Columns: []SearchColumn{
		{Alias: "letting", Table: "lettings_letting", Column: "title"},
		{Alias: "address", Table: "lettings_address", Column: "city", Via: toAddress},
		{Alias: "address", Table: "lettings_address", Column: "state", Via: toAddress},
	}}
}()

// ListLettings returns a page of lettings with their addresses, by title,
// those matching search only when it is not blank.
func ListLettings(ctx context.Context, db bun.IDB, search string, limit, offset int) ([]Letting, error) {
	// The page's ids come first, from the title index alone; joining the
	// addresses of only those rows keeps a deep page (an offset of 50,000)
	// from joining every row it skips.
	ids := db.NewSelect().Model((*Letting)(nil)).Column("letting.id")
	if strings.TrimSpace(search) != "" {
		ids = WhereSearch(ids.Join("JOIN lettings_address AS address ON address.id = letting.address_id"), search, lettingSearch)
	}
	ids = ids.OrderExpr("letting.title, letting.id").Limit(int64(limit)).Offset(int64(offset))

	var lettings []Letting
	err := db.NewSelect().Model(&lettings).Relation("Address").
		Where("letting.id IN (?)", ids).
		OrderExpr("letting.title, letting.id").
		Scan(ctx)
	return lettings, translate(err)
}

// CountLettings counts the lettings ListLettings pages through.
func CountLettings(ctx context.Context, db bun.IDB, search string) (int, error) {
	q := db.NewSelect().Model((*Letting)(nil))
	if strings.TrimSpace(search) != "" {
		q = WhereSearch(q.Join("JOIN lettings_address AS address ON address.id = letting.address_id"), search, lettingSearch)
	}
	n, err := q.Count(ctx)
	return int(n), translate(err)
}

// LettingIDs returns every letting's id, for the sitemap.
func LettingIDs(ctx context.Context, db bun.IDB) ([]int64, error) {
	var ids []int64
	err := db.NewSelect().Model((*Letting)(nil)).Column("id").OrderExpr("id").Scan(ctx, &ids)
	return ids, translate(err)
}

// FindLettingAt returns the letting at an address.
func FindLettingAt(ctx context.Context, db bun.IDB, addressID int64) (*Letting, error) {
	l := new(Letting)
	err := db.NewSelect().Model(l).Where("address_id = ?", addressID).Scan(ctx)
	return l, translate(err)
}
