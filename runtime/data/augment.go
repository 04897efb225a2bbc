package data

import (
	"fmt"
	"math/rand/v2"
)

// CropPad returns the padding of the random crop for images of height h:
// h/8 pixels, at least 1 (4 for 32×32, 3 for 28×28, 2 for 16×16).
func CropPad(h int) int { return max(1, h/8) }

// Augment applies data augmentation, in place, to the first n images of x,
// a batch that [Fill] wrote from s (NCHW, C·H·W values an image). For each
// image in turn:
//
//   - if pad > 0, a random crop of H×W pixels out of the image zero-padded
//     by pad pixels on each side: the top offset, then the left one, drawn
//     uniformly from [0, 2·pad] with rng (pad, pad leaves the image as it is);
//   - then, if flip, a horizontal flip with probability 1/2 (one more draw).
//
// A padding pixel of channel c gets the value Fill gives a zero (black)
// pixel there, (0 − mean_c)/std_c with the set's Mean and Std or
// ChannelMean and ChannelStd. The batch is thus exactly what torchvision's
// RandomCrop(padding=pad) and RandomHorizontalFlip on the raw images,
// followed by Normalize, give. The same rng state gives the same batch.
//
// Augment panics if x holds fewer than n images or pad is negative.
func Augment[T Float](s *Set, x []T, n, pad int, flip bool, rng *rand.Rand) {
	if pad < 0 {
		panic(fmt.Sprintf("data: augment with padding %d", pad))
	}
	size := s.imageSize()
	x = x[:n*size]
	if pad == 0 && !flip {
		return
	}
	h, w := s.H, s.W
	plane := h * w
	blank := make([]T, s.C)
	for c := range s.C {
		blank[c] = T(normZero(s, c))
	}
	tmp := make([]T, plane)
	for j := range n {
		oy, ox := 0, 0 // the source pixel of (y, x) is (y+oy, x+ox) before the flip
		if pad > 0 {
			oy = rng.IntN(2*pad+1) - pad
			ox = rng.IntN(2*pad+1) - pad
		}
		mirror := flip && rng.IntN(2) == 1
		if oy == 0 && ox == 0 && !mirror {
			continue
		}
		for c := range s.C {
			p := x[j*size+c*plane : j*size+(c+1)*plane]
			copy(tmp, p)
			for y := range h {
				row := p[y*w : (y+1)*w]
				sy := y + oy
				if sy < 0 || sy >= h {
					for k := range row {
						row[k] = blank[c]
					}
					continue
				}
				src := tmp[sy*w : (sy+1)*w]
				for k := range row {
					sx := k + ox
					if mirror {
						sx = w - 1 - k + ox
					}
					if sx < 0 || sx >= w {
						row[k] = blank[c]
					} else {
						row[k] = src[sx]
					}
				}
			}
		}
	}
}

// normZero returns the normalised value [Fill] gives a zero pixel of
// channel c, computed as Fill computes it.
func normZero(s *Set, c int) float64 {
	mean, std := s.norm(c)
	if s.bytes != nil {
		return (float64(0)/255 - mean) / std
	}
	return (0 - mean) * (1 / std)
}
