package store

import (
	"errors"
	"testing"
)

func TestLifecycle(t *testing.T) {
	dir := t.TempDir()
	s, err := Create(dir, Meta{SpaceName: "toy", SpaceSource: []byte("space toy\n"), SpaceHash: "abc", Settings: []byte(`{"seed":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Create(dir, Meta{}); err == nil {
		t.Error("created a second run in the same directory")
	}
	ts, err := s.Add("a", "b", "c")
	if err != nil || len(ts) != 3 || ts[2].ID != 3 {
		t.Fatalf("add: %v %v", ts, err)
	}
	if _, err := s.Add("d", "a"); !errors.Is(err, ErrDuplicate) {
		t.Errorf("adding a known term: %v", err)
	}
	if err := s.Finish(&Trial{ID: 1, State: Done}); err == nil {
		t.Error("finished a pending trial")
	}
	a, b := ts[0], ts[1]
	if err := s.Start(a); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(a); err == nil {
		t.Error("started a running trial")
	}
	a.State, a.Accuracy, a.Params, a.Seed, a.CodeHash = Done, 0.5, 42, 1<<63+1, "h"
	if err := s.Finish(a); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(a); err == nil {
		t.Error("finished a trial twice")
	}
	if err := s.Start(b); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// A process that died left b running: reopened, it goes back to pending.
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.RequeueRunning(); n != 1 || err != nil {
		t.Errorf("requeued %d: %v", n, err)
	}
	all, err := s.Trials()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].State != Done || all[0].Accuracy != 0.5 || all[0].Seed != 1<<63+1 || all[0].Attempts != 1 ||
		all[1].State != Pending || all[1].Failure != "interrupted" || all[2].State != Pending || all[0].Finished.IsZero() {
		t.Errorf("trials %+v %+v %+v", all[0], all[1], all[2])
	}
	m, err := s.Meta()
	if err != nil || m.SpaceName != "toy" || string(m.SpaceSource) != "space toy\n" || string(m.Settings) != `{"seed":1}` || m.Created.IsZero() {
		t.Errorf("meta %+v %v", m, err)
	}
	c, _ := s.Counts()
	if c[Done] != 1 || c[Pending] != 2 {
		t.Errorf("counts %v", c)
	}
}
