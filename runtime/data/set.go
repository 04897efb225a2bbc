package data

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Set is a labelled image dataset held in memory.
type Set struct {
	Name    string
	C, H, W int   // image shape
	Classes int   // labels are 0..Classes-1
	Labels  []int // one per image
	// Mean and Std normalise every pixel on its way into a batch:
	// (v - Mean) / Std, where v is the stored value (bytes scaled to [0, 1]).
	Mean, Std float64
	// ChannelMean and ChannelStd, when not nil, hold one mean and one
	// standard deviation per channel (C values each) and replace Mean and
	// Std: the pixels of channel c become (v - ChannelMean[c]) / ChannelStd[c].
	ChannelMean, ChannelStd []float64

	bytes  []uint8   // N·C·H·W pixels 0..255, or nil
	floats []float32 // N·C·H·W pixels, when bytes is nil
}

// Len returns the number of images.
func (s *Set) Len() int { return len(s.Labels) }

// Shape returns the image shape C, H, W.
func (s *Set) Shape() [3]int { return [3]int{s.C, s.H, s.W} }

func (s *Set) imageSize() int { return s.C * s.H * s.W }

// NewBytes returns a set of byte images (0..255, scaled to [0, 1] before
// normalisation). pixels holds len(labels) images of c·h·w bytes each.
func NewBytes(name string, c, h, w, classes int, pixels []uint8, labels []int, mean, std float64) (*Set, error) {
	s := &Set{Name: name, C: c, H: h, W: w, Classes: classes, Labels: labels, Mean: mean, Std: std, bytes: pixels}
	if err := s.check(len(pixels)); err != nil {
		return nil, err
	}
	return s, nil
}

// NewFloats returns a set of float32 images. pixels holds len(labels)
// images of c·h·w values each.
func NewFloats(name string, c, h, w, classes int, pixels []float32, labels []int, mean, std float64) (*Set, error) {
	s := &Set{Name: name, C: c, H: h, W: w, Classes: classes, Labels: labels, Mean: mean, Std: std, floats: pixels}
	if err := s.check(len(pixels)); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Set) check(npix int) error {
	if s.C <= 0 || s.H <= 0 || s.W <= 0 || s.Classes <= 0 {
		return fmt.Errorf("data: set %q: bad shape %d×%d×%d or class count %d", s.Name, s.C, s.H, s.W, s.Classes)
	}
	if npix != s.Len()*s.imageSize() {
		return fmt.Errorf("data: set %q: %d pixel values for %d images of %d×%d×%d", s.Name, npix, s.Len(), s.C, s.H, s.W)
	}
	if !(s.Std > 0) || math.IsInf(s.Std, 0) || math.IsNaN(s.Mean) {
		return fmt.Errorf("data: set %q: bad normalisation mean %v std %v", s.Name, s.Mean, s.Std)
	}
	if s.ChannelMean != nil || s.ChannelStd != nil {
		if len(s.ChannelMean) != s.C || len(s.ChannelStd) != s.C {
			return fmt.Errorf("data: set %q: %d channel means and %d channel stds for %d channels", s.Name, len(s.ChannelMean), len(s.ChannelStd), s.C)
		}
		for c := range s.C {
			if m, sd := s.ChannelMean[c], s.ChannelStd[c]; !(sd > 0) || math.IsInf(sd, 0) || math.IsNaN(m) || math.IsInf(m, 0) {
				return fmt.Errorf("data: set %q: bad normalisation of channel %d: mean %v std %v", s.Name, c, m, sd)
			}
		}
	}
	for i, l := range s.Labels {
		if l < 0 || l >= s.Classes {
			return fmt.Errorf("data: set %q: image %d has label %d, outside 0..%d", s.Name, i, l, s.Classes-1)
		}
	}
	return nil
}

// Subset returns k images chosen at random, in the order of a permutation
// drawn from seed; the same seed gives the same subset. If k <= 0 or k >=
// s.Len(), Subset returns s itself. The subset has its own copy of the
// pixels.
func (s *Set) Subset(k int, seed uint64) *Set {
	if k <= 0 || k >= s.Len() {
		return s
	}
	return s.Pick(SubsetIndices(s.Len(), k, seed))
}

// SubsetIndices returns the indices of the images [Set.Subset] picks from a
// set of n images: the first k of a permutation of 0..n-1 drawn from seed.
func SubsetIndices(n, k int, seed uint64) []int {
	return rand.New(rand.NewPCG(seed, 0x73756273657421)).Perm(n)[:k:k]
}

// Pick returns the images with the given indices, in that order, as a new
// set.
func (s *Set) Pick(idx []int) *Set {
	sub := *s
	size := s.imageSize()
	sub.Labels = make([]int, len(idx))
	if s.bytes != nil {
		sub.bytes = make([]uint8, 0, len(idx)*size)
	} else {
		sub.floats = make([]float32, 0, len(idx)*size)
	}
	for j, i := range idx {
		sub.Labels[j] = s.Labels[i]
		if s.bytes != nil {
			sub.bytes = append(sub.bytes, s.bytes[i*size:(i+1)*size]...)
		} else {
			sub.floats = append(sub.floats, s.floats[i*size:(i+1)*size]...)
		}
	}
	return &sub
}

// norm returns the mean and standard deviation that normalise channel c.
func (s *Set) norm(c int) (mean, std float64) {
	if s.ChannelMean != nil {
		return s.ChannelMean[c], s.ChannelStd[c]
	}
	return s.Mean, s.Std
}

// Split divides s into two disjoint sets: held holds k images chosen at
// random by a permutation drawn from seed, rest the other s.Len()-k in
// their original order. The same seed gives the same split. Split panics
// unless 0 < k < s.Len().
func (s *Set) Split(k int, seed uint64) (rest, held *Set) {
	if k <= 0 || k >= s.Len() {
		panic(fmt.Sprintf("data: split of %d images from a set of %d", k, s.Len()))
	}
	heldIdx, restIdx := SplitIndices(s.Len(), k, seed)
	return s.Pick(restIdx), s.Pick(heldIdx)
}

// SplitIndices returns the indices [Set.Split] uses: k indices of 0..n-1 in
// the order of a permutation drawn from seed, and the other n-k in
// increasing order.
func SplitIndices(n, k int, seed uint64) (held, rest []int) {
	perm := rand.New(rand.NewPCG(seed, 0x73706c6974)).Perm(n)
	held = perm[:k:k]
	in := make([]bool, n)
	for _, i := range held {
		in[i] = true
	}
	rest = make([]int, 0, n-k)
	for i := range n {
		if !in[i] {
			rest = append(rest, i)
		}
	}
	return held, rest
}

// Float is the element type of a batch.
type Float interface{ ~float32 | ~float64 }

// Fill writes the normalised images idx of s into x (len(idx)·C·H·W values,
// NCHW) and, if onehot is not nil, their one-hot labels into onehot
// (len(idx)·Classes values). It panics if a buffer is too short.
func Fill[T Float](s *Set, idx []int, x, onehot []T) {
	size := s.imageSize()
	x = x[:len(idx)*size]
	plane := size / s.C
	for c := range s.C {
		mean, std := s.norm(c)
		if s.bytes != nil {
			// A table turns the byte straight into the normalised value.
			var table [256]T
			for v := range table {
				table[v] = T((float64(v)/255 - mean) / std)
			}
			for j, i := range idx {
				dst := x[j*size+c*plane : j*size+(c+1)*plane]
				for k, v := range s.bytes[i*size+c*plane : i*size+(c+1)*plane] {
					dst[k] = table[v]
				}
			}
		} else {
			inv := 1 / std
			for j, i := range idx {
				dst := x[j*size+c*plane : j*size+(c+1)*plane]
				for k, v := range s.floats[i*size+c*plane : i*size+(c+1)*plane] {
					dst[k] = T((float64(v) - mean) * inv)
				}
			}
		}
	}
	if onehot != nil {
		onehot = onehot[:len(idx)*s.Classes]
		clear(onehot)
		for j, i := range idx {
			onehot[j*s.Classes+s.Labels[i]] = 1
		}
	}
}

// Batches deals a set's image indices out in batches: every epoch visits
// the images in a new order drawn from the seed and the epoch number, and
// drops the last incomplete batch.
type Batches struct {
	n, size int
	seed    uint64
	epoch   int
	pos     int
	order   []int
}

// NewBatches returns batches of size images from a set of n images. It
// panics unless 0 < size <= n.
func NewBatches(n, size int, seed uint64) *Batches {
	if size <= 0 || size > n {
		panic(fmt.Sprintf("data: batches of %d from %d images", size, n))
	}
	b := &Batches{n: n, size: size, seed: seed, epoch: -1}
	b.pos = n // start a new epoch at the first Next
	return b
}

// PerEpoch returns the number of batches in an epoch.
func (b *Batches) PerEpoch() int { return b.n / b.size }

// Next returns the indices of the next batch and the epoch it belongs to,
// counting from 0. The slice is reused by the next call.
func (b *Batches) Next() (idx []int, epoch int) {
	if b.pos+b.size > b.n {
		b.epoch++
		b.pos = 0
		b.order = Permutation(b.n, b.seed, b.epoch)
	}
	idx = b.order[b.pos : b.pos+b.size]
	b.pos += b.size
	return idx, b.epoch
}

// Permutation returns the order in which epoch visits n images under seed.
func Permutation(n int, seed uint64, epoch int) []int {
	return rand.New(rand.NewPCG(seed, uint64(epoch)^0x65706f6368)).Perm(n)
}
