package train

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// Exit codes of [Main].
const (
	ExitOK      = 0 // the run succeeded
	ExitFailed  = 1 // the run failed; the JSON line says why
	ExitBadArgs = 2 // bad flags or settings; the JSON line says which
)

// Main is the main function of a generated program: it parses os.Args over
// p.Defaults, runs [Run] with progress on stderr, prints exactly one JSON
// [Result] line to stdout and returns the exit code ([ExitOK], [ExitFailed]
// or [ExitBadArgs]). SIGINT and SIGTERM stop the run, which then reports
// [FailCanceled].
//
// Flags: -data DIR, -dataset mnist|addnist|cifar10|synthetic, -epochs N,
// -steps N, -batch N, -subset N, -validation N, -test N, -seed N,
// -threads N, -time-limit DURATION (e.g. 90s), -optimizer sgd|adam, -lr X,
// -momentum X, -nesterov, -beta1 X, -beta2 X, -wd X, -schedule none|cosine,
// -objective accuracy|naswot, -augment none|flip|crop_flip, -weights FILE
// (write the trained weights there), -result FILE (also write the JSON line
// there, atomically) and -q (no progress).
func Main(p Program) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return MainArgs(ctx, p, os.Args[1:], os.Stdout, os.Stderr)
}

// MainArgs is [Main] with explicit arguments (without the program name),
// context and output streams.
func MainArgs(ctx context.Context, p Program, args []string, stdout, stderr io.Writer) int {
	cfg, result, quiet, err := parseFlags(p, args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err == nil {
		err = cfg.Validate()
	}
	var res Result
	code := ExitOK
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", progName(), err)
		res = Result{Status: StatusFailed, Failure: FailConfig, Error: err.Error(), Term: p.Term, Dataset: cfg.Dataset, Seed: cfg.Seed}
		code = ExitBadArgs
	} else {
		var log io.Writer = stderr
		if quiet {
			log = nil
		}
		res = Run(ctx, p, cfg, log)
		if res.Status != StatusOK {
			fmt.Fprintf(stderr, "%s: %s: %s\n", progName(), res.Failure, res.Error)
			code = ExitFailed
		}
	}
	line, jerr := json.Marshal(res)
	if jerr != nil { // cannot happen: Run sanitizes non-finite numbers
		line = fmt.Appendf(nil, `{"status":%q,"failure":%q,"error":%q,"term":%q}`, StatusFailed, FailCrash, jerr.Error(), p.Term)
		code = ExitFailed
	}
	line = append(line, '\n')
	if _, err := stdout.Write(line); err != nil {
		fmt.Fprintf(stderr, "%s: writing the result: %v\n", progName(), err)
		code = max(code, ExitFailed)
	}
	if result != "" {
		if err := writeAtomic(result, line); err != nil {
			fmt.Fprintf(stderr, "%s: writing the result: %v\n", progName(), err)
			code = max(code, ExitFailed)
		}
	}
	return code
}

func progName() string { return filepath.Base(os.Args[0]) }

// parseFlags parses args over p.Defaults.
func parseFlags(p Program, args []string, stderr io.Writer) (cfg Config, result string, quiet bool, err error) {
	cfg = p.Defaults
	fs := flag.NewFlagSet(progName(), flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s [flags]\n\nTrains and evaluates %s, then prints one JSON result line.\n\nFlags:\n", progName(), p.Term)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data `dir`ectory: MNIST's files for mnist and addnist (default: $NASGC_MNIST_DIR or the GoMNIST module), CIFAR-10's binary files for cifar10 (required)")
	fs.StringVar(&cfg.Dataset, "dataset", cfg.Dataset, "dataset: mnist, addnist, cifar10 or synthetic")
	fs.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "training epochs")
	fs.IntVar(&cfg.Steps, "steps", cfg.Steps, "training steps; overrides -epochs when > 0")
	fs.IntVar(&cfg.Batch, "batch", cfg.Batch, "training batch size")
	fs.IntVar(&cfg.Subset, "subset", cfg.Subset, "training images, a seeded random subset (0 = all)")
	fs.IntVar(&cfg.Validation, "validation", cfg.Validation, "validation images carved from the training set (0 = none; then accuracy is the test accuracy)")
	fs.IntVar(&cfg.Test, "test", cfg.Test, "test images (0 = all)")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed")
	fs.IntVar(&cfg.Threads, "threads", cfg.Threads, "GOMAXPROCS (0 = leave as is)")
	fs.DurationVar(&cfg.TimeLimit, "time-limit", cfg.TimeLimit, "stop and fail after this long, e.g. 10m (0 = none)")
	fs.StringVar(&cfg.Optimizer, "optimizer", cfg.Optimizer, "optimizer: sgd or adam")
	fs.Float64Var(&cfg.LR, "lr", cfg.LR, "learning rate")
	fs.Float64Var(&cfg.Momentum, "momentum", cfg.Momentum, "SGD momentum")
	fs.BoolVar(&cfg.Nesterov, "nesterov", cfg.Nesterov, "SGD with Nesterov momentum")
	fs.Float64Var(&cfg.Beta1, "beta1", cfg.Beta1, "Adam's beta1 (0 = 0.9)")
	fs.Float64Var(&cfg.Beta2, "beta2", cfg.Beta2, "Adam's beta2 (0 = 0.999)")
	fs.Float64Var(&cfg.WeightDecay, "wd", cfg.WeightDecay, "weight decay (L2, added to the gradient)")
	fs.StringVar(&cfg.Schedule, "schedule", cfg.Schedule, "learning-rate schedule: none or cosine (to 0 over the run, per step)")
	fs.StringVar(&cfg.Weights, "weights", cfg.Weights, "write the trained weights to `file`")
	fs.StringVar(&cfg.Objective, "objective", cfg.Objective, "accuracy (train, then evaluate) or naswot (the NASWOT score at initialisation on one batch, no training)")
	fs.StringVar(&cfg.Augment, "augment", cfg.Augment, "augmentation of the training batches: none, flip (random horizontal flip) or crop_flip (random crop of the image padded by max(1, H/8) pixels, then the flip)")
	fs.StringVar(&result, "result", "", "also write the JSON result to `file` (atomically)")
	fs.BoolVar(&quiet, "q", false, "no progress lines on stderr")
	if err := fs.Parse(args); err != nil {
		return cfg, "", false, err
	}
	if fs.NArg() > 0 {
		return cfg, "", false, fmt.Errorf("unexpected argument %q: all settings are flags", fs.Arg(0))
	}
	return cfg, result, quiet, nil
}

// writeAtomic writes data to name through a temporary file in the same
// directory and a rename, so that readers never see a partial file.
func writeAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	merr := f.Chmod(0o644) // CreateTemp makes it 0600
	cerr := f.Close()
	if err := errors.Join(werr, merr, cerr); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := os.Rename(f.Name(), name); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
