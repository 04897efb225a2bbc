package nn_test

import (
	"bytes"
	"fmt"

	"github.com/nasgc/nasgc/runtime/nn"
)

// A model is a function of a builder and an input; building it twice, for
// training and for evaluation at another batch size, shares the parameters.
func ExampleNet_Build() {
	model := func(b *nn.B, x nn.X) nn.X {
		x = b.ReLU(b.BatchNorm(b.Conv(x, nn.Conv{K: 3, Out: 16})))
		y := b.BatchNorm(b.Conv(x, nn.Conv{K: 3}))
		x = b.ReLU(b.Add(x, y))
		x = b.Conv(x, nn.Conv{K: 1, Out: 32, Stride: 2})
		return b.Linear(b.GlobalAvgPool(x), 10)
	}
	net := nn.NewNet(nn.Float32, 1)
	_, _, out, err := net.Build(nn.Train, model, 64, 1, 28, 28)
	if err != nil {
		panic(err)
	}
	fmt.Println("training output:", out)
	_, _, out, err = net.Build(nn.Eval, model, 100, 1, 28, 28)
	if err != nil {
		panic(err)
	}
	fmt.Println("evaluation output:", out)
	fmt.Println("parameters:", net.NumParams())
	fmt.Printf("forward MFLOP per image: %.2f\n", float64(net.FLOPs())/1e6)
	// Output:
	// training output: (64, 10)
	// evaluation output: (100, 10)
	// parameters: 3354
	// forward MFLOP per image: 4.13
}

// Add panics on mismatched shapes, and Build reports the panic as an error.
func ExampleB_Add() {
	net := nn.NewNet(nn.Float32, 1)
	_, _, _, err := net.Build(nn.Train, func(b *nn.B, x nn.X) nn.X {
		return b.Add(x, b.Conv(x, nn.Conv{K: 3, Out: 8}))
	}, 2, 1, 8, 8)
	fmt.Println(err)
	// Output:
	// building the train graph: nn: Add: operand 2 has shape (2, 8, 8, 8), but operand 1 has shape (2, 1, 8, 8)
}

// A program classifies images with a trained network: it builds the same
// model (a generated package's Network function, say), loads the weights
// the training program saved, and asks for the classes.
func ExampleClassifier() {
	model := func(b *nn.B, x nn.X) nn.X {
		x = b.ReLU(b.BatchNorm(b.Conv(x, nn.Conv{K: 3, Out: 8})))
		x = b.ResBlock(x, 2, 0)
		return b.Linear(b.GlobalAvgPool(x), 10)
	}
	// The training side: its weights, saved (here into memory; usually a
	// file written by the candidate's -weights flag).
	trained := nn.NewNet(nn.Float32, 1)
	if _, _, _, err := trained.Build(nn.Train, model, 64, 1, 28, 28); err != nil {
		panic(err)
	}
	var file bytes.Buffer
	if err := trained.Save(&file); err != nil {
		panic(err)
	}

	// The using side: build, load, classify.
	net := nn.NewNet(nn.Float32, 0)
	cl, err := nn.NewClassifier(net, model, 16, 1, 28, 28)
	if err != nil {
		panic(err)
	}
	defer cl.Close()
	if err := net.Load(&file); err != nil {
		panic(err)
	}
	image := make([]float32, 28*28) // one normalised 28×28 grey image
	for i := range image {
		image[i] = float32(i%28) / 28
	}
	scores, err := cl.Scores(image)
	if err != nil {
		panic(err)
	}
	classes, _ := cl.Predict(image)
	fmt.Println(len(scores), "scores; class", classes[0] == argmax(scores))
	// Output:
	// 10 scores; class true
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
