package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// FileName is the database inside a run directory.
const FileName = "run.db"

// Trial states.
const (
	Pending = "pending" // proposed, not started (or to be run again)
	Running = "running" // handed to an executor
	Done    = "done"    // finished with a result
	Failed  = "failed"  // finished with a failure kind
)

// Trial is one architecture of a run: its place in the run, its state and,
// once finished, its result.
type Trial struct {
	ID    int    `json:"id"`
	Term  string `json:"term"`
	State string `json:"state"`
	// Dir is the trial's directory (generated code, binary, log); it is
	// not stored but derived from the run directory and the ID.
	Dir string `json:"dir,omitempty"`

	Failure string `json:"failure,omitempty"`
	Error   string `json:"error,omitempty"`
	LogTail string `json:"log_tail,omitempty"`

	Accuracy float64 `json:"accuracy"` // the figure the search ranks: validation accuracy when there is a validation split
	Loss     float64 `json:"loss"`
	// TestAccuracy is the accuracy on the test images, reported apart
	// from the search signal when there is a validation split.
	TestAccuracy float64 `json:"test_accuracy"`
	FLOPs        int64   `json:"flops"` // forward FLOPs per image
	// Objective, when set, is what the search maximises instead of
	// Accuracy: a zero-cost score such as NASWOT's.
	Objective   *float64 `json:"objective,omitempty"`
	Params      int      `json:"params"`
	TrainImages int      `json:"train_images"`
	TestImages  int      `json:"test_images"`
	Seed        uint64   `json:"seed"`

	CodeHash     string  `json:"code_hash,omitempty"`
	BuildSeconds float64 `json:"build_seconds"`
	RunSeconds   float64 `json:"run_seconds"`
	Seconds      float64 `json:"seconds"`
	Attempts     int     `json:"attempts"` // times the trial was started
	// Job is the id of the batch job (e.g. Slurm's) that runs or ran the
	// trial, for executors that submit jobs; a resumed run re-attaches to
	// it. Empty for the local executor.
	Job string `json:"job,omitempty"`

	Created  time.Time `json:"created"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
}

// OK reports whether the trial finished with a result.
func (t *Trial) OK() bool { return t.State == Done }

// IsFinished reports whether the trial finished, with a result or a failure.
func (t *Trial) IsFinished() bool { return t.State == Done || t.State == Failed }

// Meta describes a run: what was searched and how.
type Meta struct {
	SpaceName   string
	SpaceSource []byte
	SpaceHash   string
	// Settings is the run's settings as JSON (strategy, evaluations,
	// seed, training recipe, ...); the store does not interpret it.
	Settings []byte
	Created  time.Time
}

// Store is an open run store. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
}

const schema = `
CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS trials (
	id            INTEGER PRIMARY KEY,
	term          TEXT NOT NULL UNIQUE,
	state         TEXT NOT NULL CHECK (state IN ('pending','running','done','failed')),
	failure       TEXT NOT NULL DEFAULT '',
	error         TEXT NOT NULL DEFAULT '',
	log_tail      TEXT NOT NULL DEFAULT '',
	accuracy      REAL NOT NULL DEFAULT 0,
	loss          REAL NOT NULL DEFAULT 0,
	params        INTEGER NOT NULL DEFAULT 0,
	train_images  INTEGER NOT NULL DEFAULT 0,
	test_images   INTEGER NOT NULL DEFAULT 0,
	seed          INTEGER NOT NULL DEFAULT 0,
	code_hash     TEXT NOT NULL DEFAULT '',
	build_seconds REAL NOT NULL DEFAULT 0,
	run_seconds   REAL NOT NULL DEFAULT 0,
	seconds       REAL NOT NULL DEFAULT 0,
	attempts      INTEGER NOT NULL DEFAULT 0,
	job           TEXT NOT NULL DEFAULT '',
	test_accuracy REAL NOT NULL DEFAULT 0,
	flops         INTEGER NOT NULL DEFAULT 0,
	objective     REAL,
	created       INTEGER NOT NULL,
	started       INTEGER NOT NULL DEFAULT 0,
	finished      INTEGER NOT NULL DEFAULT 0
);
`

func open(path string) (*Store, error) {
	// busy_timeout lets a reader (nasgc status) wait for a writer instead
	// of failing with "database is locked".
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// One connection: SQLite has one writer anyway, and this serialises
	// the search's own writes without busy waiting.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := migrate(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// migrate adds the columns that newer versions of nasgc added to a store
// written by an older one; the old rows get the columns' defaults.
func migrate(db *sql.DB) error {
	rows, err := db.Query(`SELECT name FROM pragma_table_info('trials')`)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		have[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range []struct{ name, decl string }{
		{"job", "job TEXT NOT NULL DEFAULT ''"},
		{"test_accuracy", "test_accuracy REAL NOT NULL DEFAULT 0"},
		{"flops", "flops INTEGER NOT NULL DEFAULT 0"},
		{"objective", "objective REAL"},
	} {
		if !have[c.name] {
			if _, err := db.Exec(`ALTER TABLE trials ADD COLUMN ` + c.decl); err != nil {
				return fmt.Errorf("adding the %s column: %w", c.name, err)
			}
		}
	}
	return nil
}

// Exists reports whether dir holds a run store.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, FileName))
	return err == nil
}

// Create creates the store of a new run in dir (creating dir) and records
// its meta data. It fails if dir already holds a run.
func Create(dir string, m Meta) (*Store, error) {
	if Exists(dir) {
		return nil, fmt.Errorf("%s already holds a run", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	s, err := open(filepath.Join(dir, FileName))
	if err != nil {
		return nil, err
	}
	if m.Created.IsZero() {
		m.Created = time.Now()
	}
	err = s.tx(func(tx *sql.Tx) error {
		for k, v := range map[string][]byte{
			"space_name":   []byte(m.SpaceName),
			"space_source": m.SpaceSource,
			"space_hash":   []byte(m.SpaceHash),
			"settings":     m.Settings,
			"created":      []byte(m.Created.UTC().Format(time.RFC3339Nano)),
		} {
			if v == nil {
				v = []byte{}
			}
			if _, err := tx.Exec(`INSERT INTO meta(key, value) VALUES(?, ?)`, k, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Open opens the store of an existing run in dir.
func Open(dir string) (*Store, error) {
	if !Exists(dir) {
		return nil, fmt.Errorf("%s holds no run (no %s)", dir, FileName)
	}
	return open(filepath.Join(dir, FileName))
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) tx(f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Meta returns the run's meta data.
func (s *Store) Meta() (*Meta, error) {
	rows, err := s.db.Query(`SELECT key, value FROM meta`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := &Meta{}
	for rows.Next() {
		var k string
		var v []byte
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		switch k {
		case "space_name":
			m.SpaceName = string(v)
		case "space_source":
			m.SpaceSource = v
		case "space_hash":
			m.SpaceHash = string(v)
		case "settings":
			m.Settings = v
		case "created":
			m.Created, _ = time.Parse(time.RFC3339Nano, string(v))
		}
	}
	return m, rows.Err()
}

// SetSettings replaces the run's settings (a resumed run may ask for more
// evaluations).
func (s *Store) SetSettings(settings []byte) error {
	_, err := s.db.Exec(`UPDATE meta SET value = ? WHERE key = 'settings'`, settings)
	return err
}

// ErrDuplicate is returned by Add for a term the run already holds.
var ErrDuplicate = errors.New("architecture already in the run")

// Add records new pending trials, one per term, in one transaction, and
// returns them with their IDs. A term the run already holds is an error
// wrapping ErrDuplicate, and nothing is added.
func (s *Store) Add(terms ...string) ([]*Trial, error) {
	now := time.Now()
	var out []*Trial
	err := s.tx(func(tx *sql.Tx) error {
		out = out[:0]
		for _, term := range terms {
			res, err := tx.Exec(`INSERT INTO trials(term, state, created) VALUES(?, 'pending', ?)`, term, now.UnixNano())
			if err != nil {
				if strings.Contains(err.Error(), "UNIQUE") {
					return fmt.Errorf("%s: %w", term, ErrDuplicate)
				}
				return err
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			out = append(out, &Trial{ID: int(id), Term: term, State: Pending, Created: now})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Start marks a pending trial running.
func (s *Store) Start(t *Trial) error {
	t.Started = time.Now()
	res, err := s.db.Exec(`UPDATE trials SET state = 'running', attempts = attempts + 1, started = ? WHERE id = ? AND state = 'pending'`, t.Started.UnixNano(), t.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("trial %d is not pending", t.ID)
	}
	t.State = Running
	t.Attempts++
	return nil
}

// Finish records the result of a running trial; t.State must be Done or
// Failed.
func (s *Store) Finish(t *Trial) error {
	if !t.IsFinished() {
		return fmt.Errorf("trial %d: finishing in state %q", t.ID, t.State)
	}
	if t.Finished.IsZero() {
		t.Finished = time.Now()
	}
	res, err := s.db.Exec(`UPDATE trials SET state = ?, failure = ?, error = ?, log_tail = ?,
		accuracy = ?, loss = ?, params = ?, train_images = ?, test_images = ?, seed = ?,
		code_hash = ?, build_seconds = ?, run_seconds = ?, seconds = ?, finished = ?,
		test_accuracy = ?, flops = ?, objective = ?
		WHERE id = ? AND state = 'running'`,
		t.State, t.Failure, t.Error, t.LogTail,
		t.Accuracy, t.Loss, t.Params, t.TrainImages, t.TestImages, int64(t.Seed),
		t.CodeHash, t.BuildSeconds, t.RunSeconds, t.Seconds, t.Finished.UnixNano(),
		t.TestAccuracy, t.FLOPs, t.Objective, t.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("trial %d is not running", t.ID)
	}
	return nil
}

// SetJob records the id of the batch job that runs a running trial.
func (s *Store) SetJob(t *Trial, job string) error {
	res, err := s.db.Exec(`UPDATE trials SET job = ? WHERE id = ? AND state = 'running'`, job, t.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("trial %d is not running", t.ID)
	}
	t.Job = job
	return nil
}

// Requeue puts a running trial back to pending, noting why (for example
// "interrupted"); it will be run again.
func (s *Store) Requeue(t *Trial, why string) error {
	_, err := s.db.Exec(`UPDATE trials SET state = 'pending', failure = ?, started = 0 WHERE id = ? AND state = 'running'`, why, t.ID)
	if err == nil {
		t.State, t.Failure = Pending, why
	}
	return err
}

// RequeueRunning puts every running trial back to pending: they were left
// running by a process that died. It returns how many there were.
func (s *Store) RequeueRunning() (int, error) {
	res, err := s.db.Exec(`UPDATE trials SET state = 'pending', failure = 'interrupted', started = 0 WHERE state = 'running'`)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

const columns = `id, term, state, failure, error, log_tail, accuracy, loss, params, train_images,
	test_images, seed, code_hash, build_seconds, run_seconds, seconds, attempts, job, created, started, finished,
	test_accuracy, flops, objective`

// Trials returns every trial of the run in ID order.
func (s *Store) Trials() ([]*Trial, error) {
	rows, err := s.db.Query(`SELECT ` + columns + ` FROM trials ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Trial
	for rows.Next() {
		var t Trial
		var seed, created, started, finished int64
		var objective sql.NullFloat64
		if err := rows.Scan(&t.ID, &t.Term, &t.State, &t.Failure, &t.Error, &t.LogTail, &t.Accuracy, &t.Loss,
			&t.Params, &t.TrainImages, &t.TestImages, &seed, &t.CodeHash, &t.BuildSeconds, &t.RunSeconds,
			&t.Seconds, &t.Attempts, &t.Job, &created, &started, &finished,
			&t.TestAccuracy, &t.FLOPs, &objective); err != nil {
			return nil, err
		}
		if objective.Valid {
			v := objective.Float64
			t.Objective = &v
		}
		t.Seed = uint64(seed)
		t.Created = unix(created)
		t.Started = unix(started)
		t.Finished = unix(finished)
		out = append(out, &t)
	}
	return out, rows.Err()
}

func unix(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// Counts returns the number of trials in each state.
func (s *Store) Counts() (map[string]int, error) {
	rows, err := s.db.Query(`SELECT state, count(*) FROM trials GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	c := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		c[st] = n
	}
	return c, rows.Err()
}
