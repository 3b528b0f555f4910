package store

import (
	"context"
	"database/sql"
	"fmt"
)

// eachRow runs a query and calls scan on each row: the rows are closed
// however it ends (scan's error, the driver's, or all read), and an error
// says what was being read. scan must not run statements of its own on the
// transaction: PostgreSQL cannot while the rows are open. An empty what
// leaves the error as it is, for the caller to say.
func (tx *Tx) eachRow(ctx context.Context, what, query string, args []any, scan func(*sql.Rows) error) error {
	wrap := func(err error) error {
		if what == "" {
			return err
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	rows, err := tx.q.QueryContext(ctx, query, args...)
	if err != nil {
		return wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return wrap(err)
		}
	}
	err = rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return wrap(err)
	}
	return nil
}
