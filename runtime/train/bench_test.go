package train

import (
	"context"
	"os"
	"testing"

	"github.com/nasgc/nasgc/runtime/data"
	"github.com/nasgc/nasgc/runtime/nn"
)

// referenceCNN is the network of shared/reference/runtime-measurements.md
// §3 (28,986 parameters), where gorgonia's own layers trained at 86–110
// img/s and PyTorch at 1014–1371 img/s on this kind of machine:
// conv3×3(1→16)+BN+ReLU → [conv3×3+BN+ReLU → conv3×3+BN] + skip → ReLU →
// [conv3×3 s2(→32)+BN+ReLU → conv3×3+BN] + [conv1×1 s2(→32)+BN] → ReLU →
// conv3×3+BN+ReLU → GAP → linear(32→10).
func referenceCNN(b *nn.B, x nn.X) nn.X {
	cbr := func(x nn.X, c nn.Conv) nn.X { return b.ReLU(b.BatchNorm(b.Conv(x, c))) }
	x = cbr(x, nn.Conv{K: 3, Out: 16})
	y := b.BatchNorm(b.Conv(cbr(x, nn.Conv{K: 3}), nn.Conv{K: 3}))
	x = b.ReLU(b.Add(y, x))
	y = b.BatchNorm(b.Conv(cbr(x, nn.Conv{K: 3, Out: 32, Stride: 2}), nn.Conv{K: 3}))
	s := b.BatchNorm(b.Conv(x, nn.Conv{K: 1, Out: 32, Stride: 2}))
	x = b.ReLU(b.Add(y, s))
	x = cbr(x, nn.Conv{K: 3})
	return b.Linear(b.GlobalAvgPool(x), 10)
}

func TestReferenceCNNParams(t *testing.T) {
	net := nn.NewNet(nn.Float32, 1)
	if _, _, _, err := net.Build(nn.Train, referenceCNN, 2, 1, 28, 28); err != nil {
		t.Fatal(err)
	}
	if got := net.NumParams(); got != 28986 {
		t.Errorf("%d parameters, the measured network has 28,986", got)
	}
}

// benchStep measures SGD steps of model at batch 64 on 28×28 images.
func benchStep(b *testing.B, model nn.Model) {
	p := Program{Model: model, Input: [3]int{1, 28, 28}, Classes: 10}
	set := data.Synthetic(512, 1, 28, 28, 10, 1)
	s, err := newSession(p, 1, 64, 100)
	if err != nil {
		b.Fatal(err)
	}
	defer s.close()
	batches := data.NewBatches(set.Len(), 64, 1)
	opt := &SGD{LR: 0.05, Momentum: 0.9}
	for range 3 { // the first steps allocate
		idx, _ := batches.Next()
		if _, err := s.step(set, idx, opt); err != nil {
			b.Fatal(err)
		}
	}
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		idx, _ := batches.Next()
		if _, err := s.step(set, idx, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(64*b.N)/b.Elapsed().Seconds(), "img/s")
	b.ReportMetric((cpuTime()-cpu0)/float64(b.N)*1000, "cpu-ms/op")
}

// BenchmarkStep: stem conv16 + BN + ReLU, two residual blocks of two 3×3
// convs, GAP, linear (9,690 parameters, 14.9 MFLOP/image forward).
func BenchmarkStep(b *testing.B) { benchStep(b, smallCNN) }

// BenchmarkStepReference: the measurement report's network.
func BenchmarkStepReference(b *testing.B) { benchStep(b, referenceCNN) }

// BenchmarkEval measures the evaluation graph (batch 100) of the
// measurement report's network.
func BenchmarkEval(b *testing.B) {
	p := Program{Model: referenceCNN, Input: [3]int{1, 28, 28}, Classes: 10}
	set := data.Synthetic(1000, 1, 28, 28, 10, 1)
	s, err := newSession(p, 1, 64, 100)
	if err != nil {
		b.Fatal(err)
	}
	defer s.close()
	never := func() *failure { return nil }
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := s.evaluate(set, never); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(set.Len()*b.N)/b.Elapsed().Seconds(), "img/s")
}

// TestMNISTEpoch trains the measurement report's network for one epoch on
// all of MNIST and scores it on the 10,000 test images, as the report did
// (gorgonia's layers: 95.98 %, PyTorch: 96.18 %). It takes minutes, so it
// runs only with NASGC_MNIST_EPOCH=1.
func TestMNISTEpoch(t *testing.T) {
	if os.Getenv("NASGC_MNIST_EPOCH") != "1" {
		t.Skip("set NASGC_MNIST_EPOCH=1 to train a full MNIST epoch")
	}
	p := Program{Term: "reference CNN", Model: referenceCNN, Input: [3]int{1, 28, 28}, Classes: 10}
	cfg := Config{Dataset: DatasetMNIST, Epochs: 1, Batch: 64, LR: 0.05, Momentum: 0.9, Seed: 1}
	res := Run(context.Background(), p, cfg, os.Stderr)
	if res.Status != StatusOK {
		t.Fatalf("%+v", res)
	}
	t.Logf("test accuracy %.4f, loss %.4f; %d steps, %.0f img/s training, %.1fs training, %.1fs evaluating %d images",
		res.Accuracy, res.Loss, res.Steps, res.ImagesPerSec, res.TrainSeconds, res.EvalSeconds, res.TestImages)
	if res.Accuracy < 0.9 {
		t.Errorf("accuracy %.4f after one epoch", res.Accuracy)
	}
}
