package models

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// LockRow holds the write lock of one row of model's table (by id) until
// the transaction db ends, so that a read-modify-write of the row (an admin
// save: read, compare, write, log) cannot interleave with another one. On
// PostgreSQL, whose transactions are READ COMMITTED, that takes
// SELECT … FOR UPDATE; SQLite's write transactions begin IMMEDIATE and so
// already exclude every other writer, in every process. A row that is not
// there answers ErrNotFound.
func LockRow(ctx context.Context, db bun.IDB, model any, id int64) error {
	if db.Dialect().Name() != dialect.PG {
		return nil
	}
	var got int64
	err := db.NewSelect().Model(model).Column("id").Where("?TableAlias.id = ?", id).For("UPDATE").Scan(ctx, &got)
	return translate(err)
}
