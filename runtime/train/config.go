package train

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/nasgc/nasgc/runtime/nn"
)

// Config holds the settings of one training run. A Program's Defaults
// give them; flags override them (see [Main]).
//
// The images come from three parts of the dataset: Validation images are
// carved from the training set by a fixed seeded split (the same images
// for every run and every Seed), the training images are a Subset of the
// rest drawn from Seed, and the Test images a fixed subset of the test set.
// A search ranks candidates by validation accuracy when Validation > 0;
// the test figures are reported apart (see [Result]).
type Config struct {
	Dataset string // DatasetMNIST, DatasetAddNIST, DatasetCIFAR10 or DatasetSynthetic
	// DataDir is the MNIST directory for mnist and addnist ("" means
	// data.FindMNIST) and the directory of CIFAR-10's binary files for
	// cifar10 (required).
	DataDir    string
	Epochs     int    // passes over the training images
	Steps      int    // if > 0, the number of optimiser steps, overriding Epochs
	Batch      int    // training batch size (the incomplete last batch of an epoch is dropped)
	Subset     int    // training images, a seeded random subset of those left after Validation; 0 = all
	Validation int    // validation images carved from the training set; 0 = none
	Test       int    // test images, a fixed random subset; 0 = all
	Seed       uint64 // parameters, subset and batch order
	Threads    int    // GOMAXPROCS during the run; 0 = leave as is
	TimeLimit  time.Duration

	// Optimizer is OptimizerSGD ("" means sgd) or OptimizerAdam. Each
	// ignores the other's settings: Adam the momentum and Nesterov, SGD
	// the betas.
	Optimizer string
	LR        float64 // learning rate (the peak of the schedule)
	Momentum  float64 // SGD momentum
	Nesterov  bool    // SGD with Nesterov momentum (needs Momentum > 0)
	// Beta1 and Beta2 are Adam's moment decay rates; 0 means 0.9 and 0.999.
	Beta1, Beta2 float64
	// WeightDecay is added to the gradient as WeightDecay·w, for every
	// parameter (PyTorch's weight_decay, for SGD and Adam alike).
	WeightDecay float64
	Schedule    string // ScheduleNone ("" means none) or ScheduleCosine
	// Objective is ObjectiveAccuracy ("" means it: train, then evaluate)
	// or ObjectiveNASWOT: score the network at initialisation on one
	// training batch and report Result.Objective, without training.
	Objective string
	// Augment is the data augmentation of the training batches (never of
	// the validation or test images): AugmentNone ("" means none),
	// AugmentFlip (a random horizontal flip) or AugmentCropFlip (a random
	// crop of the image zero-padded by data.CropPad(H) pixels, then a
	// random flip), drawn from Seed. See data.Augment.
	Augment string

	// Weights, if not "", names the file the trained weights are written
	// to after training (nn.Net's Save format).
	Weights string
}

// Datasets.
const (
	DatasetMNIST     = "mnist"     // 1×28×28, 10 classes
	DatasetAddNIST   = "addnist"   // 3×28×28, 20 classes, built from MNIST
	DatasetCIFAR10   = "cifar10"   // 3×32×32, 10 classes, from the user's files
	DatasetSynthetic = "synthetic" // any shape, for tests
)

// Optimizers and schedules.
const (
	OptimizerSGD      = "sgd"  // [SGD]
	OptimizerAdam     = "adam" // [Adam]
	ObjectiveAccuracy = "accuracy"
	ObjectiveNASWOT   = "naswot"

	ScheduleNone   = "none"   // a constant learning rate
	ScheduleCosine = "cosine" // [Cosine] annealing to 0 over the run, per step
)

// Augmentations of the training batches.
const (
	AugmentNone     = "none"      // the images as they are
	AugmentFlip     = "flip"      // a horizontal flip with probability 1/2
	AugmentCropFlip = "crop_flip" // a random crop of the padded image, then the flip
)

// Sizes of the synthetic dataset when Subset or Test is 0.
const (
	SyntheticTrain = 2000
	SyntheticTest  = 500
)

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	switch {
	case c.Dataset != DatasetMNIST && c.Dataset != DatasetAddNIST && c.Dataset != DatasetCIFAR10 && c.Dataset != DatasetSynthetic:
		return fmt.Errorf("dataset %q: want %s, %s, %s or %s", c.Dataset, DatasetMNIST, DatasetAddNIST, DatasetCIFAR10, DatasetSynthetic)
	case c.Epochs < 0 || c.Steps < 0:
		return fmt.Errorf("epochs %d, steps %d: must not be negative", c.Epochs, c.Steps)
	case c.Epochs == 0 && c.Steps == 0:
		return errors.New("epochs and steps are both 0: nothing to train")
	case c.Batch < 2:
		return fmt.Errorf("batch %d: must be at least 2 (BatchNorm needs two images)", c.Batch)
	case c.Subset < 0 || c.Test < 0 || c.Validation < 0:
		return fmt.Errorf("subset %d, validation %d, test %d: must not be negative", c.Subset, c.Validation, c.Test)
	case c.Subset > 0 && c.Subset < c.Batch:
		return fmt.Errorf("subset %d is smaller than one batch of %d", c.Subset, c.Batch)
	case c.Threads < 0:
		return fmt.Errorf("threads %d: must not be negative", c.Threads)
	case c.TimeLimit < 0:
		return fmt.Errorf("time limit %v: must not be negative", c.TimeLimit)
	case c.Optimizer != "" && c.Optimizer != OptimizerSGD && c.Optimizer != OptimizerAdam:
		return fmt.Errorf("optimizer %q: want %s or %s", c.Optimizer, OptimizerSGD, OptimizerAdam)
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("learning rate %v: must be positive", c.LR)
	case !(c.Momentum >= 0 && c.Momentum < 1):
		return fmt.Errorf("momentum %v: must be in [0, 1)", c.Momentum)
	case c.Nesterov && c.Optimizer != OptimizerAdam && c.Momentum == 0:
		return errors.New("nesterov: needs a momentum above 0")
	case !(c.Beta1 >= 0 && c.Beta1 < 1) || !(c.Beta2 >= 0 && c.Beta2 < 1):
		return fmt.Errorf("beta1 %v, beta2 %v: must be in [0, 1)", c.Beta1, c.Beta2)
	case !(c.WeightDecay >= 0) || math.IsInf(c.WeightDecay, 0):
		return fmt.Errorf("weight decay %v: must not be negative", c.WeightDecay)
	case c.Objective != "" && c.Objective != ObjectiveAccuracy && c.Objective != ObjectiveNASWOT:
		return fmt.Errorf("objective %q: want %s or %s", c.Objective, ObjectiveAccuracy, ObjectiveNASWOT)
	case c.Schedule != "" && c.Schedule != ScheduleNone && c.Schedule != ScheduleCosine:
		return fmt.Errorf("schedule %q: want %s or %s", c.Schedule, ScheduleNone, ScheduleCosine)
	case c.Augment != "" && c.Augment != AugmentNone && c.Augment != AugmentFlip && c.Augment != AugmentCropFlip:
		return fmt.Errorf("augment %q: want %s, %s or %s", c.Augment, AugmentNone, AugmentFlip, AugmentCropFlip)
	}
	return nil
}

// optimizer returns the optimiser c asks for.
func (c Config) optimizer() Optimizer {
	if c.Optimizer == OptimizerAdam {
		return &Adam{LR: c.LR, Beta1: c.Beta1, Beta2: c.Beta2, WeightDecay: c.WeightDecay}
	}
	return &SGD{LR: c.LR, Momentum: c.Momentum, Nesterov: c.Nesterov, WeightDecay: c.WeightDecay}
}

// lr returns the learning rate of step t of total.
func (c Config) lr(t, total int) float64 {
	if c.Schedule == ScheduleCosine {
		return Cosine(c.LR, t, total)
	}
	return c.LR
}

// Program is what a generated program knows about its network.
type Program struct {
	Term     string   // the architecture, as the search wrote it; copied into the Result
	Model    nn.Model // builds the network
	Input    [3]int   // C, H, W of one image
	Classes  int
	Defaults Config
}

func (p Program) validate() error {
	switch {
	case p.Model == nil:
		return errors.New("program has no Model")
	case p.Input[0] <= 0 || p.Input[1] <= 0 || p.Input[2] <= 0:
		return fmt.Errorf("program input shape %v: sizes must be positive", p.Input)
	case p.Classes < 2:
		return fmt.Errorf("program has %d classes: need at least 2", p.Classes)
	}
	return nil
}
