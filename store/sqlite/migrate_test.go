package sqlite

import (
	"database/sql"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// rawConn opens a plain connection to a new database file, for testing
// migrate without the rest of the store.
func rawConn(t *testing.T) *sql.Conn {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func versions(t *testing.T, conn *sql.Conn) []int64 {
	t.Helper()
	rows, err := conn.QueryContext(t.Context(), `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

func tableExists(t *testing.T, conn *sql.Conn, name string) bool {
	t.Helper()
	var n int
	if err := conn.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func file(sql string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(sql)} }

func TestMigrateAppliesInOrderOnce(t *testing.T) {
	t.Parallel()
	conn := rawConn(t)
	log := slog.New(slog.DiscardHandler)
	// Each step inserts into b, which 0002 creates: the rows show the order.
	fsys := fstest.MapFS{
		"0001_a.sql": file(`CREATE TABLE a (x TEXT);`),
		"0002_b.sql": file(`CREATE TABLE b (x TEXT); INSERT INTO b VALUES ('from 2');`),
	}
	for i := 3; i <= 10; i++ {
		fsys[fmt.Sprintf("%04d_step.sql", i)] = file(fmt.Sprintf(`INSERT INTO b VALUES ('%d');`, i))
	}
	n, err := migrate(t.Context(), conn, fsys, log)
	if err != nil || n != 10 {
		t.Fatalf("migrate = %d, %v; want 10 applied", n, err)
	}
	var got []string
	rows, err := conn.QueryContext(t.Context(), `SELECT x FROM b`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var x string
		rows.Scan(&x)
		got = append(got, x)
	}
	rows.Close()
	want := []string{"from 2", "3", "4", "5", "6", "7", "8", "9", "10"}
	if !slices.Equal(got, want) {
		t.Fatalf("migrations ran in the order %v, want %v", got, want)
	}

	// Again: nothing to do (0001 would fail if it ran twice).
	if n, err := migrate(t.Context(), conn, fsys, log); err != nil || n != 0 {
		t.Fatalf("second migrate = %d, %v; want 0 applied", n, err)
	}
	// A new file: only it runs.
	fsys["0011_c.sql"] = file(`CREATE TABLE c (x TEXT);`)
	if n, err := migrate(t.Context(), conn, fsys, log); err != nil || n != 1 {
		t.Fatalf("migrate with a new file = %d, %v; want 1 applied", n, err)
	}
	if vs := versions(t, conn); len(vs) != 11 || vs[10] != 11 {
		t.Fatalf("recorded versions %v, want 1..11", vs)
	}
}

func TestMigrateFailureLeavesPreviousVersion(t *testing.T) {
	t.Parallel()
	conn := rawConn(t)
	fsys := fstest.MapFS{
		"0001_a.sql":      file(`CREATE TABLE a (x TEXT);`),
		"0002_broken.sql": file(`CREATE TABLE half (x TEXT); INSERT INTO a VALUES ('half'); CREATE TABLE oops (;`),
	}
	if _, err := migrate(t.Context(), conn, fsys, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "0002_broken.sql") {
		t.Fatalf("migrate with a broken file = %v, want an error naming it", err)
	}
	if vs := versions(t, conn); !slices.Equal(vs, []int64{1}) {
		t.Fatalf("recorded versions %v, want [1]", vs)
	}
	if tableExists(t, conn, "half") {
		t.Fatal("the broken migration's first statement was kept")
	}
	var n int
	conn.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM a`).Scan(&n)
	if n != 0 {
		t.Fatal("the broken migration's insert was kept")
	}
	// Fixed, it applies.
	fsys["0002_broken.sql"] = file(`CREATE TABLE half (x TEXT);`)
	if n, err := migrate(t.Context(), conn, fsys, slog.New(slog.DiscardHandler)); err != nil || n != 1 {
		t.Fatalf("migrate after the fix = %d, %v; want 1 applied", n, err)
	}
}

func TestMigrateRefusesBadSets(t *testing.T) {
	t.Parallel()
	for name, fsys := range map[string]fs.FS{
		"gap":       fstest.MapFS{"0001_a.sql": file(`SELECT 1;`), "0003_c.sql": file(`SELECT 1;`)},
		"repeat":    fstest.MapFS{"0001_a.sql": file(`SELECT 1;`), "0001_b.sql": file(`SELECT 1;`)},
		"from zero": fstest.MapFS{"0000_a.sql": file(`SELECT 1;`)},
		"bad name":  fstest.MapFS{"init.sql": file(`SELECT 1;`)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			conn := rawConn(t)
			if _, err := migrate(t.Context(), conn, fsys, slog.New(slog.DiscardHandler)); err == nil {
				t.Fatal("migrate succeeded")
			}
		})
	}
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	t.Parallel()
	conn := rawConn(t)
	log := slog.New(slog.DiscardHandler)
	newer := fstest.MapFS{"0001_a.sql": file(`SELECT 1;`), "0002_b.sql": file(`SELECT 1;`)}
	if _, err := migrate(t.Context(), conn, newer, log); err != nil {
		t.Fatal(err)
	}
	older := fstest.MapFS{"0001_a.sql": file(`SELECT 1;`)}
	if _, err := migrate(t.Context(), conn, older, log); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("migrate of a newer database = %v, want a refusal", err)
	}
}

func TestEmbeddedMigrationsLoad(t *testing.T) {
	t.Parallel()
	ms, err := loadMigrations(embeddedMigrations())
	if err != nil || len(ms) == 0 || ms[0].name != "0001_init.sql" {
		t.Fatalf("loadMigrations(embedded) = %d migrations, %v", len(ms), err)
	}
}
