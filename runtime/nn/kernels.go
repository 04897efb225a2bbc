package nn

import (
	"math"
	"runtime"
	"sync"
)

// float is the element type of the kernels.
type float interface{ float32 | float64 }

// parallel calls f(lo, hi) on consecutive ranges covering [0, n), one range
// per worker (at most GOMAXPROCS), and waits. Each index is handled by
// exactly one call.
func parallel(n int, f func(lo, hi int)) {
	parallelW(n, func(_, lo, hi int) { f(lo, hi) })
}

// parallelW is parallel that also passes the worker number, in
// [0, GOMAXPROCS), for per-worker scratch memory.
func parallelW(n int, f func(worker, lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		if n > 0 {
			f(0, 0, n)
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w, lo, hi)
		}()
	}
	wg.Wait()
}

// geom is the geometry of a convolution.
type geom struct {
	n, c, h, w     int // input
	o, oh, ow      int // output channels and size
	k, stride, pad int
	dil            int // dilation; 0 means 1
}

// d returns the dilation.
func (g geom) d() int { return max(g.dil, 1) }

func (g geom) p() int  { return g.oh * g.ow }     // output positions per image
func (g geom) kk() int { return g.c * g.k * g.k } // rows of the column matrix

// im2col writes the patches of image x (C×H×W) into the columns
// [off, off+P) of col, a (C·K·K)×ld matrix: row (c, ki, kj), column
// off + i·OW + j holds x[c, i·S+ki·D−pad, j·S+kj·D−pad] (D the
// dilation), or 0 outside the image.
func im2col[T float](g geom, x []T, col []T, ld, off int) {
	for rr := range g.kk() {
		im2colRow(g, x, rr, col[rr*ld+off:rr*ld+off+g.p()])
	}
}

// im2colRow writes row rr = (c·K + ki)·K + kj of image x's column matrix
// into dst (P values).
func im2colRow[T float](g geom, x []T, rr int, dst []T) {
	c, ki, kj := rr/(g.k*g.k), rr/g.k%g.k*g.d(), rr%g.k*g.d()
	img := x[c*g.h*g.w : (c+1)*g.h*g.w]
	// Columns j with 0 <= j·S+kj−pad < W.
	j0, j1 := validRange(g.ow, g.w, g.stride, kj-g.pad)
	for i := 0; i < g.oh; i++ {
		d := dst[i*g.ow : (i+1)*g.ow]
		r := i*g.stride + ki - g.pad
		if r < 0 || r >= g.h {
			clear(d)
			continue
		}
		src := img[r*g.w : (r+1)*g.w]
		clear(d[:j0])
		clear(d[j1:])
		if g.stride == 1 {
			copy(d[j0:j1], src[j0+kj-g.pad:])
		} else {
			for j := j0; j < j1; j++ {
				d[j] = src[j*g.stride+kj-g.pad]
			}
		}
	}
}

// col2im adds the columns [off, off+P) of col back into image dx (C×H×W),
// the adjoint of im2col.
func col2im[T float](g geom, col []T, ld, off int, dx []T) {
	for c := 0; c < g.c; c++ {
		img := dx[c*g.h*g.w : (c+1)*g.h*g.w]
		for ki0 := 0; ki0 < g.k; ki0++ {
			for kj0 := 0; kj0 < g.k; kj0++ {
				row := col[((c*g.k+ki0)*g.k+kj0)*ld+off:]
				ki, kj := ki0*g.d(), kj0*g.d()
				j0, j1 := validRange(g.ow, g.w, g.stride, kj-g.pad)
				for i := 0; i < g.oh; i++ {
					r := i*g.stride + ki - g.pad
					if r < 0 || r >= g.h {
						continue
					}
					src := row[i*g.ow : (i+1)*g.ow]
					dst := img[r*g.w : (r+1)*g.w]
					if g.stride == 1 {
						d := dst[j0+kj-g.pad : j1+kj-g.pad]
						for j, v := range src[j0:j1] {
							d[j] += v
						}
					} else {
						for j := j0; j < j1; j++ {
							dst[j*g.stride+kj-g.pad] += src[j]
						}
					}
				}
			}
		}
	}
}

// validRange returns the output columns j in [0, ow) for which
// j·stride+shift lies in [0, w), as [j0, j1).
func validRange(ow, w, stride, shift int) (j0, j1 int) {
	j0 = 0
	if shift < 0 {
		j0 = (-shift + stride - 1) / stride
	}
	// largest j with j·stride+shift <= w−1
	j1 = 0
	if last := w - 1 - shift; last >= 0 {
		j1 = last/stride + 1
	}
	j1 = min(j1, ow)
	j0 = min(j0, j1)
	return j0, j1
}

// workspace is scratch memory shared by the ops of one graph: a tape
// machine runs ops one at a time, so they can share it. Each worker of a
// parallel loop has its own slots.
type workspace struct {
	mu   sync.Mutex
	f32  [][nslots][]float32 // by worker
	f64  [][nslots][]float64
	ints [nslots][]int // not by worker: filled before a parallel loop, then only read
}

const nslots = 6

// scratch returns slot i of worker w's scratch with n elements (contents
// undefined).
func scratch[T float](ws *workspace, w, i, n int) []T {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	var zero T
	switch any(zero).(type) {
	case float32:
		for len(ws.f32) <= w {
			ws.f32 = append(ws.f32, [nslots][]float32{})
		}
		if cap(ws.f32[w][i]) < n {
			ws.f32[w][i] = make([]float32, n)
		}
		return any(ws.f32[w][i][:n]).([]T)
	default:
		for len(ws.f64) <= w {
			ws.f64 = append(ws.f64, [nslots][]float64{})
		}
		if cap(ws.f64[w][i]) < n {
			ws.f64[w][i] = make([]float64, n)
		}
		return any(ws.f64[w][i][:n]).([]T)
	}
}

// intScratch returns integer slot i with n elements (contents undefined).
func intScratch(ws *workspace, i, n int) []int {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if cap(ws.ints[i]) < n {
		ws.ints[i] = make([]int, n)
	}
	return ws.ints[i][:n]
}

// direct reports whether the convolution is a plain matrix product on each
// image (1×1, stride 1, no padding), whose column matrix is the image itself.
func (g geom) direct() bool { return g.k == 1 && g.stride == 1 && g.pad == 0 }

// convForward computes y (N×O×OH×OW) = conv(x, w), image by image: for
// stride 1 as an implicit product (implicitConv), otherwise as
// y_b = w·col_b with col_b = im2col(x_b), (C·K·K)×P, in the worker's scratch.
func convForward[T float](g geom, ws *workspace, x, w, y []T) {
	if g.implicit() {
		implicitConv(g, ws, w, x, y)
		return
	}
	kk, p, chw, op := g.kk(), g.p(), g.c*g.h*g.w, g.o*g.p()
	pw := packWeights(ws, false, g.o, kk, w, kk)
	parallelW(g.n, func(wk, lo, hi int) {
		col := scratch[T](ws, wk, 0, kk*p)
		for b := lo; b < hi; b++ {
			xb := x[b*chw : (b+1)*chw]
			c := col
			if g.direct() {
				c = xb
			} else {
				im2col(g, xb, col, p, 0)
			}
			mmWeights(pw, false, g.o, p, kk, w, kk, c, p, y[b*op:(b+1)*op], p)
		}
	})
}

// convGradX computes dx, the gradient of the input, from dy. For stride 1
// it is the convolution of dy with the flipped, transposed weights
// (implicitConv); otherwise, image by image, dcol_b = wᵀ·dy_b, then
// dx_b = col2im(dcol_b).
func convGradX[T float](g geom, ws *workspace, w, dy, dx []T) {
	if g.implicit() && g.pad <= g.d()*(g.k-1) {
		// dx = conv(dy, w') with w'[c, o, ki, kj] = w[o, c, K−1−ki, K−1−kj]
		// and padding D·(K−1) − pad, which gives back H×W.
		t := geom{n: g.n, c: g.o, h: g.oh, w: g.ow, o: g.c, oh: g.h, ow: g.w,
			k: g.k, stride: 1, pad: g.d()*(g.k-1) - g.pad, dil: g.dil}
		k2 := g.k * g.k
		wf := scratch[T](ws, 0, 4, len(w))
		for o := range g.o {
			for c := range g.c {
				src := w[(o*g.c+c)*k2 : (o*g.c+c+1)*k2]
				dst := wf[(c*g.o+o)*k2 : (c*g.o+o+1)*k2]
				for i, v := range src {
					dst[k2-1-i] = v
				}
			}
		}
		implicitConv(t, ws, wf, dy, dx)
		return
	}
	kk, p, chw, op := g.kk(), g.p(), g.c*g.h*g.w, g.o*g.p()
	pw := packWeights(ws, true, kk, g.o, w, kk)
	parallelW(g.n, func(wk, lo, hi int) {
		dcol := scratch[T](ws, wk, 0, kk*p)
		for b := lo; b < hi; b++ {
			dxb := dx[b*chw : (b+1)*chw]
			if g.direct() {
				mmWeights(pw, true, kk, p, g.o, w, kk, dy[b*op:(b+1)*op], p, dxb, p)
				continue
			}
			mmWeights(pw, true, kk, p, g.o, w, kk, dy[b*op:(b+1)*op], p, dcol, p)
			clear(dxb)
			col2im(g, dcol, p, 0, dxb)
		}
	})
}

// im2colPacked is im2col for one image written in packA's layout (strips
// of mr rows, P steps each, rows past C·K·K zero), ready for sgemmPacked:
// each strip's rows are made in tmp (mr·P values), then interleaved.
func im2colPacked(g geom, x []float32, pack, tmp []float32) {
	p, kk := g.p(), g.kk()
	t := tmp[:mr*p]
	for s := 0; s*mr < kk; s++ {
		rows := min(mr, kk-s*mr)
		for r := range rows {
			im2colRow(g, x, s*mr+r, t[r*p:(r+1)*p])
		}
		clear(t[rows*p:])
		interleave6(t, p, pack[s*mr*p:(s+1)*mr*p])
	}
}

// interleave6 writes dst[l·6+r] = t[r·p+l] for the six rows of t.
func interleave6(t []float32, p int, dst []float32) {
	t0, t1, t2 := t[0*p:1*p], t[1*p:2*p], t[2*p:3*p]
	t3, t4, t5 := t[3*p:4*p], t[4*p:5*p], t[5*p:6*p]
	dst = dst[:6*p]
	for l := range t0 {
		d := dst[l*6 : l*6+6 : l*6+6]
		d[0], d[1], d[2], d[3], d[4], d[5] = t0[l], t1[l], t2[l], t3[l], t4[l], t5[l]
	}
}

// gradGroups is the number of groups of images whose weight gradients are
// summed separately, then added in order. It is fixed, not GOMAXPROCS, so
// that training gives the same numbers whatever the thread count.
const gradGroups = 8

// convGradW computes dw, the gradient of the weight, from x and dy:
// dwᵀ = Σ_b col_b·dy_bᵀ, with col_b = im2col(x_b), (C·K·K)×P, and dy_bᵀ
// the image's gradient as P×O.
func convGradW[T float](g geom, ws *workspace, x, dy, dw []T) {
	if x32, ok := any(x).([]float32); ok && useKernel && g.implicit() {
		convGradWImplicit(g, ws, x32, any(dy).([]float32), any(dw).([]float32))
		return
	}
	kk, p, chw, op := g.kk(), g.p(), g.c*g.h*g.w, g.o*g.p()
	groups := min(g.n, gradGroups)
	size := kk * g.o
	parts := scratch[T](ws, 0, 3, groups*size) // slot 3 of worker 0: no worker uses it in the loop
	parallelW(groups, func(wk, lo, hi int) {
		col := scratch[T](ws, wk, 0, max(kk, mr)*p) // also im2colPacked's mr rows
		dyt := scratch[T](ws, wk, 1, p*g.o)
		for grp := lo; grp < hi; grp++ {
			part := parts[grp*size : (grp+1)*size]
			first := grp * g.n / groups
			for b := first; b < (grp+1)*g.n/groups; b++ {
				for o := 0; o < g.o; o++ {
					for i, v := range dy[b*op+o*p : b*op+(o+1)*p] {
						dyt[i*g.o+o] = v
					}
				}
				xb := x[b*chw : (b+1)*chw]
				if x32, ok := any(xb).([]float32); ok && useKernel {
					// Write the column matrix straight in the kernel's packed
					// layout: no separate packing pass.
					pack := scratch[float32](ws, wk, 2, (kk+mr-1)/mr*mr*p)
					if g.direct() {
						packA(false, x32, p, 0, kk, 0, p, pack)
					} else {
						im2colPacked(g, x32, pack, any(col).([]float32))
					}
					sgemmPacked(pack, kk, g.o, p, any(dyt).([]float32), g.o, b != first, any(part).([]float32), g.o)
					continue
				}
				c := col
				if g.direct() {
					c = xb
				} else {
					im2col(g, xb, col, p, 0)
				}
				mmSerial(false, kk, g.o, p, c, p, dyt, g.o, b != first, part, g.o)
			}
		}
	})
	for r := 0; r < kk; r++ {
		for o := 0; o < g.o; o++ {
			dw[o*kk+r] = parts[r*g.o+o]
		}
	}
	for grp := 1; grp < groups; grp++ {
		part := parts[grp*size : (grp+1)*size]
		for r := 0; r < kk; r++ {
			for o := 0; o < g.o; o++ {
				dw[o*kk+r] += part[r*g.o+o]
			}
		}
	}
}

// bnForward runs a bnOp over x (n·c·s values, channel-major within each
// image), writing y and, in training mode, the batch statistics into op and
// the running statistics rm, rv.
func bnForward[T float](op *bnOp, x, gamma, beta, y, rm, rv []T, n, c, s int) {
	m := float64(n * s)
	parallel(c, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			var mean, invstd float64
			if op.train {
				var variance float64
				if x32, ok := any(x).([]float32); ok {
					mean, variance = moments32(x32, n, c, s, ch)
				}
				if _, ok := any(x).([]float32); !ok || !finite(mean) || !finite(variance) {
					// float64, or squares beyond float32's range
					mean, variance = moments(x, n, c, s, ch)
				}
				invstd = 1 / math.Sqrt(variance+op.eps)
				unbiased := variance
				if m > 1 {
					unbiased = variance * m / (m - 1)
				}
				rm[ch] = T((1-op.momentum)*float64(rm[ch]) + op.momentum*mean)
				rv[ch] = T((1-op.momentum)*float64(rv[ch]) + op.momentum*unbiased)
			} else {
				mean = float64(rm[ch])
				invstd = 1 / math.Sqrt(float64(rv[ch])+op.eps)
			}
			op.mean[ch], op.invstd[ch] = mean, invstd
			scale := float64(gamma[ch]) * invstd
			shift := float64(beta[ch]) - mean*scale
			for b := 0; b < n; b++ {
				dst := y[(b*c+ch)*s : (b*c+ch+1)*s]
				src := x[(b*c+ch)*s : (b*c+ch+1)*s]
				if x32, ok := any(src).([]float32); ok {
					affine32(x32, any(dst).([]float32), float32(scale), float32(shift))
					continue
				}
				for i, v := range src {
					dst[i] = T(float64(v)*scale + shift)
				}
			}
		}
	})
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// moments returns the mean and the biased variance of channel ch of x
// (two passes, float64).
func moments[T float](x []T, n, c, s, ch int) (mean, variance float64) {
	var sum float64
	for b := 0; b < n; b++ {
		for _, v := range x[(b*c+ch)*s : (b*c+ch+1)*s] {
			sum += float64(v)
		}
	}
	m := float64(n * s)
	mean = sum / m
	var ss float64
	for b := 0; b < n; b++ {
		for _, v := range x[(b*c+ch)*s : (b*c+ch+1)*s] {
			d := float64(v) - mean
			ss += d * d
		}
	}
	return mean, ss / m
}

// moments32 is moments for float32 in one pass: sums of v − p and its
// square, with p the channel's first value (a shift that keeps the
// variance from cancelling), in float32 lanes within a row of s values
// (eight AVX lanes, or four in Go) and float64 across rows.
func moments32(x []float32, n, c, s, ch int) (mean, variance float64) {
	p := x[ch*s]
	var sum, ss float64
	for b := 0; b < n; b++ {
		xs := x[(b*c+ch)*s : (b*c+ch+1)*s]
		i := 0
		if useKernel && len(xs) >= 8 {
			var out [16]float32
			i = len(xs) &^ 7
			moments8(&xs[0], i, p, &out)
			for l := range 8 {
				sum, ss = sum+float64(out[l]), ss+float64(out[8+l])
			}
		}
		var s0, s1, s2, s3, q0, q1, q2, q3 float32
		for ; i+4 <= len(xs); i += 4 {
			d0, d1, d2, d3 := xs[i]-p, xs[i+1]-p, xs[i+2]-p, xs[i+3]-p
			s0, s1, s2, s3 = s0+d0, s1+d1, s2+d2, s3+d3
			q0, q1, q2, q3 = q0+d0*d0, q1+d1*d1, q2+d2*d2, q3+d3*d3
		}
		for ; i < len(xs); i++ {
			d := xs[i] - p
			s0, q0 = s0+d, q0+d*d
		}
		sum += float64(s0) + float64(s1) + float64(s2) + float64(s3)
		ss += float64(q0) + float64(q1) + float64(q2) + float64(q3)
	}
	m := float64(n * s)
	d := sum / m
	return float64(p) + d, max(ss/m-d*d, 0)
}

// affine32 sets y = x·scale + shift.
func affine32(x, y []float32, scale, shift float32) {
	y = y[:len(x)]
	i := 0
	if useKernel && len(x) >= 8 {
		i = len(x) &^ 7
		affine8(&x[0], &y[0], i, scale, shift)
	}
	for ; i < len(x); i++ {
		y[i] = x[i]*scale + shift
	}
}

// bnSums computes, per channel, Σ dy and Σ dy·x̂ with x̂ = (x − μ)·invstd,
// once per forward run: the three gradient ops of a bnOp all need them.
func bnSums[T float](op *bnOp, x, dy []T, n, c, s int) {
	if op.sumsGen == op.gen && len(op.sdy) == c {
		return
	}
	if len(op.sdy) != c {
		op.sdy, op.sdyx = make([]float64, c), make([]float64, c)
	}
	parallel(c, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			mean := op.mean[ch]
			var sdy, sdyx float64
			if _, ok := any(x).([]float32); ok {
				for b := 0; b < n; b++ {
					xs := any(x[(b*c+ch)*s : (b*c+ch+1)*s]).([]float32)
					a, ax := dsums32(xs, any(dy[(b*c+ch)*s:(b*c+ch+1)*s]).([]float32), float32(mean))
					sdy, sdyx = sdy+a, sdyx+ax
				}
			}
			if _, ok := any(x).([]float32); !ok || !finite(sdy) || !finite(sdyx) {
				// float64, or products beyond float32's range
				sdy, sdyx = 0, 0
				for b := 0; b < n; b++ {
					xs := x[(b*c+ch)*s : (b*c+ch+1)*s]
					for i, g := range dy[(b*c+ch)*s : (b*c+ch+1)*s] {
						sdy += float64(g)
						sdyx += float64(g) * (float64(xs[i]) - mean)
					}
				}
			}
			op.sdy[ch], op.sdyx[ch] = sdy, sdyx*op.invstd[ch]
		}
	})
	op.sumsGen = op.gen
}

// bnBackward computes one gradient of a bnOp (what: bnDX, bnDScale or
// bnDBias) into out, from x, γ and dy, with x̂ = (x − μ)·invstd:
//
//	dβ = Σ dy,  dγ = Σ dy·x̂,
//	dx = γ·invstd·(dy − dβ/M − x̂·dγ/M) in training mode, γ·invstd·dy in eval mode.
func bnBackward[T float](op *bnOp, what int, x, gamma, dy, out []T, n, c, s int) {
	// Always, also for dx in eval mode: the dγ and dβ ops read the sums,
	// and dx may be written over dy.
	bnSums(op, x, dy, n, c, s)
	switch what {
	case bnDBias:
		for ch := range c {
			out[ch] = T(op.sdy[ch])
		}
		return
	case bnDScale:
		for ch := range c {
			out[ch] = T(op.sdyx[ch])
		}
		return
	}
	m := float64(n * s)
	parallel(c, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			mean, invstd := op.mean[ch], op.invstd[ch]
			k := float64(gamma[ch]) * invstd
			var a, bx float64 // dx = k·dy − a − bx·(x − μ)
			if op.train {
				a = k * op.sdy[ch] / m
				bx = k * op.sdyx[ch] / m * invstd
			}
			for b := 0; b < n; b++ {
				xs := x[(b*c+ch)*s : (b*c+ch+1)*s]
				dst := out[(b*c+ch)*s : (b*c+ch+1)*s]
				if x32, ok := any(xs).([]float32); ok {
					bnDX32(x32, any(dy[(b*c+ch)*s:(b*c+ch+1)*s]).([]float32), any(dst).([]float32),
						float32(k), float32(a), float32(bx), float32(mean))
					continue
				}
				for i, g := range dy[(b*c+ch)*s : (b*c+ch+1)*s] {
					dst[i] = T(k*float64(g) - a - bx*(float64(xs[i])-mean))
				}
			}
		}
	})
}

// dsums32 returns Σ dy and Σ dy·(x − mean) in float32 lanes (eight AVX
// lanes, or four in Go).
func dsums32(x, dy []float32, mean float32) (sdy, sdyx float64) {
	dy = dy[:len(x)]
	i := 0
	if useKernel && len(x) >= 8 {
		var out [16]float32
		i = len(x) &^ 7
		dsums8(&x[0], &dy[0], i, mean, &out)
		for l := range 8 {
			sdy, sdyx = sdy+float64(out[l]), sdyx+float64(out[8+l])
		}
	}
	var s0, s1, s2, s3, q0, q1, q2, q3 float32
	for ; i+4 <= len(x); i += 4 {
		g0, g1, g2, g3 := dy[i], dy[i+1], dy[i+2], dy[i+3]
		s0, s1, s2, s3 = s0+g0, s1+g1, s2+g2, s3+g3
		q0, q1 = q0+g0*(x[i]-mean), q1+g1*(x[i+1]-mean)
		q2, q3 = q2+g2*(x[i+2]-mean), q3+g3*(x[i+3]-mean)
	}
	for ; i < len(x); i++ {
		s0, q0 = s0+dy[i], q0+dy[i]*(x[i]-mean)
	}
	sdy += float64(s0) + float64(s1) + float64(s2) + float64(s3)
	sdyx += float64(q0) + float64(q1) + float64(q2) + float64(q3)
	return sdy, sdyx
}

// bnDX32 sets dx = k·dy − a − bx·(x − mean).
func bnDX32(x, dy, dx []float32, k, a, bx, mean float32) {
	dy, dx = dy[:len(x)], dx[:len(x)]
	i := 0
	if useKernel && len(x) >= 8 {
		i = len(x) &^ 7
		bnDX8(&x[0], &dy[0], &dx[0], i, k, a, bx, mean)
	}
	for ; i < len(x); i++ {
		dx[i] = k*dy[i] - a - bx*(x[i]-mean)
	}
}

// elementwiseChunk is the number of elements a worker takes at a time in
// element-wise loops.
const elementwiseChunk = 1 << 14

// relu sets y = max(x, 0).
func relu[T float](x, y []T) {
	y = y[:len(x)]
	parallel((len(x)+elementwiseChunk-1)/elementwiseChunk, func(lo, hi int) {
		lo, hi = lo*elementwiseChunk, min(hi*elementwiseChunk, len(x))
		if x32, ok := any(x[lo:hi]).([]float32); ok {
			relu32(x32, any(y[lo:hi]).([]float32))
			return
		}
		for i, v := range x[lo:hi] {
			y[lo+i] = max(v, 0)
		}
	})
}

// relu32 is relu's float32 loop, in AVX where there is: NaN stays NaN (a
// NaN loss must show), −0 stays −0.
func relu32(x, y []float32) {
	y = y[:len(x)]
	i := 0
	if useKernel && len(x) >= 8 {
		i = len(x) &^ 7
		relu8(&x[0], &y[0], i)
	}
	for ; i < len(x); i++ {
		v := x[i]
		if v < 0 {
			v = 0
		}
		y[i] = v
	}
}

// reluGrad sets dx = dy where y > 0, else 0.
func reluGrad[T float](y, dy, dx []T) {
	dy, dx = dy[:len(y)], dx[:len(y)]
	parallel((len(y)+elementwiseChunk-1)/elementwiseChunk, func(lo, hi int) {
		lo, hi = lo*elementwiseChunk, min(hi*elementwiseChunk, len(y))
		if y32, ok := any(y[lo:hi]).([]float32); ok {
			reluGrad32(y32, any(dy[lo:hi]).([]float32), any(dx[lo:hi]).([]float32))
			return
		}
		for i, v := range y[lo:hi] {
			if v > 0 {
				dx[lo+i] = dy[lo+i]
			} else {
				dx[lo+i] = 0
			}
		}
	})
}

// reluGrad32 is reluGrad's float32 loop, in AVX where there is: a
// compare and a mask instead of a branch, which half of the values would
// mispredict.
func reluGrad32(y, dy, dx []float32) {
	dy, dx = dy[:len(y)], dx[:len(y)]
	i := 0
	if useKernel && len(y) >= 8 {
		i = len(y) &^ 7
		reluGrad8(&y[0], &dy[0], &dx[0], i)
	}
	for ; i < len(y); i++ {
		b := math.Float32bits(dy[i])
		if !(y[i] > 0) {
			b = 0
		}
		dx[i] = math.Float32frombits(b)
	}
}
