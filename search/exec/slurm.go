package exec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nasgc/nasgc/codegen"
	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/search"
)

// Slurm evaluates candidates as Slurm batch jobs. It generates a
// candidate's Go program into its trial directory, builds it once on this
// machine into a static binary (CGO_ENABLED=0), submits the binary with
// `sbatch --wrap 'exec ...'`, polls the job with `squeue -t all` and
// `scontrol` (their text output: their JSON is unreliable in Slurm 22.05)
// and reads the candidate's JSON result from the trial directory.
//
// The run directory must be on a filesystem that the compute nodes share
// with this machine, under the same path: the jobs run the binaries there
// and write their results and logs there.
//
// Slurm's job states map to trial failures: FAILED is the candidate's own
// failure kind when it wrote a result (nan_loss, ...) and a crash when it
// did not, TIMEOUT is a timeout, OUT_OF_MEMORY is oom, and CANCELLED,
// NODE_FAIL and the other end states are failures of their lowercased
// name (cancelled, node_fail, ...). A job that sbatch refuses is a
// "submit" failure with sbatch's message.
//
// Cancelling the context passed to Evaluate cancels the trial's job. A job
// id is recorded in the run's store as soon as the job is submitted (see
// search.RecordJob); when a trial that has one is evaluated again (a
// resumed run), Evaluate re-attaches to the job if it is still queued or
// running, or takes its outcome if it ended while nobody was watching,
// instead of submitting the candidate again.
type Slurm struct {
	Grammar   *dsl.Grammar
	SourceDir string        // nasgc's source, for the generated go.mod
	Timeout   time.Duration // the candidate's own time limit; 0 = none
	Args      []string      // extra flags for the candidate
	// CacheDir, when set, holds the binaries built so far by code hash,
	// as for Local.
	CacheDir string

	Partition string        // sbatch --partition; "" = the cluster's default
	Time      time.Duration // sbatch --time; 0 = Timeout plus a margin (DefaultSlurmTime if no Timeout)
	CPUs      int           // sbatch --cpus-per-task, and the candidate's GOMAXPROCS; 0 = 1
	Mem       string        // sbatch --mem, e.g. "2G"; "" = the cluster's default
	Sbatch    []string      // more sbatch arguments, e.g. --qos=low
	JobName   string        // the jobs' names are JobName-TRIAL; "" = "nasgc"
	Poll      time.Duration // how often to poll squeue; 0 = 1 s

	// Log, when set, receives a line per submitted or re-attached job.
	Log io.Writer

	cache binCache

	pollMu sync.Mutex
	watch  map[string]int       // job id -> waiters
	states map[string]*jobState // from the last poll
	polled time.Time
	logMu  sync.Mutex
}

// DefaultSlurmTime is the sbatch --time of candidates that have no time
// limit of their own.
const DefaultSlurmTime = time.Hour

// FailSubmit is the failure kind of a candidate whose job sbatch refused.
const FailSubmit = "submit"

// CheckSlurm reports whether the Slurm commands the executor runs are
// installed, with an error saying what to do if not.
func CheckSlurm() error {
	for _, c := range []string{"sbatch", "squeue", "scontrol", "scancel"} {
		if _, err := osexec.LookPath(c); err != nil {
			return fmt.Errorf("%s not found: install slurm-client (and use a machine that can submit to your cluster) or use --executor local", c)
		}
	}
	return nil
}

// jobState is what Slurm says about a job.
type jobState struct {
	State    string // PENDING, RUNNING, COMPLETED, FAILED, ...
	Reason   string
	ExitCode string        // exit:signal, from scontrol
	RunTime  time.Duration // from scontrol
}

// terminal reports whether a job state is one a job does not leave.
func terminal(state string) bool {
	switch state {
	case "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL",
		"PREEMPTED", "BOOT_FAIL", "DEADLINE", "REVOKED", "SPECIAL_EXIT":
		return true
	}
	return false
}

// Evaluate implements search.Evaluator.
func (s *Slurm) Evaluate(ctx context.Context, t *search.Trial, d *dsl.Derivation) {
	fail := func(kind, msg string) {
		t.State, t.Failure, t.Error = search.StateFailed, kind, msg
	}
	dir, err := filepath.Abs(t.Dir)
	if err != nil {
		fail(search.FailInternal, err.Error())
		return
	}
	pkg, err := codegen.Generate(s.Grammar, d, codegen.Options{SourceDir: s.SourceDir})
	if err != nil {
		fail(search.FailInternal, err.Error())
		return
	}
	t.CodeHash = pkg.Hash()

	// A job of an earlier process: re-attach to it, or take its outcome.
	if t.Job != "" {
		st, err := s.lookupRetry(ctx, t.Job)
		if err != nil {
			if ctx.Err() != nil {
				fail(search.FailInterrupted, "stopped by the user")
			} else {
				fail(search.FailInternal, fmt.Sprintf("cannot tell whether Slurm job %s of an earlier attempt still runs: %v", t.Job, err))
			}
			return
		}
		if st != nil && st.State != "CANCELLED" {
			s.logf("trial %d: re-attached to Slurm job %s (%s)", t.ID, t.Job, strings.ToLower(st.State))
			s.wait(ctx, t, dir, t.Job, time.Now())
			return
		} else if st == nil {
			// Slurm forgot the job (older than MinJobAge); its result,
			// if it wrote one, is still there.
			if _, err := os.Stat(filepath.Join(dir, resultFile)); err == nil {
				s.logf("trial %d: Slurm job %s has ended; reading its result", t.ID, t.Job)
				s.finish(t, dir, t.Job, &jobState{State: "COMPLETED"}, 0)
				return
			}
		}
	}

	if err := pkg.Write(dir); err != nil {
		fail(search.FailInternal, err.Error())
		return
	}
	start := time.Now()
	out, err := s.build(ctx, dir, t.CodeHash)
	t.BuildSeconds = time.Since(start).Seconds()
	if err != nil {
		_ = os.WriteFile(filepath.Join(dir, "build.log"), out, 0o644)
		if ctx.Err() != nil {
			fail(search.FailInterrupted, "stopped by the user")
			return
		}
		fail(search.FailBuild, tail(string(out), 20))
		t.LogTail = tail(string(out), 20)
		return
	}
	if ctx.Err() != nil {
		fail(search.FailInterrupted, "stopped by the user")
		return
	}

	for _, f := range []string{resultFile, "log.txt", "stdout.txt"} {
		_ = os.Remove(filepath.Join(dir, f))
	}
	args := s.SbatchArgs(dir, t.ID)
	submitted := time.Now()
	job, err := submit(args)
	if err != nil {
		fail(FailSubmit, err.Error())
		return
	}
	if err := search.RecordJob(ctx, t, job); err != nil {
		// The job runs, but a resumed run would not find it: cancel it.
		cancelJobs(job)
		fail(search.FailInternal, fmt.Sprintf("recording Slurm job %s: %v", job, err))
		return
	}
	s.logf("trial %d: submitted as Slurm job %s", t.ID, job)
	s.wait(ctx, t, dir, job, submitted)
}

func (s *Slurm) logf(format string, args ...any) {
	if s.Log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.Log, "      "+format+"\n", args...)
}

func (s *Slurm) cpus() int { return max(1, s.CPUs) }

// SlurmTime is the sbatch --time the executor asks for, in whole minutes
// (Slurm's granularity): Time, or Timeout plus the grace a candidate has to
// report, rounded up.
func (s *Slurm) SlurmTime() int {
	d := s.Time
	if d <= 0 {
		d = DefaultSlurmTime
		if s.Timeout > 0 {
			d = s.Timeout + grace
		}
	}
	return int((d + time.Minute - 1) / time.Minute)
}

// ResourceArgs returns the sbatch arguments that ask for a candidate's
// resources: one task with CPUs, Time, Partition, Mem and Sbatch.
func (s *Slurm) ResourceArgs() []string {
	args := []string{"--nodes=1", "--ntasks=1",
		"--cpus-per-task=" + strconv.Itoa(s.cpus()),
		"--time=" + strconv.Itoa(s.SlurmTime()),
	}
	if s.Partition != "" {
		args = append(args, "--partition="+s.Partition)
	}
	if s.Mem != "" {
		args = append(args, "--mem="+s.Mem)
	}
	return append(args, s.Sbatch...)
}

// SbatchArgs returns the arguments of the sbatch command that submits the
// candidate built in dir (an absolute path) for trial id.
func (s *Slurm) SbatchArgs(dir string, id int) []string {
	name := s.JobName
	if name == "" {
		name = "nasgc"
	}
	args := []string{"--parsable",
		"--job-name=" + fmt.Sprintf("%s-%d", name, id),
		"--chdir=" + dir,
		"--output=" + filepath.Join(dir, "stdout.txt"),
		"--error=" + filepath.Join(dir, "log.txt"),
	}
	args = append(args, s.ResourceArgs()...)
	// GOMAXPROCS follows the CPUs Slurm gave the job.
	cmd := []string{"exec", shellQuote(filepath.Join(dir, BinaryName)), `-threads "$GOMAXPROCS"`,
		"-result", shellQuote(filepath.Join(dir, resultFile))}
	if s.Timeout > 0 {
		cmd = append(cmd, "-time-limit", shellQuote(s.Timeout.String()))
	}
	for _, a := range s.Args {
		cmd = append(cmd, shellQuote(a))
	}
	wrap := fmt.Sprintf(`export GOMAXPROCS="${SLURM_CPUS_PER_TASK:-%d}"; %s`, s.cpus(), strings.Join(cmd, " "))
	return append(args, "--wrap="+wrap)
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// slurmCmd runs a Slurm command with a time limit of its own (the
// controller may be slow, and cancelling must work after ctx is done).
func slurmCmd(name string, args ...string) (stdout []byte, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := osexec.CommandContext(ctx, name, args...)
	var outb, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &outb, &errb
	err = cmd.Run()
	if errors.Is(err, osexec.ErrNotFound) {
		return nil, fmt.Errorf("%s not found: install slurm-client or use --executor local", name)
	}
	if err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = strings.TrimSpace(outb.String())
		}
		return outb.Bytes(), fmt.Errorf("%s: %v: %s", name, err, msg)
	}
	return outb.Bytes(), nil
}

// submit runs sbatch --parsable and returns the job id.
func submit(args []string) (string, error) {
	out, err := slurmCmd("sbatch", args...)
	if err != nil {
		return "", err
	}
	id, _, _ := strings.Cut(strings.TrimSpace(string(out)), ";") // "id;cluster"
	if _, err := strconv.Atoi(id); err != nil {
		return "", fmt.Errorf("sbatch printed %q, not a job id", out)
	}
	return id, nil
}

// cancelJobs runs scancel, best effort.
func cancelJobs(ids ...string) error {
	_, err := slurmCmd("scancel", ids...)
	return err
}

// parseSqueue parses the output of `squeue -h -o '%i|%T|%r'`.
func parseSqueue(out string) map[string]*jobState {
	m := map[string]*jobState{}
	for line := range strings.SplitSeq(out, "\n") {
		f := strings.Split(strings.TrimSpace(line), "|")
		if len(f) < 2 || f[0] == "" {
			continue
		}
		st := &jobState{State: strings.Fields(f[1] + " ")[0]}
		if len(f) > 2 {
			st.Reason = f[2]
		}
		m[f[0]] = st
	}
	return m
}

// parseScontrol parses the output of `scontrol -o show job ID`.
func parseScontrol(out string) *jobState {
	var st jobState
	for f := range strings.FieldsSeq(out) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		switch k {
		case "JobState":
			st.State = v
		case "Reason":
			st.Reason = v
		case "ExitCode":
			st.ExitCode = v
		case "RunTime":
			st.RunTime = parseSlurmDuration(v)
		}
	}
	if st.State == "" {
		return nil
	}
	return &st
}

// parseSlurmDuration parses Slurm's [D-]HH:MM:SS (or MM:SS); it returns 0
// for anything else.
func parseSlurmDuration(v string) time.Duration {
	var days int
	if d, rest, ok := strings.Cut(v, "-"); ok {
		n, err := strconv.Atoi(d)
		if err != nil {
			return 0
		}
		days, v = n, rest
	}
	var total int
	for p := range strings.SplitSeq(v, ":") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return 0
		}
		total = total*60 + n
	}
	return time.Duration(days)*24*time.Hour + time.Duration(total)*time.Second
}

// scontrol returns what Slurm says about a job, or nil if Slurm does
// not know it (any more) or cannot be asked.
func scontrol(id string) *jobState {
	st, _ := scontrolErr(id)
	return st
}

// scontrolErr is scontrol, telling an unknown job (nil, nil) from a
// failure to ask.
func scontrolErr(id string) (*jobState, error) {
	out, err := slurmCmd("scontrol", "-o", "show", "job", id)
	if err != nil {
		if strings.Contains(err.Error(), "Invalid job id") {
			return nil, nil
		}
		return nil, err
	}
	return parseScontrol(string(out)), nil
}

// lookup returns a job's state, or nil if Slurm does not know it.
func (s *Slurm) lookup(id string) *jobState {
	st, _ := s.lookupErr(id)
	return st
}

func (s *Slurm) lookupErr(id string) (*jobState, error) {
	if out, err := slurmCmd("squeue", "-h", "-t", "all", "-j", id, "-o", "%i|%T|%r"); err == nil {
		if st := parseSqueue(string(out))[id]; st != nil {
			return st, nil
		}
	}
	return scontrolErr(id)
}

// lookupRetry is lookup for a job of an earlier attempt: it retries for a
// while when Slurm does not answer, so that a controller that is briefly
// away does not make the trial run twice.
func (s *Slurm) lookupRetry(ctx context.Context, id string) (*jobState, error) {
	deadline := time.Now().Add(lostAfter)
	for {
		st, err := s.lookupErr(id)
		if err == nil || time.Now().After(deadline) {
			return st, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(5 * s.poll()):
		}
	}
}

// state returns a watched job's state from a poll at most half a poll
// interval old; one squeue call covers every job being waited for.
func (s *Slurm) state(id string) *jobState {
	s.pollMu.Lock()
	defer s.pollMu.Unlock()
	if st := s.states[id]; st != nil && time.Since(s.polled) < s.poll()/2 {
		return st
	}
	ids := make([]string, 0, len(s.watch))
	for j := range s.watch {
		ids = append(ids, j)
	}
	if len(ids) == 0 {
		ids = []string{id}
	}
	out, err := slurmCmd("squeue", "-h", "-t", "all", "-j", strings.Join(ids, ","), "-o", "%i|%T|%r")
	if err == nil {
		s.states = parseSqueue(string(out))
		s.polled = time.Now()
	}
	if st := s.states[id]; st != nil {
		return st
	}
	// squeue missed it (an invalid id among several fails the call, and
	// a job older than MinJobAge is gone): ask scontrol.
	return scontrol(id)
}

func (s *Slurm) poll() time.Duration {
	if s.Poll > 0 {
		return s.Poll
	}
	return time.Second
}

// lostAfter is how long a job may be unknown to Slurm before its trial
// fails: Slurm forgets jobs only MinJobAge (300 s by default) after they
// end, so a job that is never seen is lost.
const lostAfter = 2 * time.Minute

// wait polls job until it ends (or ctx is done, which cancels it) and
// fills in the trial from its state and result.
func (s *Slurm) wait(ctx context.Context, t *search.Trial, dir, job string, start time.Time) {
	s.pollMu.Lock()
	if s.watch == nil {
		s.watch = map[string]int{}
	}
	s.watch[job]++
	s.pollMu.Unlock()
	defer func() {
		s.pollMu.Lock()
		if s.watch[job]--; s.watch[job] <= 0 {
			delete(s.watch, job)
		}
		s.pollMu.Unlock()
	}()

	tick := time.NewTicker(s.poll())
	defer tick.Stop()
	var unknownSince time.Time
	running := time.Time{}
	for {
		select {
		case <-ctx.Done():
			err := cancelJobs(job)
			// Wait a little for the job to end, so that a resumed run
			// finds it cancelled rather than still running.
			for i := 0; i < 20 && err == nil; i++ {
				if st := s.lookup(job); st == nil || terminal(st.State) {
					break
				}
				time.Sleep(500 * time.Millisecond)
			}
			msg := "stopped by the user; Slurm job " + job + " cancelled"
			if err != nil {
				msg = fmt.Sprintf("stopped by the user; cancelling Slurm job %s failed: %v", job, err)
			}
			t.State, t.Failure, t.Error = search.StateFailed, search.FailInterrupted, msg
			return
		case <-tick.C:
		}
		st := s.state(job)
		if st == nil {
			if unknownSince.IsZero() {
				unknownSince = time.Now()
			}
			if time.Since(unknownSince) > lostAfter {
				if _, err := os.Stat(filepath.Join(dir, resultFile)); err == nil {
					s.finish(t, dir, job, &jobState{State: "COMPLETED"}, time.Since(start))
					return
				}
				t.State, t.Failure, t.Error = search.StateFailed, search.FailInternal,
					fmt.Sprintf("Slurm job %s is unknown to squeue and scontrol since %s", job, unknownSince.Format(time.TimeOnly))
				return
			}
			continue
		}
		unknownSince = time.Time{}
		if running.IsZero() && st.State != "PENDING" {
			running = time.Now()
		}
		if terminal(st.State) {
			if full := scontrol(job); full != nil && terminal(full.State) {
				st = full
			}
			elapsed := time.Duration(0)
			if !running.IsZero() {
				elapsed = time.Since(running)
			}
			s.finish(t, dir, job, st, elapsed)
			return
		}
	}
}

// finish fills in a trial from its job's end state and its result file.
func (s *Slurm) finish(t *search.Trial, dir, job string, st *jobState, elapsed time.Duration) {
	t.RunSeconds = elapsed.Seconds()
	if st.RunTime > 0 {
		t.RunSeconds = st.RunTime.Seconds()
	}
	res := readResult(dir, st.State == "COMPLETED")
	t.LogTail = tailFile(filepath.Join(dir, "log.txt"), 20)
	fail := func(kind, msg string) {
		t.State, t.Failure, t.Error = search.StateFailed, kind, msg
	}
	if res != nil && (st.State == "COMPLETED" || st.State == "FAILED") {
		res.fill(t)
		return
	}
	what := fmt.Sprintf("Slurm job %s ended %s", job, st.State)
	if st.Reason != "" && st.Reason != "None" {
		what += " (" + st.Reason + ")"
	}
	if st.ExitCode != "" {
		what += ", exit code " + st.ExitCode
	}
	switch st.State {
	case "COMPLETED":
		fail(search.FailCrash, what+" without a result\n"+t.LogTail)
	case "FAILED":
		fail(search.FailCrash, what+"\n"+t.LogTail)
	case "TIMEOUT":
		fail(search.FailTimeout, fmt.Sprintf("%s: killed at its time limit (sbatch --time=%d, in minutes)", what, s.SlurmTime()))
	case "OUT_OF_MEMORY":
		fail("oom", what+": out of memory"+memNote(s.Mem))
	default: // CANCELLED, NODE_FAIL, PREEMPTED, BOOT_FAIL, DEADLINE, ...
		fail(strings.ToLower(st.State), what)
	}
}

func memNote(mem string) string {
	if mem == "" {
		return " (ask for more with --mem)"
	}
	return " (--mem=" + mem + "; ask for more with --mem)"
}

// readResult reads a candidate's result file. On a shared filesystem the
// file may show up on this machine a little after the job ended, so when
// expected it waits for it a few seconds.
func readResult(dir string, expected bool) *result {
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(filepath.Join(dir, resultFile)); err == nil {
			var r result
			if err := json.Unmarshal(b, &r); err == nil && r.Status != "" {
				return &r
			}
		}
		if !expected || time.Now().After(deadline) {
			return nil
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// build builds a static binary of the candidate in dir, or links the
// cached binary of the same code hash into it.
func (s *Slurm) build(ctx context.Context, dir, hash string) ([]byte, error) {
	return s.cache.build(ctx, s.CacheDir, dir, hash, buildStatic)
}

// buildStatic runs `go build` with cgo off, so that the binary runs on
// compute nodes whatever their C libraries.
func buildStatic(ctx context.Context, dir string) ([]byte, error) {
	cmd := osexec.CommandContext(ctx, "go", "build", "-o", BinaryName, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"))
	cmd.SysProcAttr = dieWithParent()
	return cmd.CombinedOutput()
}
