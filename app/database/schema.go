package database

import (
	"context"
	"strings"
)

// ForeignKey is a column that refers to another table's rows, as the
// database itself declares it.
type ForeignKey struct {
	Table, Column       string // the referring table and column
	RefTable, RefColumn string // the table and column referred to
	Cascade             bool   // ON DELETE CASCADE: deleting the row deletes this one
}

// ForeignKeys lists every foreign key of the schema, so that what is read
// from it (which rows a deletion takes with it) is the database's truth,
// not a copy written by hand.
func (db *DB) ForeignKeys(ctx context.Context) ([]ForeignKey, error) {
	query := `SELECT m.name, p."from", p."table", p."to", p.on_delete
		FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS p
		WHERE m.type = 'table' ORDER BY m.name, p."from"`
	if db.Kind == "postgres" {
		// Only the tables of the schema the connection works in: a test's
		// own schema, or public.
		query = `SELECT src.relname, a.attname, dst.relname, b.attname,
				CASE c.confdeltype WHEN 'c' THEN 'CASCADE' ELSE 'OTHER' END
			FROM pg_constraint AS c
			JOIN pg_class AS src ON src.oid = c.conrelid
			JOIN pg_class AS dst ON dst.oid = c.confrelid
			JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
			JOIN pg_attribute AS b ON b.attrelid = c.confrelid AND b.attnum = c.confkey[1]
			WHERE c.contype = 'f' AND src.relnamespace = current_schema()::regnamespace
			ORDER BY src.relname, a.attname`
	}
	rows, err := db.Read.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []ForeignKey
	for rows.Next() {
		var k ForeignKey
		var onDelete string
		if err := rows.Scan(&k.Table, &k.Column, &k.RefTable, &k.RefColumn, &onDelete); err != nil {
			return nil, err
		}
		k.Cascade = strings.EqualFold(onDelete, "CASCADE")
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// Columns lists a table's columns; none when the table does not exist.
func (db *DB) Columns(ctx context.Context, table string) ([]string, error) {
	query := `SELECT name FROM pragma_table_info(?) ORDER BY cid`
	if db.Kind == "postgres" {
		query = `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`
	}
	var columns []string
	err := db.Read.NewRaw(query, table).Scan(ctx, &columns)
	return columns, err
}

// SearchIndexed reports whether a column has the search index that
// models.WhereSearch looks terms up in (the migration helper {{.Search}}):
// on SQLite a column of the table's FTS5 table, on PostgreSQL the
// column's pg_trgm index.
func (db *DB) SearchIndexed(ctx context.Context, table, column string) (bool, error) {
	query, args := `SELECT count(*) > 0 FROM pragma_table_info(?) WHERE name = ?`, []any{SearchTable(table), column}
	if db.Kind == "postgres" {
		// From the catalogs, not pg_indexes: its pg_get_indexdef() reads the
		// indexes of every schema, and fails on one that another session
		// drops meanwhile.
		query = `SELECT EXISTS (SELECT 1 FROM pg_index AS x
			JOIN pg_class AS t ON t.oid = x.indrelid
			JOIN pg_class AS i ON i.oid = x.indexrelid
			JOIN pg_opclass AS o ON o.oid = x.indclass[0]
			WHERE t.relnamespace = current_schema()::regnamespace
			AND t.relname = ? AND i.relname = ? AND o.opcname = 'gin_trgm_ops')`
		args = []any{table, SearchIndex(table, column)}
	}
	var indexed bool
	err := db.Read.NewRaw(query, args...).Scan(ctx, &indexed)
	return indexed, err
}

// SearchTable is the name of the SQLite FTS5 table that indexes a table's
// searched columns.
func SearchTable(table string) string { return table + "_search" }

// SearchIndex is the name of the PostgreSQL index of a searched column.
func SearchIndex(table, column string) string { return table + "_" + column + "_search" }

// TracksContent reports whether every insert, update and delete on a table
// moves the content version (its triggers, migration 11): a table the
// pages show that does not would leave the caches showing old data.
func (db *DB) TracksContent(ctx context.Context, table string) (bool, error) {
	query := `SELECT
			count(CASE WHEN upper(sql) LIKE '%AFTER INSERT%' THEN 1 END) > 0
			AND count(CASE WHEN upper(sql) LIKE '%AFTER UPDATE%' THEN 1 END) > 0
			AND count(CASE WHEN upper(sql) LIKE '%AFTER DELETE%' THEN 1 END) > 0
		FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND sql LIKE '%content_version%'`
	if db.Kind == "postgres" {
		// tgtype's bits: 4 insert, 8 delete, 16 update.
		query = `SELECT EXISTS (SELECT 1 FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid
			WHERE c.relname = ? AND c.relnamespace = current_schema()::regnamespace
			AND t.tgfoid = 'content_version_bump'::regproc AND (t.tgtype & 28) = 28)`
	}
	var tracked bool
	err := db.Read.NewRaw(query, table).Scan(ctx, &tracked)
	return tracked, err
}
