package train

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/nasgc/nasgc/runtime/data"
	"github.com/nasgc/nasgc/runtime/nn"
)

// Result is the outcome of a run: the one JSON line a program prints.
//
// Accuracy and Loss are the figures a search ranks candidates by: the
// validation figures when the run has a validation split (ValImages > 0),
// otherwise the test figures. The validation and test figures are also
// reported apart, so that the test set, which the search never sees when
// there is a validation split, measures the winner.
type Result struct {
	Status       string  `json:"status"`            // StatusOK or StatusFailed
	Failure      string  `json:"failure,omitempty"` // one of the Fail* kinds when failed
	Error        string  `json:"error,omitempty"`
	Term         string  `json:"term"`
	Dataset      string  `json:"dataset"`
	Accuracy     float64 `json:"accuracy"`      // what a search ranks: validation accuracy if ValImages > 0, else test accuracy, in [0, 1]
	Loss         float64 `json:"loss"`          // the mean cross-entropy that goes with Accuracy
	ValAccuracy  float64 `json:"val_accuracy"`  // on the validation images (0 when there are none)
	ValLoss      float64 `json:"val_loss"`      // mean validation cross-entropy
	TestAccuracy float64 `json:"test_accuracy"` // on the test images
	TestLoss     float64 `json:"test_loss"`     // mean test cross-entropy
	TrainLoss    float64 `json:"train_loss"`    // mean loss of the last (up to 20) steps
	Steps        int     `json:"steps"`
	TrainImages  int     `json:"train_images"`
	ValImages    int     `json:"val_images"`
	TestImages   int     `json:"test_images"`
	Seconds      float64 `json:"seconds"` // wall time of the whole run
	TrainSeconds float64 `json:"train_seconds"`
	Params       int     `json:"params"`
	Seed         uint64  `json:"seed"`

	// Beyond the protocol's required fields:
	FLOPs        int64   `json:"flops"`          // forward FLOPs per image (multiply-add = 2)
	ImagesPerSec float64 `json:"images_per_sec"` // training throughput
	EvalSeconds  float64 `json:"eval_seconds"`   // validation and test passes
	Weights      string  `json:"weights,omitempty"`
	// Objective is the zero-cost score of Config.Objective naswot (higher
	// is better); absent otherwise.
	Objective *float64 `json:"objective,omitempty"`
}

// Statuses.
const (
	StatusOK     = "ok"
	StatusFailed = "failed"
)

// Failure kinds.
const (
	FailNaNLoss  = "nan_loss" // the loss or a weight became NaN or infinite
	FailTimeout  = "timeout"  // Config.TimeLimit or the context's deadline passed
	FailCrash    = "crash"    // a panic or an error while building or running the network
	FailData     = "data"     // the dataset could not be loaded
	FailConfig   = "config"   // settings or program that cannot work
	FailCanceled = "canceled" // the context was cancelled (e.g. SIGINT, SIGTERM)
	FailSave     = "save"     // the trained weights could not be written (Config.Weights)
)

// gcPercent is the garbage collector's target while training (GOGC).
const gcPercent = 10

// lastSteps is how many final steps TrainLoss averages.
const lastSteps = 20

// progressEvery is the interval between progress lines.
const progressEvery = 5 * time.Second

// evalBatch is the batch size of the evaluation graph.
const evalBatch = 100

// failure is a run that stopped early: kind is one of the Fail* kinds.
type failure struct {
	kind string
	err  error
}

func (f *failure) Error() string { return f.err.Error() }

func fail(kind string, format string, args ...any) *failure {
	return &failure{kind, fmt.Errorf(format, args...)}
}

// Run trains and evaluates p's network with cfg, writing progress lines to
// log (nil for none). It never panics: every failure, including a panic in
// the model, is reported in the Result.
func Run(ctx context.Context, p Program, cfg Config, log io.Writer) (res Result) {
	start := time.Now()
	if log == nil {
		log = io.Discard
	}
	res = Result{Status: StatusFailed, Term: p.Term, Dataset: cfg.Dataset, Seed: cfg.Seed}
	r := &runner{ctx: ctx, p: p, cfg: cfg, log: log, res: &res, start: start}
	defer func() {
		if v := recover(); v != nil {
			r.setFailure(&failure{FailCrash, fmt.Errorf("panic: %v\n%s", v, panicSite())})
		}
		res.Seconds = time.Since(start).Seconds()
		sanitize(&res)
	}()
	if cfg.Threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cfg.Threads))
	}
	if err := r.run(); err != nil {
		r.setFailure(err)
		return res
	}
	res.Status = StatusOK
	return res
}

// panicSite returns the few stack frames below the panic, without the
// runtime's and this package's recovery frames.
func panicSite() string {
	lines := strings.Split(string(debug.Stack()), "\n")
	// Skip the goroutine header and frames up to and including runtime/panic.go.
	for i, l := range lines {
		if strings.Contains(l, "runtime/panic.go") {
			lines = lines[i+1:]
			break
		}
	}
	if len(lines) > 12 {
		lines = lines[:12]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

type runner struct {
	ctx   context.Context
	p     Program
	cfg   Config
	log   io.Writer
	res   *Result
	start time.Time
}

func (r *runner) setFailure(err error) {
	var f *failure
	if !errors.As(err, &f) {
		f = &failure{FailCrash, err}
	}
	r.res.Status = StatusFailed
	r.res.Failure = f.kind
	r.res.Error = f.err.Error()
}

func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.log, format+"\n", args...)
}

// check returns the failure to report if the run must stop now, or nil.
func (r *runner) check() *failure {
	if r.cfg.TimeLimit > 0 {
		if el := time.Since(r.start); el > r.cfg.TimeLimit {
			return fail(FailTimeout, "time limit %v exceeded after %.1fs", r.cfg.TimeLimit, el.Seconds())
		}
	}
	if err := r.ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fail(FailTimeout, "deadline exceeded after %.1fs", time.Since(r.start).Seconds())
		}
		cause := context.Cause(r.ctx)
		return fail(FailCanceled, "canceled after %.1fs: %v", time.Since(r.start).Seconds(), cause)
	}
	return nil
}

func (r *runner) run() error {
	cfg, p := r.cfg, r.p
	if err := p.validate(); err != nil {
		return &failure{FailConfig, err}
	}
	if err := cfg.Validate(); err != nil {
		return &failure{FailConfig, err}
	}
	if f := r.check(); f != nil {
		return f
	}
	sets, err := loadData(cfg, p)
	if err != nil {
		return err
	}
	trainSet, valSet, testSet := sets.train, sets.val, sets.test
	r.res.TrainImages, r.res.TestImages = trainSet.Len(), testSet.Len()
	if valSet != nil {
		r.res.ValImages = valSet.Len()
	}
	if trainSet.Len() < cfg.Batch {
		return fail(FailConfig, "%d training images are fewer than one batch of %d", trainSet.Len(), cfg.Batch)
	}

	if cfg.Objective == ObjectiveNASWOT {
		start := time.Now()
		score, net, err := naswot(p, cfg.Seed, trainSet, cfg.Batch)
		r.res.TrainSeconds = time.Since(start).Seconds()
		if net != nil {
			r.res.Params, r.res.FLOPs = net.NumParams(), net.FLOPs()
		}
		if err != nil {
			return &failure{FailCrash, err}
		}
		r.res.Objective = &score
		r.logf("naswot: %s: score %.3f", p.Term, score)
		return nil
	}

	s, err := newSession(p, cfg.Seed, cfg.Batch, min(evalBatch, max(testSet.Len(), r.res.ValImages)))
	if err != nil {
		return &failure{FailCrash, err}
	}
	defer s.close()
	r.res.Params = s.net.NumParams()
	r.res.FLOPs = s.net.FLOPs()
	s.setAugment(cfg.Augment, trainSet.H, cfg.Seed)

	batches := data.NewBatches(trainSet.Len(), cfg.Batch, cfg.Seed)
	steps := cfg.Steps
	if steps <= 0 {
		steps = cfg.Epochs * batches.PerEpoch()
	}
	aug := ""
	if s.augRNG != nil {
		aug = ", augment " + cfg.Augment
	}
	r.logf("train: %s: %d params, %.1f MFLOP/img, %s: %d train / %d validation / %d test images, %d steps of %d%s",
		p.Term, r.res.Params, float64(r.res.FLOPs)/1e6, cfg.Dataset, trainSet.Len(), r.res.ValImages, testSet.Len(), steps, cfg.Batch, aug)

	if err := r.train(s, trainSet, batches, steps, cfg.optimizer()); err != nil {
		return err
	}
	s.releaseTraining()
	if cfg.Weights != "" {
		if err := saveWeights(s.net, cfg.Weights); err != nil {
			return &failure{FailSave, err}
		}
		r.res.Weights = cfg.Weights
		r.logf("train: wrote the weights to %s", cfg.Weights)
	}
	evalStart := time.Now()
	defer func() { r.res.EvalSeconds = time.Since(evalStart).Seconds() }()
	if valSet != nil {
		acc, loss, err := s.evaluate(valSet, r.check)
		if err != nil {
			return err
		}
		r.res.ValAccuracy, r.res.ValLoss = acc, loss
		r.res.Accuracy, r.res.Loss = acc, loss
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return fail(FailNaNLoss, "validation loss is %v", loss)
		}
	}
	acc, loss, err := s.evaluate(testSet, r.check)
	if err != nil {
		return err
	}
	r.res.TestAccuracy, r.res.TestLoss = acc, loss
	if valSet == nil {
		r.res.Accuracy, r.res.Loss = acc, loss
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return fail(FailNaNLoss, "test loss is %v", loss)
	}
	if valSet != nil {
		r.logf("train: done: validation accuracy %.4f, loss %.4f; test accuracy %.4f, loss %.4f; %.1fs (train %.1fs, eval %.1fs)",
			r.res.ValAccuracy, r.res.ValLoss, acc, loss, time.Since(r.start).Seconds(), r.res.TrainSeconds, time.Since(evalStart).Seconds())
	} else {
		r.logf("train: done: test accuracy %.4f, loss %.4f (no validation split); %.1fs (train %.1fs, eval %.1fs)",
			acc, loss, time.Since(r.start).Seconds(), r.res.TrainSeconds, time.Since(evalStart).Seconds())
	}
	return nil
}

// train runs the optimiser's steps, recording progress in r.res.
func (r *runner) train(s *session, set *data.Set, batches *data.Batches, steps int, opt Optimizer) error {
	// Nearly all of the heap is the graph's buffers, live for the whole
	// run, and a step leaves only a little garbage. With Go's default
	// (GOGC 100) the heap would grow to twice the buffers before a
	// collection; 10 % keeps the peak near the buffers for little work
	// (the buffers hold no pointers, so marking them is cheap).
	defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
	t0 := time.Now()
	lastLog := t0
	logSteps := 0
	recent := make([]float64, 0, lastSteps)
	defer func() {
		el := time.Since(t0).Seconds()
		r.res.TrainSeconds = el
		if el > 0 {
			r.res.ImagesPerSec = float64(r.res.Steps*r.cfg.Batch) / el
		}
		r.res.TrainLoss = mean(recent)
	}()
	for step := 0; step < steps; step++ {
		if f := r.check(); f != nil {
			return f
		}
		idx, epoch := batches.Next()
		opt.SetLR(r.cfg.lr(step, steps))
		loss, err := s.step(set, idx, opt)
		if errors.Is(err, errNonFinite) {
			return fail(FailNaNLoss, "step %d: %v", step+1, err)
		}
		if err != nil {
			return &failure{FailCrash, fmt.Errorf("step %d: %w", step+1, err)}
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return fail(FailNaNLoss, "training loss is %v at step %d", loss, step+1)
		}
		r.res.Steps = step + 1
		if len(recent) == lastSteps {
			recent = append(recent[:0], recent[1:]...)
		}
		recent = append(recent, loss)
		if now := time.Now(); now.Sub(lastLog) >= progressEvery || step == steps-1 {
			ips := float64((step+1-logSteps)*r.cfg.Batch) / now.Sub(lastLog).Seconds()
			r.logf("train: step %d/%d epoch %d loss %.4f (last %d: %.4f) %.1f img/s %.0fs",
				step+1, steps, epoch+1, loss, len(recent), mean(recent), ips, now.Sub(r.start).Seconds())
			lastLog, logSteps = now, step+1
		}
	}
	return nil
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// dataSets are the three parts of a run's data; val is nil without a
// validation split.
type dataSets struct{ train, val, test *data.Set }

// splitSeed draws the validation split: fixed, so that every run and every
// seed is validated on the same images.
const splitSeed = 0

// loadData returns the training subset, the validation split and the test
// subset.
func loadData(cfg Config, p Program) (dataSets, error) {
	var train, test *data.Set
	var err error
	mnistDir := func() (string, error) {
		if cfg.DataDir != "" {
			return cfg.DataDir, nil
		}
		return data.FindMNIST()
	}
	switch cfg.Dataset {
	case DatasetMNIST, DatasetAddNIST:
		dir, err := mnistDir()
		if err != nil {
			return dataSets{}, &failure{FailData, err}
		}
		if cfg.Dataset == DatasetMNIST {
			train, test, err = data.MNIST(dir)
		} else {
			train, test, err = data.LoadAddNIST(dir)
		}
		if err != nil {
			return dataSets{}, &failure{FailData, err}
		}
	case DatasetCIFAR10:
		if train, test, err = data.CIFAR10(cfg.DataDir); err != nil {
			return dataSets{}, &failure{FailData, err}
		}
	case DatasetSynthetic:
		n, m := cfg.Subset, cfg.Test
		if n == 0 {
			n = SyntheticTrain
		}
		if m == 0 {
			m = SyntheticTest
		}
		// Fixed data seeds: the training seed changes the model, not the task.
		train = data.Synthetic(n+cfg.Validation, p.Input[0], p.Input[1], p.Input[2], p.Classes, 1)
		test = data.Synthetic(m, p.Input[0], p.Input[1], p.Input[2], p.Classes, 2)
	}
	if train.Shape() != p.Input || train.Classes != p.Classes {
		return dataSets{}, fail(FailConfig, "the program expects %v images in %d classes, but dataset %s has %v images in %d classes",
			p.Input, p.Classes, cfg.Dataset, train.Shape(), train.Classes)
	}
	var sets dataSets
	rest := make([]int, train.Len())
	for i := range rest {
		rest[i] = i
	}
	if cfg.Validation > 0 {
		if cfg.Validation+cfg.Batch > train.Len() {
			return dataSets{}, fail(FailConfig, "validation %d leaves fewer than one batch of %d of the %d training images", cfg.Validation, cfg.Batch, train.Len())
		}
		var held []int
		held, rest = data.SplitIndices(train.Len(), cfg.Validation, splitSeed)
		sets.val = train.Pick(held)
	}
	// One copy of the training images: the seeded subset of what the
	// validation split left.
	if cfg.Subset > 0 && cfg.Subset < len(rest) {
		pick := data.SubsetIndices(len(rest), cfg.Subset, cfg.Seed)
		for j, i := range pick {
			pick[j] = rest[i]
		}
		rest = pick
	}
	if len(rest) == train.Len() {
		sets.train = train
	} else {
		sets.train = train.Pick(rest)
	}
	// The test subset does not depend on the seed, so that every run is
	// scored on the same images.
	sets.test = test.Subset(cfg.Test, 0)
	return sets, nil
}

// saveWeights writes the network's trained weights (nn.Net's Save format)
// to name, through a temporary file and a rename.
func saveWeights(net *nn.Net, name string) error {
	var buf bytes.Buffer
	if err := net.Save(&buf); err != nil {
		return fmt.Errorf("saving the weights to %s: %w", name, err)
	}
	if err := writeAtomic(name, buf.Bytes()); err != nil {
		return fmt.Errorf("saving the weights: %w", err)
	}
	return nil
}

// sanitize replaces non-finite numbers, which JSON cannot carry, by -1.
func sanitize(r *Result) {
	for _, f := range []*float64{&r.Accuracy, &r.Loss, &r.ValAccuracy, &r.ValLoss, &r.TestAccuracy, &r.TestLoss, &r.TrainLoss, &r.Seconds, &r.TrainSeconds, &r.ImagesPerSec, &r.EvalSeconds} {
		if math.IsNaN(*f) || math.IsInf(*f, 0) {
			*f = -1
		}
	}
}
