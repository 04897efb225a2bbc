package train

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nasgc/nasgc/runtime/data"
	"github.com/nasgc/nasgc/runtime/nn"
)

// smallCNN is the benchmark network: stem conv16 + BN + ReLU, two residual
// blocks of two 3×3 convs, GAP, linear.
func smallCNN(b *nn.B, x nn.X) nn.X {
	x = b.Conv(x, nn.Conv{K: 3, Out: 16})
	x = b.BatchNorm(x)
	x = b.ReLU(x)
	for range 2 {
		y := b.ReLU(b.BatchNorm(b.Conv(x, nn.Conv{K: 3})))
		y = b.BatchNorm(b.Conv(y, nn.Conv{K: 3}))
		x = b.ReLU(b.Add(x, y))
	}
	x = b.GlobalAvgPool(x)
	return b.Linear(x, 10)
}

// tiny returns a small, fast network for classes classes.
func tiny(classes int) nn.Model {
	return func(b *nn.B, x nn.X) nn.X {
		x = b.ReLU(b.BatchNorm(b.Conv(x, nn.Conv{K: 3, Out: 8, Stride: 2})))
		y := b.ReLU(b.BatchNorm(b.Conv(x, nn.Conv{K: 3})))
		x = b.Add(x, b.Identity(y))
		x = b.ReLU(b.BatchNorm(b.Conv(x, nn.Conv{K: 3, Out: 16, Stride: 2})))
		return b.Linear(b.GlobalAvgPool(x), classes)
	}
}

func synthProgram() Program {
	return Program{
		Term: "tiny", Model: tiny(4), Input: [3]int{1, 12, 12}, Classes: 4,
		Defaults: Config{Dataset: DatasetSynthetic, Steps: 100, Batch: 32, Subset: 1000, Test: 400,
			LR: 0.05, Momentum: 0.9, Seed: 1},
	}
}

func TestSynthetic(t *testing.T) {
	p := synthProgram()
	res := Run(context.Background(), p, p.Defaults, testLog(t))
	if res.Status != StatusOK {
		t.Fatalf("%+v", res)
	}
	t.Logf("accuracy %.3f loss %.3f train loss %.3f, %.0f img/s", res.Accuracy, res.Loss, res.TrainLoss, res.ImagesPerSec)
	if res.Accuracy < 0.7 { // chance is 0.25
		t.Errorf("accuracy %.3f after 100 steps", res.Accuracy)
	}
	if res.Steps != 100 || res.TrainImages != 1000 || res.TestImages != 400 || res.Params == 0 || res.FLOPs == 0 {
		t.Errorf("bookkeeping: %+v", res)
	}
}

// TestMNIST trains a tiny network on 1,000 real MNIST images.
func TestMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	dir, err := data.FindMNIST()
	if err != nil {
		t.Skip(err)
	}
	flat := func(b *nn.B, x nn.X) nn.X {
		x = b.ReLU(b.BatchNorm(b.Conv(x, nn.Conv{K: 3, Out: 8, Stride: 2})))
		x = b.ReLU(b.BatchNorm(b.Conv(x, nn.Conv{K: 3, Out: 16, Stride: 2})))
		return b.Linear(x, 10)
	}
	p := Program{Term: "flat", Model: flat, Input: [3]int{1, 28, 28}, Classes: 10}
	cfg := Config{Dataset: DatasetMNIST, DataDir: dir, Epochs: 8, Batch: 32, Subset: 1000, Test: 1000,
		LR: 0.05, Momentum: 0.9, Seed: 1}
	res := Run(context.Background(), p, cfg, testLog(t))
	if res.Status != StatusOK {
		t.Fatalf("%+v", res)
	}
	t.Logf("accuracy %.3f loss %.3f, %d steps in %.1fs (%.0f img/s)", res.Accuracy, res.Loss, res.Steps, res.Seconds, res.ImagesPerSec)
	if res.Accuracy < 0.5 {
		t.Errorf("MNIST test accuracy %.3f", res.Accuracy)
	}
}

// testLog returns where progress goes: stderr with -v, nowhere otherwise.
func testLog(t *testing.T) *os.File {
	if testing.Verbose() {
		return os.Stderr
	}
	return nil
}

func TestSeedReproducible(t *testing.T) {
	p := synthProgram()
	cfg := p.Defaults
	cfg.Steps = 15
	cfg.Test = 100
	run := func(seed uint64) Result {
		cfg.Seed = seed
		r := Run(context.Background(), p, cfg, nil)
		if r.Status != StatusOK {
			t.Fatalf("%+v", r)
		}
		r.Seconds, r.TrainSeconds, r.EvalSeconds, r.ImagesPerSec = 0, 0, 0, 0
		return r
	}
	a, b, c := run(3), run(3), run(4)
	if a != b {
		t.Errorf("same seed, different results:\n%+v\n%+v", a, b)
	}
	if a.TrainLoss == c.TrainLoss || a.Loss == c.Loss {
		t.Errorf("seeds 3 and 4 give the same losses: %+v", a)
	}
}

// The result does not depend on the number of threads either.
func TestThreadsReproducible(t *testing.T) {
	p := synthProgram()
	cfg := p.Defaults
	cfg.Steps = 10
	cfg.Test = 100
	var results []Result
	for _, threads := range []int{1, 2, 3} {
		cfg.Threads = threads
		r := Run(context.Background(), p, cfg, nil)
		if r.Status != StatusOK {
			t.Fatalf("%+v", r)
		}
		r.Seconds, r.TrainSeconds, r.EvalSeconds, r.ImagesPerSec = 0, 0, 0, 0
		results = append(results, r)
	}
	if results[0] != results[1] || results[0] != results[2] {
		t.Errorf("1, 2 and 3 threads give different results:\n%+v\n%+v\n%+v", results[0], results[1], results[2])
	}
}

func TestFailures(t *testing.T) {
	panicky := func(b *nn.B, x nn.X) nn.X { panic("boom in the model") }
	for _, c := range []struct {
		name    string
		edit    func(p *Program, cfg *Config)
		ctx     func() context.Context
		failure string
		error   string
	}{
		{"nan", func(p *Program, c *Config) { c.LR = 1e6 }, nil, FailNaNLoss, "loss"},
		{"timeout", func(p *Program, c *Config) { c.TimeLimit = time.Nanosecond }, nil, FailTimeout, "time limit"},
		{"crash", func(p *Program, c *Config) { p.Model = panicky }, nil, FailCrash, "boom in the model"},
		{"shape", func(p *Program, c *Config) { p.Model = tiny(3) }, nil, FailCrash, "output has shape"},
		{"config", func(p *Program, c *Config) { c.Batch = 1 }, nil, FailConfig, "batch"},
		{"input", func(p *Program, c *Config) { c.Dataset = DatasetMNIST; c.DataDir = os.DevNull }, nil, FailData, "MNIST"},
		{"canceled", nil, func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, FailCanceled, "canceled"},
		{"deadline", nil, func() context.Context {
			ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
			t.Cleanup(cancel)
			time.Sleep(time.Millisecond)
			return ctx
		}, FailTimeout, "deadline"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := synthProgram()
			cfg := p.Defaults
			cfg.Steps = 30
			cfg.Test = 100
			if c.edit != nil {
				c.edit(&p, &cfg)
			}
			ctx := context.Background()
			if c.ctx != nil {
				ctx = c.ctx()
			}
			res := Run(ctx, p, cfg, nil)
			if res.Status != StatusFailed || res.Failure != c.failure || !strings.Contains(res.Error, c.error) {
				t.Fatalf("got %s/%s %q, want failed/%s containing %q", res.Status, res.Failure, res.Error, c.failure, c.error)
			}
			if math.IsNaN(res.TrainLoss) || math.IsNaN(res.Loss) {
				t.Errorf("NaN in the result: %+v", res)
			}
		})
	}
}

// TestNaNStopsEarly checks that a diverging run stops at the first NaN
// rather than training on.
func TestNaNStopsEarly(t *testing.T) {
	p := synthProgram()
	cfg := p.Defaults
	cfg.LR = 1e6
	res := Run(context.Background(), p, cfg, nil)
	if res.Failure != FailNaNLoss || res.Steps >= cfg.Steps {
		t.Fatalf("%+v", res)
	}
}
