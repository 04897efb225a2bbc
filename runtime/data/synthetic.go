package data

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Synthetic returns n images of c×h×w in classes classes, labelled 0, 1, 2,
// ... in turn. Image i of class k is a sinusoidal grating whose orientation
// (k·180°/classes) and period (3 or 5 pixels, alternating with k) identify
// the class, with a random phase and channel gains in [0.5, 1.5], plus
// Gaussian noise of standard deviation 1. The class patterns do not depend
// on seed, so sets made with different seeds (a training and a test set)
// come from the same distribution. A small convolutional network learns it
// in a few hundred steps. Synthetic panics unless all sizes are positive.
func Synthetic(n, c, h, w, classes int, seed uint64) *Set {
	if n <= 0 || c <= 0 || h <= 0 || w <= 0 || classes <= 0 {
		panic(fmt.Sprintf("data: Synthetic(%d, %d, %d, %d, %d): sizes must be positive", n, c, h, w, classes))
	}
	rng := rand.New(rand.NewPCG(seed, 0x73796e7468))
	size := c * h * w
	pix := make([]float32, n*size)
	labels := make([]int, n)
	for i := range n {
		k := i % classes
		labels[i] = k
		theta := math.Pi * float64(k) / float64(classes)
		period := 3.0 + 2*float64(k%2)
		fx, fy := 2*math.Pi/period*math.Cos(theta), 2*math.Pi/period*math.Sin(theta)
		phase := 2 * math.Pi * rng.Float64()
		img := pix[i*size : (i+1)*size]
		for ch := range c {
			gain := 0.5 + rng.Float64()
			for y := range h {
				for x := range w {
					v := gain*math.Cos(fx*float64(x)+fy*float64(y)+phase) + rng.NormFloat64()
					img[(ch*h+y)*w+x] = float32(v)
				}
			}
		}
	}
	s, err := NewFloats("synthetic", c, h, w, classes, pix, labels, 0, 1)
	if err != nil {
		panic(err) // unreachable: the sizes were checked
	}
	return s
}
