package train_test

import (
	"context"
	"fmt"

	"github.com/nasgc/nasgc/runtime/nn"
	"github.com/nasgc/nasgc/runtime/train"
)

func ExampleRun() {
	p := train.Program{
		Term: "conv-bn-relu",
		Model: func(b *nn.B, x nn.X) nn.X {
			x = b.ReLU(b.BatchNorm(b.Conv(x, nn.Conv{K: 3, Out: 8, Stride: 2})))
			return b.Linear(b.GlobalAvgPool(x), 4)
		},
		Input:   [3]int{1, 12, 12},
		Classes: 4,
	}
	cfg := train.Config{Dataset: train.DatasetSynthetic, Steps: 30, Batch: 32, Subset: 500, Test: 200,
		LR: 0.05, Momentum: 0.9, Seed: 1}
	res := train.Run(context.Background(), p, cfg, nil)
	fmt.Println(res.Status, res.Steps, res.Params, res.TestImages)

	cfg.LR = 1e6
	res = train.Run(context.Background(), p, cfg, nil)
	fmt.Println(res.Status, res.Failure)
	// Output:
	// ok 30 124 200
	// failed nan_loss
}
