package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// rebound runs SQL written with SQLite's ? placeholders (the handoff,
// delivery and user queries are shared in that portable form with
// store/sqlite) by numbering them $1, $2, ... as PostgreSQL wants. The
// schema has no ? operator (JSON is TEXT), so every ? is a placeholder.
type rebound struct{ q querier }

// writer holds a write's connection, named as in store/sqlite.
type writer struct{ conn rebound }

// reader is a read outside any group, on the pool.
func (s *Store) reader() rebound { return rebound{s.pool} }

func rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// result is database/sql's Result shape over a command tag.
type result struct{ tag pgconn.CommandTag }

func (r result) RowsAffected() (int64, error) { return r.tag.RowsAffected(), nil }

func (r rebound) ExecContext(ctx context.Context, query string, args ...any) (result, error) {
	tag, err := r.q.Exec(ctx, rebind(query), args...)
	return result{tag}, err
}

func (r rebound) QueryContext(ctx context.Context, query string, args ...any) (pgx.Rows, error) {
	return r.q.Query(ctx, rebind(query), args...)
}

func (r rebound) QueryRowContext(ctx context.Context, query string, args ...any) pgx.Row {
	return r.q.QueryRow(ctx, rebind(query), args...)
}

func (r rebound) Exec(ctx context.Context, query string, args ...any) (pgconn.CommandTag, error) {
	return r.q.Exec(ctx, rebind(query), args...)
}

func (r rebound) Query(ctx context.Context, query string, args ...any) (pgx.Rows, error) {
	return r.q.Query(ctx, rebind(query), args...)
}

func (r rebound) QueryRow(ctx context.Context, query string, args ...any) pgx.Row {
	return r.q.QueryRow(ctx, rebind(query), args...)
}
