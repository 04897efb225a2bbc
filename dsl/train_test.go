package dsl

import (
	"strings"
	"testing"
)

func TestTrainRecipe(t *testing.T) {
	for _, c := range []struct {
		block string
		want  TrainSettings
	}{
		{"train { epochs 2 }", func() TrainSettings { s := DefaultTrain; s.Epochs = 2; return s }()},
		{"train { dataset synthetic; steps 50; batch 64; validation 5K; subset 0; test 500; schedule cosine; augment crop_flip; optimizer sgd(lr: 0.01, momentum: 0.9, weight_decay: 3e-4, nesterov: true) }",
			TrainSettings{Dataset: "synthetic", Epochs: 1, Steps: 50, Batch: 64, Validation: 5000, Test: 500, Schedule: "cosine", Augment: "crop_flip",
				Optimizer: "sgd", LR: 0.01, Momentum: 0.9, WeightDecay: 3e-4, Nesterov: true}},
		// adam starts from its own defaults, not from sgd's.
		{"train { optimizer adam(weight_decay: 1e-4) }",
			func() TrainSettings {
				s := DefaultTrain
				s.Optimizer, s.LR, s.Momentum, s.Beta1, s.Beta2, s.WeightDecay = "adam", 0.001, 0, 0.9, 0.999, 1e-4
				return s
			}()},
		{"train { optimizer adam(lr: 0.01, beta1: 0.5, beta2: 0.9) }",
			func() TrainSettings {
				s := DefaultTrain
				s.Optimizer, s.LR, s.Momentum, s.Beta1, s.Beta2 = "adam", 0.01, 0, 0.5, 0.9
				return s
			}()},
		{"train { optimizer sgd }", DefaultTrain},
		{"train { augment flip }", func() TrainSettings { s := DefaultTrain; s.Augment = "flip"; return s }()},
		{"train { augment none }", func() TrainSettings { s := DefaultTrain; s.Augment = "none"; return s }()},
	} {
		g, ds := ParseAndCheck("t.nasg", []byte(header+"S -> conv\n"+c.block+"\n"))
		if ds.HasErrors() {
			t.Errorf("%s: %v", c.block, ds)
			continue
		}
		if g.Train != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.block, g.Train, c.want)
		}
	}
}

func TestTrainDatasetShape(t *testing.T) {
	src := strings.Replace(header, "image(1, 8, 8)", "image(3, 28, 28)", 1)
	src = strings.Replace(src, "classes(3)", "classes(20)", 1)
	if _, ds := ParseAndCheck("t.nasg", []byte(src+"S -> conv\ntrain { dataset addnist; steps 5 }\n")); ds.HasErrors() {
		t.Errorf("addnist with its shape: %v", ds)
	}
	_, ds := ParseAndCheck("t.nasg", []byte(src+"S -> conv\ntrain { dataset cifar10; steps 5 }\n"))
	if !ds.HasErrors() || !strings.Contains(ds.Error(), "image(3, 32, 32)") {
		t.Errorf("cifar10 with AddNIST's shape: %v", ds)
	}
	for name := range Datasets {
		d := Datasets[name]
		if err := DatasetFits(name, d.Input, d.Classes); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := DatasetFits("mnist", Shape{3, 28, 28}, 20); err == nil || !strings.Contains(err.Error(), "(1, 28, 28)") {
		t.Errorf("mnist with AddNIST's shape: %v", err)
	}
	if err := DatasetFits("imagenet", Shape{3, 28, 28}, 20); err == nil {
		t.Error("unknown dataset accepted")
	}
}

func TestTrainAugmentSuggestion(t *testing.T) {
	_, ds := ParseAndCheck("t.nasg", []byte(header+"S -> conv\ntrain { epochs 1; augmnt crop_flip }\n"))
	if !ds.HasErrors() || !strings.Contains(ds.Error(), "did you mean augment?") {
		t.Errorf("augmnt: %v", ds)
	}
}
