package train

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nasgc/nasgc/runtime/data"
	"github.com/nasgc/nasgc/runtime/nn"
)

// TestValidationSplit checks that a run with a validation split ranks on
// the validation figures and reports the test figures apart.
func TestValidationSplit(t *testing.T) {
	p := synthProgram()
	cfg := p.Defaults
	cfg.Steps, cfg.Validation, cfg.Test = 60, 300, 200
	cfg.Nesterov, cfg.Schedule, cfg.WeightDecay = true, ScheduleCosine, 3e-4
	res := Run(context.Background(), p, cfg, testLog(t))
	if res.Status != StatusOK {
		t.Fatalf("%+v", res)
	}
	t.Logf("validation %.3f / %.3f, test %.3f / %.3f", res.ValAccuracy, res.ValLoss, res.TestAccuracy, res.TestLoss)
	if res.ValImages != 300 || res.TrainImages != 1000 || res.TestImages != 200 {
		t.Errorf("images: %d train, %d validation, %d test", res.TrainImages, res.ValImages, res.TestImages)
	}
	if res.Accuracy != res.ValAccuracy || res.Loss != res.ValLoss {
		t.Errorf("accuracy %v, loss %v are not the validation figures %v, %v", res.Accuracy, res.Loss, res.ValAccuracy, res.ValLoss)
	}
	if res.TestAccuracy < 0.5 || res.ValAccuracy < 0.5 || res.TestLoss <= 0 {
		t.Errorf("did not learn: %+v", res)
	}
	// Without a split, accuracy is the test accuracy.
	cfg.Validation = 0
	res = Run(context.Background(), p, cfg, nil)
	if res.Status != StatusOK || res.ValImages != 0 || res.Accuracy != res.TestAccuracy || res.Loss != res.TestLoss {
		t.Errorf("no split: %+v", res)
	}
	cfg.Validation = -1
	if res = Run(context.Background(), p, cfg, nil); res.Failure != FailConfig || !strings.Contains(res.Error, "validation") {
		t.Errorf("negative validation: %+v", res)
	}
}

// TestLoadDataSplit checks that the validation images are never trained on
// and do not depend on the seed.
func TestLoadDataSplit(t *testing.T) {
	p := synthProgram()
	cfg := p.Defaults
	cfg.Validation, cfg.Subset = 100, 300
	key := func(s *data.Set, i int) [4]float32 {
		x := make([]float32, 144)
		data.Fill(s, []int{i}, x, nil)
		return [4]float32{x[0], x[1], x[2], x[3]}
	}
	images := func(s *data.Set) map[[4]float32]bool {
		m := map[[4]float32]bool{}
		for i := range s.Len() {
			m[key(s, i)] = true
		}
		return m
	}
	a, err := loadData(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Seed++
	b, err := loadData(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	if a.val.Len() != 100 || a.train.Len() != 300 {
		t.Fatalf("%d validation, %d training images", a.val.Len(), a.train.Len())
	}
	va, vb, ta, tb := images(a.val), images(b.val), images(a.train), images(b.train)
	for k := range va {
		if !vb[k] {
			t.Fatal("the validation split depends on the seed")
		}
		if ta[k] || tb[k] {
			t.Fatal("a validation image is among the training images")
		}
	}
}

// TestSameSeedSameJSON runs a program twice with the same settings: the
// JSON lines are identical except for the timings.
func TestSameSeedSameJSON(t *testing.T) {
	args := []string{"-steps", "25", "-validation", "200", "-test", "100", "-nesterov", "-schedule", "cosine", "-wd", "5e-4", "-seed", "5", "-q"}
	var lines [2]map[string]any
	for i := range lines {
		var stdout, stderr strings.Builder
		if code := MainArgs(context.Background(), synthProgram(), args, &stdout, &stderr); code != ExitOK {
			t.Fatalf("exit %d: %s %s", code, stdout.String(), stderr.String())
		}
		if err := json.Unmarshal([]byte(stdout.String()), &lines[i]); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"seconds", "train_seconds", "eval_seconds", "images_per_sec"} {
			if _, ok := lines[i][k]; !ok {
				t.Fatalf("no %s in %s", k, stdout.String())
			}
			delete(lines[i], k)
		}
	}
	a, _ := json.Marshal(lines[0])
	b, _ := json.Marshal(lines[1])
	if string(a) != string(b) {
		t.Errorf("same seed, different results:\n%s\n%s", a, b)
	}
	for _, k := range []string{"accuracy", "loss", "val_accuracy", "val_loss", "test_accuracy", "test_loss", "params", "flops", "failure"} {
		if _, ok := lines[0][k]; !ok && k != "failure" {
			t.Errorf("the result has no %s: %s", k, a)
		}
	}
}

func TestAdamRun(t *testing.T) {
	p := synthProgram()
	cfg := p.Defaults
	cfg.Optimizer, cfg.LR, cfg.Momentum, cfg.Schedule = OptimizerAdam, 0.01, 0, ScheduleCosine
	res := Run(context.Background(), p, cfg, testLog(t))
	if res.Status != StatusOK {
		t.Fatalf("%+v", res)
	}
	t.Logf("Adam: accuracy %.3f loss %.3f", res.Accuracy, res.Loss)
	if res.Accuracy < 0.7 {
		t.Errorf("Adam: accuracy %.3f after 100 steps", res.Accuracy)
	}
}

// TestEvalUsesRunningStats checks that evaluation normalises with the
// BatchNorm running statistics: an image's logits do not depend on the
// other images of its evaluation batch (nor on the zero padding of the
// last one), and the statistics have moved away from their start.
func TestEvalUsesRunningStats(t *testing.T) {
	p := synthProgram()
	cfg := p.Defaults
	sets, err := loadData(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSession(p, 1, cfg.Batch, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	batches := data.NewBatches(sets.train.Len(), cfg.Batch, 1)
	opt := cfg.optimizer()
	for range 20 {
		idx, _ := batches.Next()
		if _, err := s.step(sets.train, idx, opt); err != nil {
			t.Fatal(err)
		}
	}
	moved := false
	for _, st := range s.net.Stats() {
		for _, v := range st.Mean.Float32s() {
			moved = moved || v != 0
		}
	}
	if !moved {
		t.Fatal("training left the running means at 0")
	}
	none := func() *failure { return nil }
	full := sets.test.Pick(seq(0, 100))
	_, lossAll, err := s.evaluate(full, none)
	if err != nil {
		t.Fatal(err)
	}
	_, lossA, _ := s.evaluate(sets.test.Pick(seq(0, 30)), none)
	_, lossB, _ := s.evaluate(sets.test.Pick(seq(30, 100)), none)
	if mixed := (30*lossA + 70*lossB) / 100; math.Abs(mixed-lossAll) > 1e-5*math.Max(1, lossAll) {
		t.Errorf("the loss of 100 images depends on the batch: %v in one batch, %v in two padded ones", lossAll, mixed)
	}
}

func seq(from, to int) []int {
	var s []int
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

// TestWeights checks -weights: the file holds the trained weights in
// nn.Net's Save format, which a network of the same model loads.
func TestWeights(t *testing.T) {
	file := filepath.Join(t.TempDir(), "w.bin")
	p := synthProgram()
	code, res, stderr := mainArgs(t, p, "-steps", "5", "-test", "64", "-weights", file)
	if code != ExitOK || res.Weights != file {
		t.Fatalf("exit %d, %+v\n%s", code, res, stderr)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	net := nn.NewNet(nn.Float32, 99)
	if _, _, _, err := net.Build(nn.Eval, p.Model, 2, 1, 12, 12); err != nil {
		t.Fatal(err)
	}
	before := slices.Clone(net.Params()[0].Value.Float32s())
	if err := net.Load(f); err != nil {
		t.Fatal(err)
	}
	if slices.Equal(before, net.Params()[0].Value.Float32s()) {
		t.Error("loading the weights changed nothing")
	}
	// An unwritable file is a save failure.
	code, res, _ = mainArgs(t, p, "-steps", "2", "-test", "64", "-weights", filepath.Join(t.TempDir(), "no", "such", "dir", "w.bin"))
	if code != ExitFailed || res.Failure != FailSave {
		t.Errorf("exit %d, %+v", code, res)
	}
}

// TestAddNISTRun trains briefly on AddNIST built from the real MNIST.
func TestAddNISTRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds AddNIST from MNIST")
	}
	if _, err := data.FindMNIST(); err != nil {
		t.Skip(err)
	}
	p := Program{Term: "tiny-addnist", Model: tiny(20), Input: [3]int{3, 28, 28}, Classes: 20}
	cfg := Config{Dataset: DatasetAddNIST, Steps: 20, Batch: 32, Subset: 1000, Validation: 200, Test: 200,
		LR: 0.01, Momentum: 0.9, WeightDecay: 3e-4, Schedule: ScheduleCosine, Seed: 1}
	res := Run(context.Background(), p, cfg, testLog(t))
	if res.Status != StatusOK {
		t.Fatalf("%+v", res)
	}
	if res.Dataset != DatasetAddNIST || res.TrainImages != 1000 || res.ValImages != 200 || res.TestImages != 200 || res.Accuracy != res.ValAccuracy {
		t.Errorf("%+v", res)
	}
	// MNIST's shape is refused with a clear message.
	p.Input, p.Classes, p.Model = [3]int{1, 28, 28}, 10, tiny(10)
	if res := Run(context.Background(), p, cfg, nil); res.Failure != FailConfig || !strings.Contains(res.Error, "dataset addnist has [3 28 28] images in 20 classes") {
		t.Errorf("AddNIST for an MNIST program: %+v", res)
	}
}

func TestCIFAR10Missing(t *testing.T) {
	p := Program{Term: "tiny-cifar", Model: tiny(10), Input: [3]int{3, 32, 32}, Classes: 10}
	cfg := Config{Dataset: DatasetCIFAR10, DataDir: t.TempDir(), Steps: 2, Batch: 4, LR: 0.1}
	res := Run(context.Background(), p, cfg, nil)
	if res.Failure != FailData || !strings.Contains(res.Error, "data_batch_1.bin") {
		t.Errorf("%+v", res)
	}
}

// TestCIFAR10Run trains on small files in CIFAR-10's binary format.
func TestCIFAR10Run(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) {
		b := make([]byte, n*3073)
		for r := range n {
			b[r*3073] = byte(r % 10)
			for k := 1; k < 3073; k++ {
				b[r*3073+k] = byte((r*31 + k*7) % 256)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range data.CIFAR10TrainFiles {
		write(f, 20)
	}
	write(data.CIFAR10TestFile, 30)
	p := Program{Term: "tiny-cifar", Model: tiny(10), Input: [3]int{3, 32, 32}, Classes: 10}
	cfg := Config{Dataset: DatasetCIFAR10, DataDir: dir, Steps: 4, Batch: 8, Validation: 20, LR: 0.05, Momentum: 0.9, Nesterov: true, Seed: 1}
	res := Run(context.Background(), p, cfg, nil)
	if res.Status != StatusOK || res.TrainImages != 80 || res.ValImages != 20 || res.TestImages != 30 {
		t.Errorf("%+v", res)
	}
}

// TestAugmentRun trains with augmented batches: the same seed gives the
// same run, which differs from the run without augmentation; an unknown
// augmentation is refused.
func TestAugmentRun(t *testing.T) {
	run := func(args ...string) map[string]any {
		t.Helper()
		args = append([]string{"-steps", "15", "-subset", "200", "-test", "100", "-seed", "3", "-q"}, args...)
		var stdout, stderr strings.Builder
		if code := MainArgs(context.Background(), synthProgram(), args, &stdout, &stderr); code != ExitOK {
			t.Fatalf("%v: exit %d: %s %s", args, code, stdout.String(), stderr.String())
		}
		var line map[string]any
		if err := json.Unmarshal([]byte(stdout.String()), &line); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"seconds", "train_seconds", "eval_seconds", "images_per_sec"} {
			delete(line, k)
		}
		return line
	}
	a, b := run("-augment", "crop_flip"), run("-augment", "crop_flip")
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("crop_flip, same seed, different results:\n%s\n%s", ja, jb)
	}
	for _, other := range []string{"none", "flip"} {
		if c := run("-augment", other); c["train_loss"] == a["train_loss"] {
			t.Errorf("augment %s and crop_flip: the same training loss %v", other, a["train_loss"])
		}
	}
	if c, d := run(), run("-augment", "none"); c["train_loss"] != d["train_loss"] {
		t.Errorf("augment none changed the run: train loss %v, not %v", d["train_loss"], c["train_loss"])
	}
	var stdout, stderr strings.Builder
	if code := MainArgs(context.Background(), synthProgram(), []string{"-augment", "cutout", "-q"}, &stdout, &stderr); code != ExitBadArgs || !strings.Contains(stderr.String(), `augment "cutout": want none, flip or crop_flip`) {
		t.Errorf("augment cutout: exit %d, %s", code, stderr.String())
	}
}

// TestAugmentTrainingOnly checks that the training batches are augmented
// and the evaluation batches are not.
func TestAugmentTrainingOnly(t *testing.T) {
	p := synthProgram()
	cfg := p.Defaults
	cfg.Subset, cfg.Test = 200, 40
	sets, err := loadData(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSession(p, 1, cfg.Batch, 40)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	s.setAugment(AugmentCropFlip, sets.train.H, 1)
	if s.augPad != 1 || !s.augFlip {
		t.Fatalf("crop_flip on 12×12 images: pad %d, flip %v; want 1, true", s.augPad, s.augFlip)
	}
	idx, _ := data.NewBatches(sets.train.Len(), cfg.Batch, 1).Next()
	plain := make([]float32, len(s.tx))
	data.Fill(sets.train, idx, plain, nil)
	if _, err := s.step(sets.train, idx, cfg.optimizer()); err != nil {
		t.Fatal(err)
	}
	if slices.Equal(s.tx, plain) {
		t.Error("the training batch was not augmented")
	}
	if _, _, err := s.evaluate(sets.test, func() *failure { return nil }); err != nil {
		t.Fatal(err)
	}
	all := make([]int, sets.test.Len())
	for i := range all {
		all[i] = i
	}
	plain = make([]float32, len(s.ex))
	data.Fill(sets.test, all, plain, nil)
	if !slices.Equal(s.ex, plain) {
		t.Error("the evaluation batch was augmented")
	}
}
