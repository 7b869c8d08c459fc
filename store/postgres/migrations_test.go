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
		if !bytes.Equal(got, want) {
			t.Errorf("migrations/%s differs from store/sqlite's", f.Name())
		}
	}
}
