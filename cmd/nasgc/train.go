package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nasgc/nasgc"
	"github.com/nasgc/nasgc/codegen"
	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/search"
	"github.com/nasgc/nasgc/search/exec"
	"github.com/spf13/cobra"
)

// trainFlags override the file's train {} block.
type trainFlags struct {
	epochs, steps, subset, validation, test, batch   int
	lr, momentum, weightDecay                        float64
	dataset, optimizer, schedule, objective, augment string
	nesterov                                         bool
}

func (f *trainFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dataset, "dataset", "", "dataset: mnist, addnist, cifar10 or synthetic (overrides the train block)")
	cmd.Flags().IntVar(&f.epochs, "epochs", -1, "training epochs")
	cmd.Flags().IntVar(&f.steps, "steps", -1, "training steps; when set, replaces epochs")
	cmd.Flags().IntVar(&f.subset, "subset", -1, "number of training images (0 = all)")
	cmd.Flags().IntVar(&f.validation, "validation", -1, "validation images carved from the training set, which the search ranks on (0 = none: rank on test accuracy)")
	cmd.Flags().IntVar(&f.test, "test", -1, "number of test images (0 = all)")
	cmd.Flags().IntVar(&f.batch, "batch", -1, "batch size")
	cmd.Flags().StringVar(&f.optimizer, "optimizer", "", "optimizer: sgd or adam (starts from its defaults; --lr and the others apply on top)")
	cmd.Flags().Float64Var(&f.lr, "lr", -1, "learning rate")
	cmd.Flags().Float64Var(&f.momentum, "momentum", -1, "SGD momentum")
	cmd.Flags().BoolVar(&f.nesterov, "nesterov", false, "SGD with Nesterov momentum")
	cmd.Flags().Float64Var(&f.weightDecay, "weight-decay", -1, "weight decay (L2, added to the gradient)")
	cmd.Flags().StringVar(&f.schedule, "schedule", "", "learning-rate schedule: none or cosine")
	cmd.Flags().StringVar(&f.augment, "augment", "", "augmentation of the training batches: none, flip (random horizontal flip) or crop_flip (random crop of the image padded by max(1, H/8) pixels, then the flip)")
	cmd.Flags().StringVar(&f.objective, "objective", "", "what a candidate reports: accuracy (train, then validate) or naswot (the NASWOT score at initialisation, no training)")
}

// apply returns a copy of g whose training recipe has the flags' values.
func (f *trainFlags) apply(cmd *cobra.Command, g *dsl.Grammar) (*dsl.Grammar, error) {
	c := *g
	t := &c.Train
	set := func(name string) bool { return cmd.Flags().Changed(name) }
	if set("dataset") {
		if err := dsl.DatasetFits(f.dataset, g.Input, g.Classes); err != nil {
			return nil, usageError{fmt.Errorf("--dataset: %w", err)}
		}
		t.Dataset = f.dataset
	}
	if set("optimizer") {
		var def dsl.TrainSettings
		switch f.optimizer {
		case "sgd":
			def = dsl.DefaultSGD
		case "adam":
			def = dsl.DefaultAdam
		default:
			return nil, usageError{fmt.Errorf("--optimizer must be sgd or adam, got %q", f.optimizer)}
		}
		if def.Optimizer != t.Optimizer {
			t.Optimizer, t.LR, t.Momentum, t.Nesterov, t.Beta1, t.Beta2, t.WeightDecay =
				def.Optimizer, def.LR, def.Momentum, def.Nesterov, def.Beta1, def.Beta2, def.WeightDecay
		}
	}
	ints := []struct {
		name       string
		value, min int
		dst        *int
	}{
		{"epochs", f.epochs, 0, &t.Epochs},
		{"steps", f.steps, 0, &t.Steps},
		{"subset", f.subset, 0, &t.Subset},
		{"validation", f.validation, 0, &t.Validation},
		{"test", f.test, 0, &t.Test},
		{"batch", f.batch, 2, &t.Batch},
	}
	if set("epochs") {
		t.Steps = 0 // --epochs replaces the file's steps; --steps may set them again
	}
	for _, fl := range ints {
		if !set(fl.name) {
			continue
		}
		if fl.value < fl.min {
			return nil, usageError{fmt.Errorf("--%s must be >= %d, got %d", fl.name, fl.min, fl.value)}
		}
		*fl.dst = fl.value
	}
	if set("lr") {
		if !(f.lr > 0) {
			return nil, usageError{fmt.Errorf("--lr must be > 0, got %g", f.lr)}
		}
		t.LR = f.lr
	}
	if set("momentum") {
		if !(f.momentum >= 0 && f.momentum < 1) || t.Optimizer != "sgd" {
			return nil, usageError{fmt.Errorf("--momentum must be in [0, 1) and goes with sgd, got %g with %s", f.momentum, t.Optimizer)}
		}
		t.Momentum = f.momentum
	}
	if set("nesterov") {
		if f.nesterov && t.Optimizer != "sgd" {
			return nil, usageError{fmt.Errorf("--nesterov goes with sgd, not %s", t.Optimizer)}
		}
		t.Nesterov = f.nesterov
	}
	if set("weight-decay") {
		if !(f.weightDecay >= 0) {
			return nil, usageError{fmt.Errorf("--weight-decay must be >= 0, got %g", f.weightDecay)}
		}
		t.WeightDecay = f.weightDecay
	}
	if set("objective") {
		if f.objective != "accuracy" && f.objective != "naswot" {
			return nil, usageError{fmt.Errorf("--objective must be accuracy or naswot, got %q", f.objective)}
		}
		t.Objective = f.objective
	}
	if set("schedule") {
		if f.schedule != "none" && f.schedule != "cosine" {
			return nil, usageError{fmt.Errorf("--schedule must be none or cosine, got %q", f.schedule)}
		}
		t.Schedule = f.schedule
	}
	if set("augment") {
		if !slices.Contains(dsl.Augments, f.augment) {
			return nil, usageError{fmt.Errorf("--augment must be none, flip or crop_flip, got %q", f.augment)}
		}
		t.Augment = f.augment
	}
	if t.Nesterov && t.Momentum == 0 {
		return nil, usageError{errors.New("Nesterov momentum needs a momentum above 0: give --momentum")}
	}
	if t.Epochs == 0 && t.Steps == 0 {
		return nil, usageError{errors.New("nothing to train: set --epochs or --steps to at least 1")}
	}
	if t.Subset > 0 && t.Subset < t.Batch {
		return nil, usageError{fmt.Errorf("--subset %d is smaller than one batch of %d", t.Subset, t.Batch)}
	}
	return &c, nil
}

// runFlags are the train command's flags for the candidate's run that are
// no part of the recipe: where the data is and where the weights go.
type runFlags struct {
	data, weights string
}

func (f *runFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.data, "data", "", "data directory: CIFAR-10's binary files for cifar10 (required there); MNIST's files for mnist and addnist (default: found in the Go module cache)")
	cmd.Flags().StringVar(&f.weights, "weights", "", "write the trained weights to `file`")
}

// args returns the candidate's flags for f, with absolute paths: the
// candidate runs in its own directory.
func (f *runFlags) args() ([]string, error) {
	var args []string
	for _, p := range []struct{ flag, path string }{{"-data", f.data}, {"-weights", f.weights}} {
		if p.path == "" {
			continue
		}
		abs, err := filepath.Abs(p.path)
		if err != nil {
			return nil, err
		}
		args = append(args, p.flag, abs)
	}
	return args, nil
}

// architecture loads a space, applies the training flags, and picks the
// architecture of --arch (or a sampled one), with nasgc's source directory
// for the generated go.mod: what gen and train share.
func architecture(cmd *cobra.Command, path string, tf trainFlags, arch string, seed uint64, stderr io.Writer) (*dsl.Grammar, *dsl.Derivation, string, error) {
	g, err := load(path, stderr)
	if err != nil {
		return nil, nil, "", err
	}
	if g, err = tf.apply(cmd, g); err != nil {
		return nil, nil, "", err
	}
	d, err := derivation(g, arch, seed, stderr)
	if err != nil {
		return nil, nil, "", err
	}
	srcDir, err := nasgc.SourceDir()
	if err != nil {
		return nil, nil, "", err
	}
	return g, d, srcDir, nil
}

// derivation returns the architecture named by --arch, or a sampled one.
func derivation(g *dsl.Grammar, arch string, seed uint64, stderr io.Writer) (*dsl.Derivation, error) {
	if arch != "" {
		d, err := parseArch(g, arch)
		if err != nil {
			fmt.Fprintf(stderr, "--arch: %v\n  %s\n  %s^\n", err, arch, strings.Repeat(" ", termCol(err)-1))
			return nil, errPrinted
		}
		if err := g.Satisfies(d); err != nil {
			fmt.Fprintf(stderr, "warning: --arch: %v\n", err)
		}
		return d, nil
	}
	return dsl.NewSampler(g, seed).Sample()
}

// parseArch reads an architecture written as a functional term
// (`Sequential(conv, id, conv)`) or as the paper's bracketed identifier
// (`(S Sequential (S conv) ...)`).
func parseArch(g *dsl.Grammar, arch string) (*dsl.Derivation, error) {
	if strings.HasPrefix(strings.TrimSpace(arch), "(") {
		return g.ParseID(arch)
	}
	return g.ParseTerm(arch)
}

func newGenCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		arch, out string
		seed      uint64
		tf        trainFlags
	)
	cmd := &cobra.Command{
		Use:   "gen FILE.nasg [--arch TERM] -o DIR",
		Short: "Write the Go program of one architecture (sampled unless --arch is given)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{errors.New("gen needs -o DIR")}
			}
			g, d, srcDir, err := architecture(cmd, args[0], tf, arch, seed, stderr)
			if err != nil {
				return err
			}
			pkg, err := codegen.Generate(g, d, codegen.Options{SourceDir: srcDir})
			if err != nil {
				return err
			}
			if err := pkg.Write(out); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s\nwrote %s (%s); build it with: cd %s && go build\n", d, out, strings.Join(pkg.Names(), ", "), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&arch, "arch", "", "the architecture as a functional term, e.g. 'Sequential(conv, id, linear)'")
	cmd.Flags().StringVarP(&out, "out", "o", "", "directory to write the package into")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed for sampling when --arch is not given")
	tf.register(cmd)
	return cmd
}

func newTrainCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		arch, out string
		seed      uint64
		timeout   time.Duration
		threads   int
		tf        trainFlags
		rf        runFlags
	)
	cmd := &cobra.Command{
		Use:   "train (DIR | FILE.nasg --arch TERM)",
		Short: "Build and run a generated program and print its result",
		Long: `train builds a generated program and runs it. Given a directory written by
'nasgc gen', it builds and runs that program; given a .nasg file, it first
generates the program of --arch (or of a sampled architecture) into -o DIR.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			target := args[0]
			extra, err := rf.args()
			if err != nil {
				return err
			}
			if st, err := os.Stat(target); err == nil && st.IsDir() {
				if arch != "" {
					return usageError{errors.New("--arch goes with a .nasg file, not a directory")}
				}
				return trainDir(ctx, cmd, target, tf, extra, timeout, threads, stdout, stderr)
			}
			g, d, srcDir, err := architecture(cmd, target, tf, arch, seed, stderr)
			if err != nil {
				return err
			}
			if out == "" {
				if out, err = os.MkdirTemp("", "nasgc-train-"); err != nil {
					return err
				}
			}
			if timeout == 0 {
				timeout = g.Search.Timeout
			}
			fmt.Fprintf(stderr, "training %s in %s\n", d, out)
			l := &exec.Local{Grammar: g, SourceDir: srcDir, Threads: threads, Timeout: timeout, Log: stderr, Args: extra}
			t := &search.Trial{ID: 1, Term: d.String(), Dir: out}
			l.Evaluate(ctx, t, d)
			search.WriteTable(stdout, &search.Run{Dir: out, Trials: []*search.Trial{t}})
			printFigures(stdout, out)
			if !t.OK() {
				fmt.Fprintf(stderr, "training failed (%s): %s\n", t.Failure, t.Error)
				return errPrinted
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&arch, "arch", "", "the architecture as a functional term")
	cmd.Flags().StringVarP(&out, "out", "o", "", "directory for the generated program (default: a new temporary directory)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed for sampling when --arch is not given")
	cmd.Flags().DurationVar(&timeout, "timeout", 0, "time limit for training and testing (default: the file's search timeout)")
	cmd.Flags().IntVar(&threads, "threads", 0, "threads for the candidate (default: all cores)")
	tf.register(cmd)
	rf.register(cmd)
	return cmd
}

// printFigures prints the validation and test figures of the candidate's
// result file in dir, if it has one.
func printFigures(w io.Writer, dir string) {
	b, err := os.ReadFile(filepath.Join(dir, "result.json"))
	if err != nil {
		return
	}
	var r struct {
		Status       string
		Dataset      string
		ValAccuracy  float64 `json:"val_accuracy"`
		ValImages    int     `json:"val_images"`
		TestAccuracy float64 `json:"test_accuracy"`
		TestImages   int     `json:"test_images"`
		TrainImages  int     `json:"train_images"`
		Steps        int
	}
	if json.Unmarshal(b, &r) != nil || r.Status != "ok" {
		return
	}
	if r.ValImages > 0 {
		fmt.Fprintf(w, "validation accuracy %.2f%% on %d images (ranked by the search)\n", 100*r.ValAccuracy, r.ValImages)
	}
	fmt.Fprintf(w, "test accuracy       %.2f%% on %d images; %s, %d steps on %d training images\n", 100*r.TestAccuracy, r.TestImages, r.Dataset, r.Steps, r.TrainImages)
}

// trainDir builds a generated package and runs it with the flags given,
// passing its output through.
func trainDir(ctx context.Context, cmd *cobra.Command, dir string, tf trainFlags, extra []string, timeout time.Duration, threads int, stdout, stderr io.Writer) error {
	if _, err := os.Stat(filepath.Join(dir, "main.go")); err != nil {
		return fmt.Errorf("%s holds no generated program (no main.go); write one with nasgc gen", dir)
	}
	fmt.Fprintf(stderr, "building %s\n", dir)
	if out, err := exec.Build(ctx, dir); err != nil {
		fmt.Fprintf(stderr, "%s: build failed:\n%s", dir, out)
		return errPrinted
	}
	var args []string
	flagArg := func(name, cflag string, v any) {
		if cmd.Flags().Changed(name) {
			args = append(args, fmt.Sprintf("-%s=%v", cflag, v))
		}
	}
	flagArg("dataset", "dataset", tf.dataset)
	flagArg("epochs", "epochs", tf.epochs)
	flagArg("steps", "steps", tf.steps)
	flagArg("subset", "subset", tf.subset)
	flagArg("validation", "validation", tf.validation)
	flagArg("test", "test", tf.test)
	flagArg("batch", "batch", tf.batch)
	flagArg("optimizer", "optimizer", tf.optimizer)
	flagArg("lr", "lr", tf.lr)
	flagArg("momentum", "momentum", tf.momentum)
	flagArg("nesterov", "nesterov", tf.nesterov)
	flagArg("weight-decay", "wd", tf.weightDecay)
	flagArg("schedule", "schedule", tf.schedule)
	flagArg("objective", "objective", tf.objective)
	flagArg("timeout", "time-limit", timeout)
	flagArg("threads", "threads", threads)
	args = append(args, extra...)
	bin, err := filepath.Abs(filepath.Join(dir, exec.BinaryName))
	if err != nil {
		return err
	}
	c := execCommand(ctx, bin, args...)
	c.Dir = dir
	c.Stdout, c.Stderr = stdout, stderr
	if err := c.Run(); err != nil {
		return errPrinted // the program printed its result and failure
	}
	return nil
}
