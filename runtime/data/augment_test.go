package data

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// byteSet returns n byte images of c×h×w (no zero pixels, so that padding
// is told apart) normalised per channel.
func byteSet(t *testing.T, n, c, h, w int) *Set {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	pix := make([]uint8, n*c*h*w)
	for i := range pix {
		pix[i] = uint8(1 + rng.IntN(255))
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i % 3
	}
	s, err := NewBytes("bytes", c, h, w, 3, pix, labels, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	s.ChannelMean, s.ChannelStd = []float64{0.49, 0.48, 0.45}[:c], []float64{0.25, 0.24, 0.26}[:c]
	return s
}

// floatSet returns n float images with one mean and std for all channels.
func floatSet(t *testing.T, n, c, h, w int) *Set {
	t.Helper()
	s := Synthetic(n, c, h, w, 3, 5)
	s.Mean, s.Std = 0.3, 1.7
	return s
}

// reference augments the raw images idx of s the naive way, drawing from
// rng as Augment does: pad each raw image with zeros, crop, flip, then
// normalise (through a new set holding the raw augmented images, which
// Fill normalises).
func reference[T Float](t *testing.T, s *Set, idx []int, pad int, flip bool, rng *rand.Rand) []T {
	t.Helper()
	h, w := s.H, s.W
	ph, pw := h+2*pad, w+2*pad
	size := s.imageSize()
	var outB []uint8
	var outF []float32
	for _, i := range idx {
		dy, dx := pad, pad
		if pad > 0 {
			dy, dx = rng.IntN(2*pad+1), rng.IntN(2*pad+1)
		}
		mirror := flip && rng.IntN(2) == 1
		for c := range s.C {
			padded := make([]float64, ph*pw) // zero (black) border
			for y := range h {
				for x := range w {
					k := i*size + (c*h+y)*w + x
					if s.bytes != nil {
						padded[(y+pad)*pw+x+pad] = float64(s.bytes[k])
					} else {
						padded[(y+pad)*pw+x+pad] = float64(s.floats[k])
					}
				}
			}
			crop := make([]float64, h*w)
			for y := range h {
				for x := range w {
					crop[y*w+x] = padded[(y+dy)*pw+x+dx]
				}
			}
			if mirror {
				for y := range h {
					slices.Reverse(crop[y*w : (y+1)*w])
				}
			}
			for _, v := range crop {
				if s.bytes != nil {
					outB = append(outB, uint8(v))
				} else {
					outF = append(outF, float32(v))
				}
			}
		}
	}
	raw := *s
	raw.Labels = make([]int, len(idx))
	raw.bytes, raw.floats = outB, outF
	all := make([]int, len(idx))
	for j := range all {
		all[j] = j
	}
	x := make([]T, len(idx)*size)
	Fill(&raw, all, x, nil)
	return x
}

func testAugmentReference[T Float](t *testing.T, s *Set) {
	idx := []int{7, 0, 3, 3, 12, 5, 9, 1, 14, 2, 11, 6}
	size := s.imageSize()
	for _, pad := range []int{0, 1, 2, 3} {
		for _, flip := range []bool{false, true} {
			x := make([]T, len(idx)*size+5) // longer than the batch: the tail stays
			Fill(s, idx, x, nil)
			tail := slices.Clone(x[len(idx)*size:])
			Augment(s, x, len(idx), pad, flip, rand.New(rand.NewPCG(11, 12)))
			want := reference[T](t, s, idx, pad, flip, rand.New(rand.NewPCG(11, 12)))
			if !slices.Equal(x[:len(idx)*size], want) {
				t.Errorf("%s pad %d flip %v: differs from padding, cropping and flipping the raw images, then normalising", s.Name, pad, flip)
			}
			if !slices.Equal(x[len(idx)*size:], tail) {
				t.Errorf("%s pad %d flip %v: wrote past the batch", s.Name, pad, flip)
			}
		}
	}
}

func TestAugmentReference(t *testing.T) {
	// Non-square images, so that rows and columns are not confused.
	testAugmentReference[float32](t, byteSet(t, 15, 3, 7, 5))
	testAugmentReference[float64](t, byteSet(t, 15, 3, 5, 8))
	testAugmentReference[float32](t, floatSet(t, 15, 2, 6, 9))
	testAugmentReference[float64](t, floatSet(t, 15, 1, 9, 4))
}

// The padding is the normalised black of each channel, and a crop with
// padding moves some images.
func TestAugmentPadsWithNormalisedBlack(t *testing.T) {
	s := byteSet(t, 40, 3, 8, 8)
	idx := make([]int, s.Len())
	for i := range idx {
		idx[i] = i
	}
	size, plane := s.imageSize(), s.H*s.W
	orig := make([]float32, len(idx)*size)
	Fill(s, idx, orig, nil)
	x := slices.Clone(orig)
	Augment(s, x, len(idx), 2, false, rand.New(rand.NewPCG(1, 2)))
	shifted := 0
	for j := range idx {
		if !slices.Equal(x[j*size:(j+1)*size], orig[j*size:(j+1)*size]) {
			shifted++
		}
		for c := range s.C {
			black := float32((0 - s.ChannelMean[c]) / s.ChannelStd[c])
			p := x[j*size+c*plane : j*size+(c+1)*plane]
			// Every pixel is the black of its channel or one of the image's.
			for _, v := range p {
				if v != black && !slices.Contains(orig[j*size+c*plane:j*size+(c+1)*plane], v) {
					t.Fatalf("image %d channel %d: value %v is neither black %v nor from the image", j, c, v, black)
				}
			}
		}
	}
	if shifted < len(idx)/2 {
		t.Errorf("%d of %d images moved by a crop with padding 2", shifted, len(idx))
	}
}

func TestAugmentDeterministic(t *testing.T) {
	s := floatSet(t, 32, 3, 8, 8)
	idx := make([]int, s.Len())
	for i := range idx {
		idx[i] = i
	}
	run := func(seed uint64) []float32 {
		x := make([]float32, len(idx)*s.imageSize())
		Fill(s, idx, x, nil)
		Augment(s, x, len(idx), 1, true, rand.New(rand.NewPCG(seed, 0)))
		return x
	}
	if a, b := run(1), run(1); !slices.Equal(a, b) {
		t.Error("same seed, different batches")
	}
	if a, b := run(1), run(2); slices.Equal(a, b) {
		t.Error("seeds 1 and 2 give the same batch")
	}
}

// Flip alone never shifts: every image is itself or its mirror, and both
// happen.
func TestAugmentFlipOnly(t *testing.T) {
	s := floatSet(t, 64, 2, 5, 6)
	idx := make([]int, s.Len())
	for i := range idx {
		idx[i] = i
	}
	size, w := s.imageSize(), s.W
	orig := make([]float64, len(idx)*size)
	Fill(s, idx, orig, nil)
	x := slices.Clone(orig)
	Augment(s, x, len(idx), 0, true, rand.New(rand.NewPCG(7, 7)))
	same, mirrored := 0, 0
	for j := range idx {
		img, o := x[j*size:(j+1)*size], orig[j*size:(j+1)*size]
		mirror := slices.Clone(o)
		for r := 0; r < len(mirror); r += w {
			slices.Reverse(mirror[r : r+w])
		}
		switch {
		case slices.Equal(img, o):
			same++
		case slices.Equal(img, mirror):
			mirrored++
		default:
			t.Fatalf("image %d is neither itself nor its mirror", j)
		}
	}
	if same == 0 || mirrored == 0 {
		t.Errorf("%d images kept, %d mirrored: want some of each", same, mirrored)
	}
}

func TestAugmentNothing(t *testing.T) {
	s := floatSet(t, 4, 1, 4, 4)
	x := make([]float32, 4*16)
	Fill(s, []int{0, 1, 2, 3}, x, nil)
	orig := slices.Clone(x)
	Augment(s, x, 4, 0, false, nil)
	if !slices.Equal(x, orig) {
		t.Error("no crop and no flip changed the batch")
	}
}

func TestCropPad(t *testing.T) {
	for h, want := range map[int]int{32: 4, 16: 2, 28: 3, 8: 1, 4: 1, 1: 1} {
		if got := CropPad(h); got != want {
			t.Errorf("CropPad(%d) = %d, want %d", h, got, want)
		}
	}
}
