package models

import (
	"context"
	"strconv"

	"github.com/uptrace/bun"
)

// Address is where a letting stands.
type Address struct {
	bun.BaseModel `bun:"table:lettings_address,alias:address"`

	ID             int64  `bun:"id,pk,autoincrement"`
	Number         int    `bun:"number,notnull"`
	Street         string `bun:"street,notnull"`
	City           string `bun:"city,notnull"`
	State          string `bun:"state,notnull"`
	ZipCode        int    `bun:"zip_code,notnull"`
	CountryISOCode string `bun:"country_iso_code,notnull"`
}

// addressFields are an address's fields, as Django's model declares them.
var addressFields = Fields{
	{Name: "number", Kind: Integer, Required: true, Min: 0, Max: 9999},
	{Name: "street", Kind: Text, Required: true, MaxLen: 64},
	{Name: "city", Kind: Text, Required: true, MaxLen: 64},
	{Name: "state", Kind: Text, Required: true, MinLen: 2, MaxLen: 2},
	{Name: "zip_code", Kind: Integer, Required: true, Min: 0, Max: 99999},
	{Name: "country_iso_code", Kind: Text, Required: true, MinLen: 3, MaxLen: 3},
}

func (a Address) PK() int64      { return a.ID }
func (Address) Fields() Fields   { return addressFields }
func (a Address) String() string { return strconv.Itoa(a.Number) + " " + a.Street }

// Clean trims the text fields and validates every field.
func (a *Address) Clean() error {
	return addressFields.clean(a).Err()
}

// GetAddress loads one address.
func GetAddress(ctx context.Context, db bun.IDB, id int64) (*Address, error) {
	a := new(Address)
	err := db.NewSelect().Model(a).Where("address.id = ?", id).Scan(ctx)
	return a, translate(err)
}

// FindAddress returns an address with exactly these fields, the natural key
// the seed and the importer use to avoid duplicates.
func FindAddress(ctx context.Context, db bun.IDB, like *Address) (*Address, error) {
	a := new(Address)
	err := db.NewSelect().Model(a).
		Where("number = ?", like.Number).
		Where("street = ?", like.Street).
		Where("city = ?", like.City).
		Where("state = ?", like.State).
		Where("zip_code = ?", like.ZipCode).
		Where("country_iso_code = ?", like.CountryISOCode).
		OrderExpr("address.id").
		Limit(1).
		Scan(ctx)
	return a, translate(err)
}

// An address depends on no other row and need not be unique.
func (a *Address) validateRelations(context.Context, bun.IDB) error { return nil }

// CreateAddress validates and inserts a new address.
func CreateAddress(ctx context.Context, db bun.IDB, a *Address) error {
	return insert(ctx, db, a, "", "")
}

// UpdateAddress validates and saves an existing address.
func UpdateAddress(ctx context.Context, db bun.IDB, a *Address) error {
	return update(ctx, db, a, "", "")
}

// DeleteAddress deletes an address; the database deletes its letting with it.
func DeleteAddress(ctx context.Context, db bun.IDB, id int64) error {
	return updated(db.NewDelete().Model((*Address)(nil)).Where("id = ?", id).Exec(ctx))
}

// ListAddresses returns every address in id order, for choosing one.
func ListAddresses(ctx context.Context, db bun.IDB) ([]Address, error) {
	var addresses []Address
	err := db.NewSelect().Model(&addresses).OrderExpr("address.id").Scan(ctx)
	return addresses, translate(err)
}
