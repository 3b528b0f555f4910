package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/rapport-app/rapport"
)

// placeholders returns "(?, ?, ?)" for n values, for an IN list.
func placeholders(n int) string {
	return "(?" + strings.Repeat(", ?", n-1) + ")"
}

// anys passes strings as query arguments.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// insertRows inserts rows in multi-row statements of at most ~30,000 values
// (see inserter).
func (tx *Tx) insertRows(ctx context.Context, table, cols, suffix string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	in := tx.newInserter(table, cols, suffix, len(rows[0]))
	for _, r := range rows {
		if err := in.add(ctx, r...); err != nil {
			in.close()
			return err
		}
	}
	return in.flush(ctx)
}

// inserter inserts rows as they come in multi-row statements of ~30,000
// values; the statement for a full batch is prepared once, so a large import
// does not parse the same long INSERT thousands of times.
type inserter struct {
	tx                  *Tx
	table, cols, suffix string
	width, batch        int
	full                *sql.Stmt
	args                []any
}

func (tx *Tx) newInserter(table, cols, suffix string, width int) *inserter {
	batch := max(1, 30000/width) // fewer statements: each copies the pages it first touches to its journal
	return &inserter{tx: tx, table: table, cols: cols, suffix: suffix, width: width, batch: batch, args: make([]any, 0, batch*width)}
}

func (in *inserter) query(n int) string {
	// In BulkUpdate, where foreign keys are not checked, OR ROLLBACK leaves
	// SQLite nothing that could fail halfway through a statement, so it
	// keeps no statement journal (a copy of every page a batch touches);
	// a conflict then ends the whole transaction, which the caller abandons.
	verb := `INSERT INTO `
	if in.tx.bulk {
		verb = `INSERT OR ROLLBACK INTO `
	}
	return verb + in.table + ` (` + in.cols + `) VALUES ` + rowsOf(n, in.width) + in.suffix
}

// add queues one row, inserting a full batch when there is one.
func (in *inserter) add(ctx context.Context, row ...any) error {
	in.args = append(in.args, row...)
	if len(in.args) < in.batch*in.width {
		return nil
	}
	if in.copying() {
		return in.copyOut(ctx)
	}
	if in.full == nil {
		st, err := in.tx.q.PrepareContext(ctx, in.query(in.batch))
		if err != nil {
			return fmt.Errorf("insert into %s: %w", in.table, mapErr(err))
		}
		in.full = st
	}
	_, err := in.full.ExecContext(ctx, in.args...)
	in.args = in.args[:0]
	return in.err(err)
}

// flush inserts what is queued and releases the statement.
func (in *inserter) flush(ctx context.Context) error {
	defer in.close()
	if len(in.args) == 0 {
		return nil
	}
	if in.copying() {
		return in.copyOut(ctx)
	}
	_, err := in.tx.q.ExecContext(ctx, in.query(len(in.args)/in.width), in.args...)
	in.args = in.args[:0]
	return in.err(err)
}

// copying reports whether the rows go in with COPY (PostgreSQL's bulk
// transaction; a plain insert only: COPY knows no ON CONFLICT).
func (in *inserter) copying() bool { return in.tx.copy != nil && in.suffix == "" }

func (in *inserter) copyOut(ctx context.Context) error {
	rows := make([][]any, 0, len(in.args)/in.width)
	for i := 0; i+in.width <= len(in.args); i += in.width {
		rows = append(rows, in.args[i:i+in.width:i+in.width])
	}
	cols := strings.Split(in.cols, ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	err := in.tx.copy(ctx, in.table, cols, rows)
	in.args = make([]any, 0, in.batch*in.width) // the rows handed to COPY keep the old backing array
	return in.err(err)
}

func (in *inserter) close() {
	if in.full != nil {
		in.full.Close()
		in.full = nil
	}
}

func (in *inserter) err(err error) error {
	if err == nil {
		return nil
	}
	if isUniqueViolation(err) {
		return rapport.Errorf(rapport.ECONFLICT, "%s: a value is already taken (%v)", in.table, err)
	}
	return fmt.Errorf("insert into %s: %w", in.table, mapErr(err))
}
