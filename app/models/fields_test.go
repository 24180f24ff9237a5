package models_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

// TestSchemaEnforcesTheFieldRules: the SQL schema refuses what each
// model's field rules refuse, and takes what they take, so that the rule
// stated once in the model and the database's own checks never drift. Each
// value is written with plain SQL, past the models' validation.
func TestSchemaEnforcesTheFieldRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Seeded(t)
	group := &models.Group{Name: "Editors"}
	if err := models.CreateGroup(ctx, db.Write, group); err != nil {
		t.Fatal(err)
	}
	tables := []struct {
		table  string
		fields models.Fields
	}{
		{"lettings_address", models.Address{}.Fields()},
		{"lettings_letting", models.Letting{}.Fields()},
		{"profiles_profile", models.Profile{}.Fields()},
		{"auth_user", models.User{}.Fields()},
		{"auth_group", models.Group{}.Fields()},
	}
	for _, tt := range tables {
		var id int64
		if err := db.Read.NewSelect().TableExpr("?", bun.Ident(tt.table)).ColumnExpr("min(id)").Scan(ctx, &id); err != nil || id == 0 {
			t.Fatalf("%s: no row to write over (%v)", tt.table, err)
		}
		for _, f := range tt.fields {
			for _, c := range cases(f) {
				t.Run(tt.table+"."+f.Name+"="+c.name, func(t *testing.T) {
					// Each write in a transaction that goes back, so that
					// the next case starts from the same row.
					tx, err := db.Write.BeginTx(ctx, nil)
					if err != nil {
						t.Fatal(err)
					}
					defer func() { _ = tx.Rollback() }()
					_, err = tx.NewUpdate().TableExpr("?", bun.Ident(tt.table)).
						Set("? = ?", bun.Ident(f.Column()), c.value).Where("id = ?", id).Exec(ctx)
					if got := err == nil; got != c.ok {
						t.Fatalf("got stored %v (%v), want %v: the rule says %+v", got, err, c.ok, f)
					}
				})
			}
		}
	}
}

type ruleCase struct {
	name  string
	value any
	ok    bool
}

// cases are the values at and past a rule's limits.
func cases(f models.Field) []ruleCase {
	var out []ruleCase
	switch f.Kind {
	case models.Text, models.Email:
		if f.MaxLen > 0 {
			out = append(out,
				ruleCase{"max", strings.Repeat("x", f.MaxLen-1) + "é", true},
				ruleCase{"max+1", strings.Repeat("x", f.MaxLen+1), false})
		}
		if f.MinLen > 1 {
			out = append(out, ruleCase{"min-1", strings.Repeat("x", f.MinLen-1), false})
		}
		out = append(out, ruleCase{"blank", "", !f.Required})
	case models.Integer:
		out = append(out,
			ruleCase{"min", f.Min, true}, ruleCase{"max", f.Max, true},
			ruleCase{"min-1", f.Min - 1, false}, ruleCase{"max+1", f.Max + 1, false})
	case models.Ref:
		out = append(out, ruleCase{"none", nil, !f.Required})
	}
	for i := range out {
		out[i].name += "(" + strconv.Itoa(i) + ")"
	}
	return out
}
