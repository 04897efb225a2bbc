package exec

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nasgc/nasgc/codegen"
	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/search"
)

// BinaryName is the candidate binary inside a trial directory.
const BinaryName = "candidate"

// Local evaluates candidates on this machine: it generates the Go program
// into the trial directory, builds it with the go command and runs it with a
// time limit.
type Local struct {
	Grammar   *dsl.Grammar
	SourceDir string        // nasgc's source, for the generated go.mod
	Threads   int           // GOMAXPROCS of a candidate; 0 = all cores
	Timeout   time.Duration // per candidate run (training and testing)
	Args      []string      // extra flags for the candidate
	// CacheDir, when set, holds the binaries built so far by code hash:
	// a candidate whose code was built before (by this run, or before it
	// was interrupted and resumed) is not built again.
	CacheDir string
	// Log receives the candidate's progress lines, indented.
	Log io.Writer

	cache binCache
}

// grace is how long a candidate may run past its own time limit before it
// is killed; it needs the time to evaluate and print its result.
const grace = 30 * time.Second

// Evaluate implements search.Evaluator.
func (l *Local) Evaluate(ctx context.Context, t *search.Trial, d *dsl.Derivation) {
	fail := func(kind, msg string) {
		t.State, t.Failure, t.Error = search.StateFailed, kind, msg
	}
	pkg, err := codegen.Generate(l.Grammar, d, codegen.Options{SourceDir: l.SourceDir})
	if err != nil {
		fail(search.FailInternal, err.Error())
		return
	}
	if err := pkg.Write(t.Dir); err != nil {
		fail(search.FailInternal, err.Error())
		return
	}
	t.CodeHash = pkg.Hash()

	start := time.Now()
	out, err := l.build(ctx, t.Dir, t.CodeHash)
	t.BuildSeconds = time.Since(start).Seconds()
	if err != nil {
		_ = os.WriteFile(filepath.Join(t.Dir, "build.log"), out, 0o644)
		if ctx.Err() != nil {
			fail(search.FailInterrupted, "stopped by the user")
			return
		}
		fail(search.FailBuild, tail(string(out), 20))
		t.LogTail = tail(string(out), 20)
		return
	}

	start = time.Now()
	res, err := l.run(ctx, t.Dir)
	t.RunSeconds = time.Since(start).Seconds()
	t.LogTail = tailFile(filepath.Join(t.Dir, "log.txt"), 20)
	if err != nil {
		var rf *runFailure
		if errors.As(err, &rf) {
			fail(rf.kind, rf.msg)
		} else {
			fail(search.FailInternal, err.Error())
		}
		return
	}
	res.fill(t)
}

// candidateOK is the status of a candidate's result that has one.
const candidateOK = "ok"

// build builds the candidate in dir, or links the cached binary of the same
// code hash into it.
func (l *Local) build(ctx context.Context, dir, hash string) ([]byte, error) {
	return l.cache.build(ctx, l.CacheDir, dir, hash, Build)
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o755)
}

// Build runs `go build` in a generated package's directory and returns the
// compiler's output.
func Build(ctx context.Context, dir string) ([]byte, error) {
	cmd := osexec.CommandContext(ctx, "go", "build", "-o", BinaryName, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"))
	cmd.SysProcAttr = dieWithParent()
	return cmd.CombinedOutput()
}

// result is the candidate's JSON result (the part the search reads).
type result struct {
	Status      string  `json:"status"`
	Failure     string  `json:"failure"`
	Error       string  `json:"error"`
	Accuracy    float64 `json:"accuracy"`
	Loss        float64 `json:"loss"`
	Params      int     `json:"params"`
	TrainImages int     `json:"train_images"`
	TestImages  int     `json:"test_images"`
	Seed        uint64  `json:"seed"`

	TestAccuracy float64  `json:"test_accuracy"`
	FLOPs        int64    `json:"flops"`
	Objective    *float64 `json:"objective"`
}

// fill copies the result's figures into the trial and finishes it: done,
// or failed with the candidate's failure kind (crash when it gave none).
func (r *result) fill(t *search.Trial) {
	t.Accuracy, t.Loss, t.Params = r.Accuracy, r.Loss, r.Params
	t.TrainImages, t.TestImages, t.Seed = r.TrainImages, r.TestImages, r.Seed
	t.TestAccuracy, t.FLOPs, t.Objective = r.TestAccuracy, r.FLOPs, r.Objective
	if r.Status == candidateOK {
		t.State = search.StateDone
		return
	}
	kind := r.Failure
	if kind == "" {
		kind = search.FailCrash
	}
	t.State, t.Failure, t.Error = search.StateFailed, kind, r.Error
}

type runFailure struct{ kind, msg string }

func (f *runFailure) Error() string { return f.kind + ": " + f.msg }

const resultFile = "result.json"

func (l *Local) run(ctx context.Context, dir string) (*result, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	threads := l.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	args := []string{"-threads", strconv.Itoa(threads), "-result", resultFile}
	if l.Timeout > 0 {
		args = append(args, "-time-limit", l.Timeout.String())
	}
	args = append(args, l.Args...)
	_ = os.Remove(filepath.Join(dir, resultFile))

	runCtx := ctx
	var cancel context.CancelFunc
	if l.Timeout > 0 {
		runCtx, cancel = context.WithTimeout(ctx, l.Timeout+grace)
		defer cancel()
	}
	cmd := osexec.CommandContext(runCtx, filepath.Join(dir, BinaryName), args...)
	cmd.Dir = dir
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGKILL) }
	cmd.SysProcAttr = dieWithParent()
	logFile, err := os.Create(filepath.Join(dir, "log.txt"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			fmt.Fprintln(logFile, sc.Text())
			if l.Log != nil {
				fmt.Fprintln(l.Log, "      "+sc.Text())
			}
		}
		_, _ = io.Copy(logFile, pr) // a line over 1 MiB: keep the rest unsplit
	}()
	runErr := cmd.Run()
	pw.Close()
	wg.Wait()

	if b, err := os.ReadFile(filepath.Join(dir, resultFile)); err == nil {
		var r result
		if err := json.Unmarshal(b, &r); err == nil && r.Status != "" {
			return &r, nil
		}
	}
	// No result file: the candidate died before it could write one.
	logTail := tailFile(filepath.Join(dir, "log.txt"), 20)
	switch {
	case ctx.Err() != nil:
		return nil, &runFailure{search.FailInterrupted, "stopped by the user"}
	case runCtx.Err() == context.DeadlineExceeded:
		return nil, &runFailure{search.FailTimeout, fmt.Sprintf("killed after %s (time limit %s plus %s to report)", l.Timeout+grace, l.Timeout, grace)}
	}
	var exitErr *osexec.ExitError
	if errors.As(runErr, &exitErr) {
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return nil, &runFailure{"oom", "killed by SIGKILL (most likely out of memory)\n" + logTail}
		}
	}
	if runErr == nil {
		runErr = errors.New("exited without a result")
	}
	if s := strings.TrimSpace(stdout.String()); s != "" {
		logTail += "\nstdout: " + tail(s, 5)
	}
	return nil, &runFailure{search.FailCrash, runErr.Error() + "\n" + logTail}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return tail(string(b), n)
}
