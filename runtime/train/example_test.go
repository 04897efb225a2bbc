package train_test

import (
	"context"
	"fmt"

	"github.com/nasgc/nasgc/runtime/nn"
	"github.com/nasgc/nasgc/runtime/train"
	"gorgonia.org/tensor"
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

func ExampleCosine() {
	// A run of 100 steps at a peak learning rate of 0.01.
	for _, step := range []int{0, 25, 50, 75, 99} {
		fmt.Printf("step %2d: %.6f\n", step, train.Cosine(0.01, step, 100))
	}
	// Output:
	// step  0: 0.010000
	// step 25: 0.008536
	// step 50: 0.005000
	// step 75: 0.001464
	// step 99: 0.000002
}

func ExampleAdam() {
	// One weight on the loss w²/2, whose gradient is w.
	w := tensor.New(tensor.WithBacking([]float64{1}))
	opt := &train.Adam{LR: 0.1} // betas 0.9, 0.999 and eps 1e-8 by default
	for range 3 {
		g := tensor.New(tensor.WithBacking([]float64{w.Float64s()[0]}))
		if err := opt.Step([]*tensor.Dense{w}, []*tensor.Dense{g}); err != nil {
			fmt.Println(err)
		}
		fmt.Printf("%.4f\n", w.Float64s()[0])
	}
	// Output:
	// 0.9000
	// 0.8004
	// 0.7016
}

func ExampleSGD() {
	w := tensor.New(tensor.WithBacking([]float64{1}))
	opt := &train.SGD{LR: 0.1, Momentum: 0.9, Nesterov: true}
	for range 3 {
		g := tensor.New(tensor.WithBacking([]float64{w.Float64s()[0]}))
		if err := opt.Step([]*tensor.Dense{w}, []*tensor.Dense{g}); err != nil {
			fmt.Println(err)
		}
		fmt.Printf("%.6f\n", w.Float64s()[0])
	}
	// Output:
	// 0.810000
	// 0.575100
	// 0.327321
}
