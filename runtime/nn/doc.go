// Package nn builds the neural networks that nasgc's generated programs
// train, as gorgonia expression graphs.
//
// A generated program supplies a [Model]: a function that applies layers to
// an input through a builder [B]. The same Model is built several times,
// once into a training graph and once into an evaluation graph with another
// batch size. A [Net] holds what those graphs share: the parameter values,
// which the first build creates and every later build reuses, matched by
// creation order and checked by shape, and the BatchNorm running statistics.
//
// The layers are those of the search spaces' primitives: [B.Conv] (stride,
// padding, dilation), [B.DWConv], [B.BatchNorm], [B.InstanceNorm],
// [B.LayerNorm], [B.ReLU], [B.HardSwish], [B.Mish], [B.Sigmoid], [B.Tanh],
// the functions of the activation-function space ([B.Func], [B.Func2],
// [B.Pow], [B.Scale], [B.Shift], [B.Constant], [B.WAvg], [B.BGaussian]),
// [B.AvgPool], [B.MaxPool], the NAS-Bench-201 [B.ResBlock], [B.Zero],
// [B.Identity], [B.Add], [B.Concat], [B.GlobalAvgPool], [B.Linear] and the
// loss [B.CrossEntropy]. Tensors are NCHW (4-D) or (N, C) (2-D). Every
// layer is checked in float64 against a naive reference and central finite
// differences in the package tests.
//
// Trained weights (parameters and BatchNorm running statistics) are saved
// with [Net.Save] and loaded into a network of the same model with
// [Net.Load]; a [Classifier] runs a model's evaluation graph on images.
//
// Convolutions, norms, pooling, the elementwise functions and the loss are
// nn's own gorgonia ops with hand-written gradients. gorgonia v0.9.18's
// versions are slow (materialised transposes, broadcast copies, BatchNorm
// statistics that contend for one cache line) or wrong (AveragePool2D),
// its BatchNorm resets its running statistics whenever a tape machine is
// created, and its log-softmax times one-hot targets gives NaN for logits
// far below their row's maximum. nn's ops reuse their outputs from step to
// step, and the activation-sized ones take part in the tape machine's
// register sharing (gorgonia's UsePreallocDoer; ReLU and its gradient write
// in place when the input is dead), so buffers of values that are not alive
// at the same time are shared; they share scratch memory per graph, and
// [B.Release] frees a graph's memory when a program is done with it. On
// CPUs with AVX2 and FMA, float32 runs on assembly: a 6×16 register-blocked
// matrix micro-kernel, stride-1 convolutions as implicit matrix products
// over a padded copy of each image (no im2col, and the input gradient as
// the convolution with flipped weights, no col2im), and vector loops for
// ReLU and BatchNorm; elsewhere, and in float64 (the tests), the same
// algorithms run in Go and gonum's BLAS. The other layers use gorgonia's
// ops, avoiding its defects: GlobalAvgPool reduces one axis after a
// reshape, because GlobalAveragePool2D has no gradient and multi-axis
// Mean/Sum are wrong above 2×2.
//
// Initialisation uses its own seeded PCG generator (math/rand/v2), so the
// same seed gives the same parameters: gorgonia's initialisers are seeded
// from the clock, and its He initialisers panic for float32. Parallel work
// is split so that results do not depend on the number of threads.
//
// The package knows nothing of grammars or search; it only builds networks.
package nn
