package data

import (
	"fmt"
	"math/rand/v2"
)

// AddNIST sizes and its default seed.
const (
	AddNISTClasses = 20     // labels 0..19: d1 + d2 + d3 - 1 for digit sums 1..20
	AddNISTTrain   = 60_000 // training images, 3,000 per class
	AddNISTTest    = 10_000 // test images, 500 per class
	AddNISTSeed    = 0      // the seed [LoadAddNIST] uses, so that every run sees the same dataset
)

// triple is the three digits of an AddNIST image, one per channel.
type triple [3]uint8

// AddNIST builds the AddNIST dataset (CVPR-NAS 2021) from MNIST's training
// and test sets, as the generator script of the hierarchical NAS paper does:
//
//   - an image stacks three MNIST digits d1, d2, d3 as its three channels
//     (3×28×28) and is labelled d1 + d2 + d3 - 1; only the labels 0..19 are
//     used (digit sums 1..20), so there are 20 classes;
//   - for each label, its digit triples are shuffled and split 75/25 into
//     training and test triples (the test share rounded up, as
//     train_test_split(test_size=0.25) does), so the test set holds digit
//     combinations never seen in training;
//   - training images draw their digits from mnistTrain, test images from
//     mnistTest, each digit a random MNIST image of that digit;
//   - every class gets the same number of images (3,000 training, 500
//     test), spread as evenly as possible over its triples;
//   - both sets are shuffled: 60,000 training and 10,000 test images.
//
// Pixels are normalised with MNIST's mean and standard deviation, every
// channel alike. The same seed gives the same dataset. mnistTrain and
// mnistTest must be single-channel 28×28 sets with labels 0..9, such as
// those [MNIST] returns.
func AddNIST(mnistTrain, mnistTest *Set, seed uint64) (train, test *Set, err error) {
	train, test, _, _, err = buildAddNIST(mnistTrain, mnistTest, seed)
	return train, test, err
}

// LoadAddNIST reads MNIST from dir and builds AddNIST from it with
// [AddNISTSeed].
func LoadAddNIST(dir string) (train, test *Set, err error) {
	mtrain, mtest, err := MNIST(dir)
	if err != nil {
		return nil, nil, err
	}
	return AddNIST(mtrain, mtest, AddNISTSeed)
}

// buildAddNIST is AddNIST that also returns the digit triple of every
// image, for the tests.
func buildAddNIST(mnistTrain, mnistTest *Set, seed uint64) (train, test *Set, trainT, testT []triple, err error) {
	for _, s := range []*Set{mnistTrain, mnistTest} {
		if s.C != 1 || s.H != 28 || s.W != 28 || s.Classes != 10 || s.bytes == nil {
			return nil, nil, nil, nil, fmt.Errorf("data: AddNIST needs MNIST's 1×28×28 byte images in 10 classes, got set %q of %d×%d×%d in %d classes", s.Name, s.C, s.H, s.W, s.Classes)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x6164646e697374))
	var trainTriples, testTriples [AddNISTClasses][]triple
	for label := range AddNISTClasses {
		var ts []triple
		for a := range 10 {
			for b := range 10 {
				if c := label + 1 - a - b; c >= 0 && c <= 9 {
					ts = append(ts, triple{uint8(a), uint8(b), uint8(c)})
				}
			}
		}
		rng.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
		nTest := (len(ts) + 3) / 4 // ceil(25 %)
		testTriples[label], trainTriples[label] = ts[:nTest], ts[nTest:]
	}
	train, trainT, err = addNISTSet("addnist-train", mnistTrain, trainTriples, AddNISTTrain, rng)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	test, testT, err = addNISTSet("addnist-test", mnistTest, testTriples, AddNISTTest, rng)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return train, test, trainT, testT, nil
}

// addNISTSet draws n images, n/20 per class spread evenly over the class's
// triples, from the MNIST images of src, in a shuffled order.
func addNISTSet(name string, src *Set, triples [AddNISTClasses][]triple, n int, rng *rand.Rand) (*Set, []triple, error) {
	var byDigit [10][]int
	for i, l := range src.Labels {
		byDigit[l] = append(byDigit[l], i)
	}
	for d, idx := range byDigit {
		if len(idx) == 0 {
			return nil, nil, fmt.Errorf("data: AddNIST: set %q has no image of digit %d", src.Name, d)
		}
	}
	const plane = 28 * 28
	const size = 3 * plane
	perClass := n / AddNISTClasses
	order := rng.Perm(n) // image k of the generation order goes to order[k]
	pix := make([]uint8, n*size)
	labels := make([]int, n)
	which := make([]triple, n)
	k := 0
	for label, ts := range triples {
		for j, t := range ts {
			count := perClass / len(ts)
			if j < perClass%len(ts) {
				count++
			}
			for range count {
				pos := order[k]
				k++
				labels[pos], which[pos] = label, t
				dst := pix[pos*size : (pos+1)*size]
				for c, d := range t {
					img := byDigit[d][rng.IntN(len(byDigit[d]))]
					copy(dst[c*plane:(c+1)*plane], src.bytes[img*plane:(img+1)*plane])
				}
			}
		}
	}
	s, err := NewBytes(name, 3, 28, 28, AddNISTClasses, pix, labels, MNISTMean, MNISTStd)
	return s, which, err
}
