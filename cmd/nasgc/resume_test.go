package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nasgc/nasgc/search"
	"github.com/nasgc/nasgc/search/store"
	"github.com/rogpeppe/go-internal/txtar"
)

// buildCLI builds the real nasgc binary for tests that signal it.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "nasgc")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// tinySpace writes search.txtar's tiny space into dir.
func tinySpace(t *testing.T, dir string) string {
	t.Helper()
	a, err := txtar.ParseFile("testdata/script/search.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var src []byte
	for _, f := range a.Files {
		if f.Name == "tiny.nasg" {
			src = f.Data
		}
	}
	if src == nil {
		t.Fatal("search.txtar has no tiny.nasg")
	}
	path := filepath.Join(dir, "tiny.nasg")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// snapshot maps the finished trials of a run to what was recorded of them.
func snapshot(t *testing.T, dir string) map[int]search.Trial {
	t.Helper()
	if !store.Exists(dir) {
		return nil
	}
	r, err := search.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[int]search.Trial{}
	for _, tr := range r.Finished() {
		m[tr.ID] = *tr
	}
	return m
}

// A search killed with SIGKILL at random moments, several times, and
// resumed each time, ends with exactly the requested number of finished
// trials, none evaluated twice; a finished trial is never run again; a
// SIGINT stops it cleanly with the running trials put back to pending.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and trains candidates")
	}
	bin := buildCLI(t)
	work := t.TempDir()
	space := tinySpace(t, work)
	run := filepath.Join(work, "run")
	const evaluations = 8
	args := []string{"search", space, "--run", run, "--evaluations", "8", "--steps", "3", "--subset", "64", "--test", "50", "--workers", "2"}
	start := func() (*exec.Cmd, *syncBuffer, chan error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = work
		out := &syncBuffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		return cmd, out, exited
	}
	rng := rand.New(rand.NewPCG(7, 7))
	seen := map[int]search.Trial{} // finished trials, as first recorded
	check := func(round string) {
		for id, tr := range snapshot(t, run) {
			if before, ok := seen[id]; ok {
				if !before.Finished.Equal(tr.Finished) || before.Accuracy != tr.Accuracy || before.State != tr.State {
					t.Errorf("%s: finished trial %d was recorded again: %+v, before %+v", round, id, tr, before)
				}
			} else {
				seen[id] = tr
			}
		}
	}
	// interrupt sends Ctrl-C once a trial has started: the search stops
	// cleanly and records the running trials as pending.
	interrupt := func() {
		cmd, out, exited := start()
		var err error
	wait:
		for {
			select {
			case err = <-exited:
				t.Fatalf("the search ended before a trial started: %v\n%s", err, out)
			case <-time.After(50 * time.Millisecond):
				if strings.Contains(out.String(), "] trial ") { // a trial started
					break wait
				}
			}
		}
		// status reads the store while the search writes it.
		st, err := exec.Command(bin, "status", run).CombinedOutput()
		if err != nil || !strings.Contains(string(st), "running:     trial") {
			t.Errorf("status during the search: %v\n%s", err, st)
		}
		cmd.Process.Signal(os.Interrupt)
		err = <-exited
		check("SIGINT")
		if len(seen) < evaluations {
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(out.String(), "search interrupted") {
				t.Errorf("after SIGINT: %v\n%s", err, out)
			}
			r, err := search.ReadRun(run)
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range r.Trials {
				if tr.State == search.StateRunning {
					t.Errorf("trial %d left running after SIGINT", tr.ID)
				}
			}
		}
	}
	kills, interrupted := 0, false
	for round := range 6 {
		if round == 2 {
			interrupt()
			interrupted = true
			continue
		}
		cmd, out, exited := start()
		// Kill at a random moment: after a random number of trials
		// started or finished in this round and a random delay, so
		// within builds, while candidates train, between trials.
		events := 1 + rng.IntN(3)
		delay := time.Duration(rng.IntN(1500)) * time.Millisecond
		killed := false
	poll:
		for {
			select {
			case err := <-exited:
				t.Logf("round %d: finished before the kill (%v)", round, err)
				break poll
			case <-time.After(20 * time.Millisecond):
				if strings.Count(out.String(), "] trial ") >= events {
					time.Sleep(delay)
					cmd.Process.Signal(syscall.SIGKILL)
					<-exited
					killed = true
					kills++
					break poll
				}
			}
		}
		check(fmt.Sprintf("round %d", round))
		t.Logf("round %d: killed %v after %d event(s) and %s; %d trials finished\n%s", round, killed, events, delay, len(seen), lastLines(out.String(), 4))
		if len(seen) == evaluations {
			break
		}
	}
	if !interrupted {
		t.Error("the search was not interrupted")
	}
	if kills < 3 {
		t.Errorf("only %d kills landed; the test should kill the search at least three times", kills)
	}

	// The last resume runs to the end.
	_, out, exited := start()
	if err := <-exited; err != nil {
		t.Fatalf("final resume: %v\n%s", err, out)
	}
	check("final")
	if !strings.Contains(out.String(), "best architecture:") {
		t.Errorf("final output:\n%s", out)
	}
	r, err := search.ReadRun(run)
	if err != nil {
		t.Fatal(err)
	}
	terms := map[string]bool{}
	for _, tr := range r.Trials {
		if terms[tr.Term] {
			t.Errorf("architecture %s recorded twice", tr.Term)
		}
		terms[tr.Term] = true
		if !tr.IsFinished() {
			t.Errorf("trial %d is %s at the end", tr.ID, tr.State)
		}
	}
	// Two workers: some trials trained at the same time.
	overlap := false
	for _, a := range r.Trials {
		for _, b := range r.Trials {
			if a.ID < b.ID && a.Started.Before(b.Finished) && b.Started.Before(a.Finished) {
				overlap = true
			}
		}
	}
	if !overlap {
		t.Error("no two trials ran at once with --workers 2")
	}
	if n := len(r.Finished()); n != evaluations || len(seen) != evaluations {
		t.Errorf("%d finished trials (%d seen), want %d", n, len(seen), evaluations)
	}
}

// syncBuffer is a bytes.Buffer safe for the writes of a process and the
// reads of the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
