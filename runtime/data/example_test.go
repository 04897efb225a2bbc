package data_test

import (
	"fmt"

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
