package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nasgc/nasgc/search"
	"github.com/nasgc/nasgc/search/store"
)

// requireSlurm skips the test unless a Slurm cluster answers, or fails it
// when NASGC_SLURM=1 (set by .ci/run) makes Slurm mandatory.
func requireSlurm(t *testing.T) {
	t.Helper()
	mandatory := os.Getenv("NASGC_SLURM") == "1"
	if testing.Short() && !mandatory {
		t.Skip("submits Slurm jobs")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "sinfo", "-h", "-o", "%P %a %D %T").CombinedOutput()
	if err == nil && len(bytes.TrimSpace(out)) == 0 {
		err = os.ErrNotExist
	}
	if err != nil {
		if mandatory {
			t.Fatalf("NASGC_SLURM=1 but Slurm is not reachable (sinfo: %v %s); start one with scripts/slurm/up.sh", err, out)
		}
		t.Skipf("no Slurm cluster (sinfo: %v); scripts/slurm/up.sh starts one, NASGC_SLURM=1 makes this test mandatory", err)
	}
}

// slowSpace has one architecture whose candidate trains for some seconds
// on synthetic data (about 10 s on one idle core).
const slowSpace = `space slow
input  image(1, 28, 28)
output classes(10)
stem = conv(3, out: 16) >> batchnorm
head = globalavgpool >> linear
primitive conv = conv(3) >> batchnorm >> relu
S -> conv
train  { dataset synthetic; steps 600; batch 16; subset 96; test 50 }
search { evaluations 1; seed 1; max_depth 1; timeout 5m; executor slurm }
`

// jobState is the state squeue or scontrol gives for a job.
func jobState(t *testing.T, job string) string {
	t.Helper()
	out, _ := exec.Command("scontrol", "-o", "show", "job", job).CombinedOutput()
	m := regexp.MustCompile(`JobState=(\S+)`).FindSubmatch(out)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// startRunning starts a search of slowSpace into dir and waits until its
// trial's Slurm job runs; it returns the process and the job id.
func startRunning(t *testing.T, bin, space, dir string, stderr *bytes.Buffer) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "search", space, "--run", dir)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		if !store.Exists(dir) {
			continue
		}
		r, err := search.ReadRun(dir)
		if err != nil || len(r.Trials) == 0 || r.Trials[0].Job == "" {
			continue
		}
		if job := r.Trials[0].Job; jobState(t, job) == "RUNNING" {
			return cmd, job
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	t.Fatalf("no Slurm job running after 3 minutes:\n%s", stderr)
	return nil, ""
}

// A search with --executor slurm killed (SIGKILL) while its job runs leaves
// the job running; resuming the run re-attaches to that job instead of
// submitting the candidate again. Ctrl-C (SIGINT) cancels the run's job and
// puts the trial back to pending.
func TestSlurmResumeReattaches(t *testing.T) {
	requireSlurm(t)
	bin := buildCLI(t)
	tmp := t.TempDir()
	space := filepath.Join(tmp, "slow.nasg")
	if err := os.WriteFile(space, []byte(slowSpace), 0o644); err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(tmp, "run")
	var stderr bytes.Buffer
	cmd, job := startRunning(t, bin, space, dir, &stderr)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if st := jobState(t, job); st != "RUNNING" {
		t.Fatalf("job %s is %q after nasgc was killed, want RUNNING", job, st)
	}
	start := time.Now()
	out, err := exec.Command(bin, "search", "--run", dir).CombinedOutput()
	t.Logf("resumed in %.1fs:\n%s", time.Since(start).Seconds(), out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "trial 1: re-attached to Slurm job "+job+" (running)") {
		t.Errorf("the resumed run did not re-attach to job %s", job)
	}
	if strings.Contains(string(out), "submitted as Slurm job") {
		t.Error("the resumed run submitted a job again")
	}
	r, err := search.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if tr := r.Trials[0]; len(r.Trials) != 1 || !tr.OK() || tr.Job != job {
		t.Fatalf("trial after resume: %+v", tr)
	}

	// Ctrl-C cancels the job.
	dir2 := filepath.Join(tmp, "run2")
	stderr.Reset()
	cmd, job = startRunning(t, bin, space, dir2, &stderr)
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatalf("nasgc did not stop within a minute of SIGINT:\n%s", &stderr)
	}
	if st := jobState(t, job); st != "CANCELLED" {
		t.Errorf("job %s is %q after Ctrl-C, want CANCELLED\n%s", job, st, &stderr)
	}
	r, err = search.ReadRun(dir2)
	if err != nil {
		t.Fatal(err)
	}
	if tr := r.Trials[0]; tr.State != search.StatePending || tr.Failure != search.FailInterrupted {
		t.Errorf("trial after Ctrl-C: %s %s, want pending, interrupted", tr.State, tr.Failure)
	}
}
