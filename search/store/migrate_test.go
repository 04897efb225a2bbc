package store

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// A run store written before trials had a job column opens, reads and
// records job ids.
func TestOpenMigratesOldStore(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(schema, "\tjob           TEXT NOT NULL DEFAULT '',\n", "", 1)
	if old == schema {
		t.Fatal("the schema has no job column to leave out")
	}
	if _, err := db.Exec(old); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO trials(term, state, created) VALUES('conv', 'running', 1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts, err := s.Trials()
	if err != nil || len(ts) != 1 || ts[0].Job != "" {
		t.Fatalf("trials %v, %v", ts, err)
	}
	if err := s.SetJob(ts[0], "42"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RequeueRunning(); n != 1 || err != nil {
		t.Fatal(n, err)
	}
	if ts, err = s.Trials(); err != nil || ts[0].Job != "42" || ts[0].State != Pending {
		t.Fatalf("after SetJob and RequeueRunning: %+v, %v", ts[0], err)
	}
}
