package postgres

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The portable migrations are copies of store/sqlite's (the schema is kept
// portable between the two): a migration added there and not here, or
// changed on one side only, fails here, before the stores' schemas drift.
// A migration that cannot be a copy (SQLite rebuilds a table where
// PostgreSQL alters it) is compared from portableFrom's marker on: the
// part both run as the same text; a column type PostgreSQL spells
// differently is compared after typeChanges.
func TestMigrationsFollowSQLite(t *testing.T) {
	sqliteDir := filepath.Join("..", "sqlite", "migrations")
	files, err := os.ReadDir(sqliteDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		want, err := os.ReadFile(filepath.Join(sqliteDir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := migrationFiles.ReadFile("migrations/" + f.Name())
		if err != nil {
			t.Errorf("%s of store/sqlite has no copy in store/postgres/migrations (copy it: the schema is kept portable)", f.Name())
			continue
		}
		for _, r := range typeChanges[f.Name()] {
			want = bytes.ReplaceAll(want, []byte(r[0]), []byte(r[1]))
		}
		if marker, ok := portableFrom[f.Name()]; ok {
			got, want = portablePart(t, f.Name(), got, marker), portablePart(t, f.Name(), want, marker)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("migrations/%s differs from store/sqlite's", f.Name())
		}
	}
}

// portableFrom names, per migration that differs between the stores, the
// line from which on both copies are the same.
var portableFrom = map[string]string{
	// SQLite rebuilds articles to change its status CHECK; PostgreSQL
	// alters it. article_versions and kb_generation are the same.
	"0006_article_editing.sql": "CREATE TABLE article_versions",
}

// typeChanges are, per migration, the lines of store/sqlite's copy that
// PostgreSQL spells differently for the same column, with its spelling.
var typeChanges = map[string][][2]string{
	"0007_incidents.sql": {{
		"    usual          REAL    NOT NULL,\n",
		"    usual          DOUBLE PRECISION NOT NULL, -- SQLite's REAL: 8 bytes (PostgreSQL's REAL has 4)\n",
	}},
}

// portablePart is sql from marker's first line on.
func portablePart(t *testing.T, name string, sql []byte, marker string) []byte {
	t.Helper()
	i := bytes.Index(sql, []byte("\n"+marker))
	if i < 0 {
		t.Fatalf("%s has no line %q to compare from", name, marker)
	}
	return sql[i+1:]
}
