package train

import (
	"errors"
	"fmt"
	"time"

	"github.com/nasgc/nasgc/runtime/nn"
)

// Config holds the settings of one training run. A Program's Defaults
// give them; flags override them (see [Main]).
type Config struct {
	Dataset   string // "mnist" or "synthetic"
	DataDir   string // MNIST directory; "" means data.FindMNIST
	Epochs    int    // passes over the training images
	Steps     int    // if > 0, the number of SGD steps, overriding Epochs
	Batch     int    // training batch size (the incomplete last batch of an epoch is dropped)
	Subset    int    // training images, a seeded random subset; 0 = all
	Test      int    // test images, a fixed random subset; 0 = all
	Seed      uint64 // parameters, subset and batch order
	Threads   int    // GOMAXPROCS during the run; 0 = leave as is
	TimeLimit time.Duration
	Optimizer string // "sgd" ("" means sgd)
	LR        float64
	Momentum  float64
	// WeightDecay is added to the gradient as WeightDecay·w, for every
	// parameter (PyTorch's weight_decay).
	WeightDecay float64
}

// Datasets.
const (
	DatasetMNIST     = "mnist"
	DatasetSynthetic = "synthetic"
)

// Sizes of the synthetic dataset when Subset or Test is 0.
const (
	SyntheticTrain = 2000
	SyntheticTest  = 500
)

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	switch {
	case c.Dataset != DatasetMNIST && c.Dataset != DatasetSynthetic:
		return fmt.Errorf("dataset %q: want %q or %q", c.Dataset, DatasetMNIST, DatasetSynthetic)
	case c.Epochs < 0 || c.Steps < 0:
		return fmt.Errorf("epochs %d, steps %d: must not be negative", c.Epochs, c.Steps)
	case c.Epochs == 0 && c.Steps == 0:
		return errors.New("epochs and steps are both 0: nothing to train")
	case c.Batch < 2:
		return fmt.Errorf("batch %d: must be at least 2 (BatchNorm needs two images)", c.Batch)
	case c.Subset < 0 || c.Test < 0:
		return fmt.Errorf("subset %d, test %d: must not be negative", c.Subset, c.Test)
	case c.Subset > 0 && c.Subset < c.Batch:
		return fmt.Errorf("subset %d is smaller than one batch of %d", c.Subset, c.Batch)
	case c.Threads < 0:
		return fmt.Errorf("threads %d: must not be negative", c.Threads)
	case c.TimeLimit < 0:
		return fmt.Errorf("time limit %v: must not be negative", c.TimeLimit)
	case c.Optimizer != "" && c.Optimizer != "sgd":
		return fmt.Errorf("optimizer %q: only \"sgd\" is implemented", c.Optimizer)
	case !(c.LR > 0):
		return fmt.Errorf("learning rate %v: must be positive", c.LR)
	case !(c.Momentum >= 0 && c.Momentum < 1):
		return fmt.Errorf("momentum %v: must be in [0, 1)", c.Momentum)
	case !(c.WeightDecay >= 0):
		return fmt.Errorf("weight decay %v: must not be negative", c.WeightDecay)
	}
	return nil
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
