// Command classify reuses a generated architecture from another program:
// it imports the generated package (module candidate, package model),
// loads the weights its training program saved with -weights, classifies
// the MNIST test images the training program tested on, and prints how
// many it got right.
//
// TestGeneratedProgramTrains builds it in a module of its own whose go.mod
// points candidate at the generated directory:
//
//	require candidate v0.0.0-00010101000000-000000000000
//	replace candidate => ../cand
package main

import (
	"flag"
	"fmt"
	"os"

	"candidate/model"

	"github.com/nasgc/nasgc/runtime/data"
)

func main() {
	weights := flag.String("weights", "weights.bin", "the trained weights")
	test := flag.Int("test", 0, "classify this many test images (the training program's -test); 0 means all")
	flag.Parse()
	if err := run(*weights, *test); err != nil {
		fmt.Fprintln(os.Stderr, "classify:", err)
		os.Exit(1)
	}
}

func run(weights string, test int) error {
	dir, err := data.FindMNIST()
	if err != nil {
		return err
	}
	_, testSet, err := data.MNIST(dir)
	if err != nil {
		return err
	}
	// The training program tests on this subset: it does not depend on
	// the seed.
	testSet = testSet.Subset(test, 0)

	clf, err := model.Load(weights)
	if err != nil {
		return err
	}
	defer clf.Close()

	n := testSet.Len()
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	images := make([]float32, n*model.Input[0]*model.Input[1]*model.Input[2])
	data.Fill(testSet, idx, images, nil) // normalised as in training
	classes, err := clf.Predict(images)
	if err != nil {
		return err
	}
	correct := 0
	for i, c := range classes {
		if c == testSet.Labels[i] {
			correct++
		}
	}
	fmt.Printf("%d of %d correct\n", correct, n)
	return nil
}
