package data_test

import (
	"fmt"
	"os"

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
