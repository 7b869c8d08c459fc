package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// migrationFiles is the schema's history, one file per version. A released
// file is never edited: a change is a new file with the next number.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationName is NNNN_what.sql; NNNN is the version, counted from 1.
var migrationName = regexp.MustCompile(`^([0-9]{4,})_([a-z0-9_]+)\.sql$`)

// migration is one schema version.
type migration struct {
	version int64
	name    string
	sql     string
}

// loadMigrations reads the *.sql files at the root of fsys, in version order.
// Versions must run 1, 2, 3, ... without a gap or a repeat, so that a file
// lost in a merge is noticed at start rather than leaving a hole in the schema.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("couldn't list migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		parts := migrationName.FindStringSubmatch(e.Name())
		if parts == nil {
			return nil, fmt.Errorf("migration file %q is not named NNNN_name.sql", e.Name())
		}
		version, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("couldn't read the version of migration %q: %w", e.Name(), err)
		}
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("couldn't read migration %q: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: version, name: e.Name(), sql: string(body)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return int(a.version - b.version) })
	for i, m := range ms {
		if m.version != int64(i+1) {
			return nil, fmt.Errorf("migration %q has version %d, want %d: versions must count up from 1 without gaps", m.name, m.version, i+1)
		}
	}
	return ms, nil
}

// createMigrationsTable is the one table that exists before any migration:
// it records which versions have been applied.
const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT NOT NULL PRIMARY KEY,
    name       TEXT   NOT NULL,
    applied_at BIGINT NOT NULL
)`

// migrate applies the migrations in fsys that the database has not seen yet,
// each in its own transaction together with its schema_migrations row, so a
// failing migration leaves the schema at the previous version and reopening
// never applies a version twice. BEGIN IMMEDIATE takes the write lock before
// the check, so two processes opening the same file cannot both apply one.
// It refuses a database whose schema is newer than the files it knows.
func migrate(ctx context.Context, conn *sql.Conn, fsys fs.FS, log *slog.Logger) (applied int, err error) {
	ms, err := loadMigrations(fsys)
	if err != nil {
		return 0, err
	}
	if _, err := conn.ExecContext(ctx, createMigrationsTable); err != nil {
		return 0, fmt.Errorf("couldn't create schema_migrations: %w", err)
	}
	var newest sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&newest); err != nil {
		return 0, fmt.Errorf("couldn't read the schema version: %w", err)
	}
	if newest.Int64 > int64(len(ms)) {
		return 0, fmt.Errorf("the database has schema version %d, newer than this program's %d: use a newer andon", newest.Int64, len(ms))
	}
	for _, m := range ms {
		done, err := applyMigration(ctx, conn, m)
		if err != nil {
			return applied, err
		}
		if done {
			applied++
			log.Info("applied migration", "version", m.version, "name", m.name)
		}
	}
	return applied, nil
}

// applyMigration runs m unless it is already recorded, and reports whether it ran.
func applyMigration(ctx context.Context, conn *sql.Conn, m migration) (ran bool, err error) {
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return false, fmt.Errorf("couldn't begin migration %q: %w", m.name, err)
	}
	defer func() {
		if err != nil {
			// The connection must leave this function outside a transaction.
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
		return false, fmt.Errorf("couldn't check migration %q: %w", m.name, err)
	}
	if n > 0 {
		if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
			return false, fmt.Errorf("couldn't end migration check %q: %w", m.name, err)
		}
		return false, nil
	}
	if _, err := conn.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("couldn't apply migration %q: %w", m.name, err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, time.Now().UnixMicro()); err != nil {
		return false, fmt.Errorf("couldn't record migration %q: %w", m.name, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return false, fmt.Errorf("couldn't commit migration %q: %w", m.name, err)
	}
	return true, nil
}

// embeddedMigrations is the migrations folder as the root of an fs.FS.
func embeddedMigrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(errors.New("the embedded migrations folder is missing")) // a build mistake, not a runtime condition
	}
	return sub
}
