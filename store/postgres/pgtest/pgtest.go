// Package pgtest gives tests a PostgreSQL database to run against: the one
// ANDON_TEST_POSTGRES names (.ci/run starts one and sets it), with a fresh
// schema per test so that parallel tests do not see each other's rows.
// Without it tests skip, except under CI=true where they fail.
package pgtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DSN returns ANDON_TEST_POSTGRES, or skips t (fails it under CI=true).
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("ANDON_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but ANDON_TEST_POSTGRES is not set: .ci/run starts PostgreSQL and sets it")
		}
		t.Skip("no PostgreSQL: set ANDON_TEST_POSTGRES to a DSN (e.g. postgres://andon@127.0.0.1:5433/postgres) to run these tests")
	}
	return dsn
}

var schemas atomic.Int64

// FreshSchema creates an empty schema, dropped when t ends, and returns a
// DSN whose connections use it.
func FreshSchema(t testing.TB) string {
	t.Helper()
	dsn := DSN(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("couldn't connect to ANDON_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("t%d_%d_%d", time.Now().UnixNano(), os.Getpid(), schemas.Add(1))
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		_, _ = conn.Exec(ctx, `DROP SCHEMA `+name+` CASCADE`)
	})
	if !strings.Contains(dsn, "://") {
		return dsn + " search_path=" + name
	}
	if strings.Contains(dsn, "?") {
		return dsn + "&search_path=" + name
	}
	return dsn + "?search_path=" + name
}
