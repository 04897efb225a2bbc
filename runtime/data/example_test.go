package data_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"

	"github.com/nasgc/nasgc/runtime/data"
)

func ExampleSynthetic() {
	train := data.Synthetic(1000, 1, 12, 12, 4, 1)
	sub := train.Subset(100, 7)
	fmt.Println(train.Len(), sub.Len(), sub.Shape(), sub.Classes)

	batches := data.NewBatches(sub.Len(), 32, 7)
	fmt.Println("batches per epoch:", batches.PerEpoch())
	x := make([]float32, 32*12*12)
	onehot := make([]float32, 32*4)
	idx, epoch := batches.Next()
	data.Fill(sub, idx, x, onehot)
	fmt.Println("epoch", epoch, "batch of", len(idx))
	// Output:
	// 1000 100 [1 12 12] 4
	// batches per epoch: 3
	// epoch 0 batch of 32
}

func ExampleSet_Split() {
	train := data.Synthetic(1000, 1, 12, 12, 4, 1)
	rest, validation := train.Split(200, 0)
	fmt.Println(rest.Len(), validation.Len())
	// Output:
	// 800 200
}

func ExampleAddNIST() {
	dir, err := data.FindMNIST()
	if err != nil {
		fmt.Println(err)
		return
	}
	mnistTrain, mnistTest, err := data.MNIST(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	train, test, err := data.AddNIST(mnistTrain, mnistTest, data.AddNISTSeed)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(train.Len(), test.Len(), train.Shape(), train.Classes)
	// Output:
	// 60000 10000 [3 28 28] 20
}

func ExampleCIFAR10() {
	// A directory without CIFAR-10's files: the error names them.
	_, _, err := data.CIFAR10(os.TempDir())
	fmt.Println(err != nil)
	// Output:
	// true
}

func ExampleAugment() {
	set := data.Synthetic(64, 3, 32, 32, 10, 1)
	x := make([]float32, 4*3*32*32)
	data.Fill(set, []int{0, 1, 2, 3}, x, nil)
	before := slices.Clone(x)
	// CIFAR's recipe: a random crop of the image padded by 32/8 = 4 pixels,
	// then a horizontal flip half the time. The seed decides.
	r := rand.New(rand.NewPCG(1, 2))
	data.Augment(set, x, 4, data.CropPad(32), true, r)
	fmt.Println(data.CropPad(32), slices.Equal(x, before))
	// Output:
	// 4 false
}

func ExampleCheckCIFAR10() {
	// Checked before a search builds any candidate: the error names the
	// files a directory must hold.
	err := data.CheckCIFAR10(os.TempDir())
	fmt.Println(err != nil)
	// Output:
	// true
}
