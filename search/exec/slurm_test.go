package exec

import (
	"context"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/search"
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
	out, err := osexec.CommandContext(ctx, "sinfo", "-h", "-o", "%P %a %D %T").CombinedOutput()
	if err == nil && len(strings.TrimSpace(string(out))) > 0 {
		err = CheckSlurm()
	} else if err == nil {
		err = os.ErrNotExist
	}
	if err != nil {
		if mandatory {
			t.Fatalf("NASGC_SLURM=1 but Slurm is not reachable (sinfo: %v %s); start one with scripts/slurm/up.sh", err, out)
		}
		t.Skipf("no Slurm cluster (sinfo: %v); scripts/slurm/up.sh starts one, NASGC_SLURM=1 makes this test mandatory", err)
	}
}

func TestParseSlurmOutput(t *testing.T) {
	m := parseSqueue("12|COMPLETED|None\n13|PENDING|Resources\n\n14|CANCELLED by 0|None\n")
	if len(m) != 3 || m["12"].State != "COMPLETED" || m["13"].Reason != "Resources" || m["14"].State != "CANCELLED" {
		t.Fatalf("squeue: %+v", m)
	}
	st := parseScontrol("JobId=4 JobName=wrap UserId=root(0) JobState=TIMEOUT Reason=TimeLimit Dependency=(null) Requeue=1 Restarts=0 ExitCode=0:15 RunTime=00:01:12 TimeLimit=00:01:00")
	if st == nil || st.State != "TIMEOUT" || st.Reason != "TimeLimit" || st.ExitCode != "0:15" || st.RunTime != 72*time.Second {
		t.Fatalf("scontrol: %+v", st)
	}
	if parseScontrol("slurm_load_jobs error: Invalid job id specified") != nil {
		t.Error("an error message parsed as a job")
	}
	for in, want := range map[string]time.Duration{"1-02:03:04": 26*time.Hour + 3*time.Minute + 4*time.Second, "05:06": 306 * time.Second, "x": 0} {
		if got := parseSlurmDuration(in); got != want {
			t.Errorf("parseSlurmDuration(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestSbatchArgs(t *testing.T) {
	s := &Slurm{Timeout: 90 * time.Second, CPUs: 2, Mem: "1G", Partition: "debug", Sbatch: []string{"--qos=low"}, Args: []string{"-lr", "it's"}}
	got := strings.Join(s.SbatchArgs("/runs/a b/trials/0001", 1), "\n")
	for _, want := range []string{"--parsable", "--job-name=nasgc-1", "--cpus-per-task=2", "--time=2", "--mem=1G", "--partition=debug", "--qos=low",
		"--chdir=/runs/a b/trials/0001", "--error=/runs/a b/trials/0001/log.txt",
		`--wrap=export GOMAXPROCS="${SLURM_CPUS_PER_TASK:-2}"; exec '/runs/a b/trials/0001/candidate' -threads "$GOMAXPROCS" -result '/runs/a b/trials/0001/result.json' -time-limit 1m30s -lr 'it'\''s'`} {
		if !strings.Contains(got, want) {
			t.Errorf("sbatch args lack %s:\n%s", want, got)
		}
	}
	if n := (&Slurm{}).SlurmTime(); n != 60 {
		t.Errorf("no time limit: --time=%d, want 60", n)
	}
	if n := (&Slurm{Time: 61 * time.Second}).SlurmTime(); n != 2 {
		t.Errorf("61s: --time=%d, want 2", n)
	}
}

// byTrial evaluates each trial with the executor its ID picks, so that one
// search has a normal, a failing and a too slow candidate.
type byTrial struct {
	normal *Slurm
	by     map[int]*Slurm
}

func (b byTrial) Evaluate(ctx context.Context, t *search.Trial, d *dsl.Derivation) {
	if s := b.by[t.ID]; s != nil {
		s.Evaluate(ctx, t, d)
		return
	}
	b.normal.Evaluate(ctx, t, d)
}

// A search of tiny candidates on a real Slurm cluster: every candidate is a
// job whose id is recorded; one that diverges is a nan_loss failure (its
// job FAILED with the candidate's result), one that runs past its Slurm
// time limit is a timeout (its job TIMEOUT), and the others finish.
func TestSlurmSearch(t *testing.T) {
	requireSlurm(t)
	g := toy(t)
	g.Train.Dataset = "synthetic"
	g.Search.Seed, g.Search.MaxDepth = 3, 2
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	runDir := filepath.Join(t.TempDir(), "run")
	newSlurm := func() *Slurm {
		return &Slurm{Grammar: g, SourceDir: root, Timeout: time.Minute, CacheDir: filepath.Join(runDir, "cache"), JobName: "nasgc-test", Log: tlog{t}}
	}
	normal, failing, slow := newSlurm(), newSlurm(), newSlurm()
	failing.Args = []string{"-lr", "1e12"}
	// Slurm checks time limits every 30 s and then waits KillWait: a
	// job with --time=1 ends TIMEOUT after 65-80 s.
	slow.Args = []string{"-steps", "100000000"}
	slow.Timeout, slow.Time = 10*time.Minute, time.Minute

	const n = 7
	start := time.Now()
	run, err := search.Search(context.Background(), search.Config{
		Grammar: g, Evaluations: n, Seed: 3, MaxDepth: 2, Workers: 3, RunDir: runDir,
		Evaluator:              byTrial{normal: normal, by: map[int]*Slurm{2: failing, 3: slow}},
		MaxConsecutiveFailures: -1, Log: tlog{t},
	})
	t.Logf("%d candidates under Slurm in %.1fs", n, time.Since(start).Seconds())
	if err != nil {
		t.Fatal(err)
	}
	run, err = search.ReadRun(runDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Finished()) != n {
		t.Fatalf("%d finished trials, want %d", len(run.Finished()), n)
	}
	jobs := map[string]bool{}
	for _, tr := range run.Trials {
		t.Logf("trial %d job %s: %s %s build %.1fs run %.1fs total %.1fs %s", tr.ID, tr.Job, tr.State, tr.Failure, tr.BuildSeconds, tr.RunSeconds, tr.Seconds, firstLineOf(tr.Error))
		if tr.Job == "" || jobs[tr.Job] {
			t.Errorf("trial %d: job id %q not recorded or not unique", tr.ID, tr.Job)
		}
		jobs[tr.Job] = true
		switch tr.ID {
		case 2:
			if tr.Failure != "nan_loss" {
				t.Errorf("trial 2 (lr 1e12): %s %s %s, want a nan_loss failure", tr.State, tr.Failure, tr.Error)
			}
		case 3:
			if tr.Failure != search.FailTimeout || !strings.Contains(tr.Error, "TIMEOUT") {
				t.Errorf("trial 3 (past --time=1): %s %s %s, want a Slurm TIMEOUT", tr.State, tr.Failure, tr.Error)
			}
		default:
			if !tr.OK() || tr.TestImages != 50 {
				t.Errorf("trial %d: %s %s %s", tr.ID, tr.State, tr.Failure, tr.Error)
			}
		}
	}
}

// A job that Slurm refuses at submission is a "submit" failure with
// sbatch's message.
func TestSlurmSubmitFailure(t *testing.T) {
	requireSlurm(t)
	g := toy(t)
	g.Train.Dataset = "synthetic"
	root, _ := filepath.Abs("../..")
	d, _ := g.ParseTerm("conv")
	s := &Slurm{Grammar: g, SourceDir: root, Timeout: time.Minute, Mem: "10000T"}
	tr := &search.Trial{ID: 1, Term: d.String(), Dir: t.TempDir()}
	s.Evaluate(context.Background(), tr, d)
	if tr.Failure != FailSubmit || !strings.Contains(tr.Error, "sbatch") {
		t.Fatalf("trial %+v", tr)
	}
}

type tlog struct{ t *testing.T }

func (l tlog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func firstLineOf(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
