// Command example is a program of the shape nasgc generates, used by the
// train package's tests to check that such programs build and run.
package main

import (
	"os"

	"github.com/nasgc/nasgc/runtime/nn"
	"github.com/nasgc/nasgc/runtime/train"
)

// Model builds the network. It is called once per graph (training graph, evaluation graph).
func Model(b *nn.B, x nn.X) nn.X {
	x = stem(b, x)
	x = residual1(b, x)
	return head(b, x)
}

func stem(b *nn.B, x nn.X) nn.X {
	x = b.Conv(x, nn.Conv{K: 3, Out: 16})
	x = b.BatchNorm(x)
	return x
}

func residual1(b *nn.B, in nn.X) nn.X {
	out := b.Add(conv(b, conv(b, in)), id(b, in))
	return out
}

func conv(b *nn.B, x nn.X) nn.X {
	x = b.Conv(x, nn.Conv{K: 3})
	x = b.BatchNorm(x)
	x = b.ReLU(x)
	return x
}
func id(b *nn.B, x nn.X) nn.X { x = b.Identity(x); return x }

func head(b *nn.B, x nn.X) nn.X { x = b.GlobalAvgPool(x); x = b.Linear(x, 10); return x }

func main() {
	os.Exit(train.Main(train.Program{
		Term:    "Residual(conv, conv, id)",
		Model:   Model,
		Input:   [3]int{1, 28, 28},
		Classes: 10,
		Defaults: train.Config{Dataset: "mnist", Epochs: 1, Batch: 64, Subset: 2000, Test: 2000,
			Optimizer: "sgd", LR: 0.05, Momentum: 0.9, Seed: 1},
	}))
}
