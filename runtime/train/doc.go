// Package train trains and evaluates one network and reports the outcome:
// it is the main function of every program nasgc generates.
//
// A generated program describes its network as a [Program] (a Model from
// package nn, the input shape, the class count and default settings) and
// calls [Main], which reads command-line flags over the defaults, runs
// [Run], prints progress to stderr and exactly one JSON [Result] line to
// stdout, and returns the process exit code.
//
// Run loads the dataset (MNIST, AddNIST, CIFAR-10 or synthetic images),
// carves a seeded validation split from the training images when
// [Config].Validation asks for one, builds one training graph and one
// evaluation graph per run and reuses them for every step (gorgonia leaks
// memory when graphs are rebuilt), copies each batch into preallocated input
// tensors, trains with [SGD] (momentum, Nesterov momentum, weight decay) or
// [Adam], both with PyTorch's update rules, under a constant or [Cosine]
// learning rate, optionally saves the trained weights, evaluates on the
// validation and the test images with the BatchNorm running statistics, and
// turns every way a run can go wrong into a Result: a NaN or infinite loss
// or weight, the time limit, a cancelled context, bad settings, missing
// data, or a panic anywhere in the model.
//
// A search ranks candidates by Result.Accuracy, which is the validation
// accuracy when the run has a validation split and the test accuracy
// otherwise; Result also carries both apart (val_accuracy, test_accuracy).
//
// The same seed gives the same parameters, the same images in the same order
// and so, on one machine, a bit-identical Result (apart from the timings).
//
// The package knows nothing of grammars or search.
package train
