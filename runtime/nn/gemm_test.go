package nn

import (
	"fmt"
	"gorgonia.org/tensor"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// naiveMM is the reference for mm.
func naiveMM(transA bool, m, n, k int, a []float64, lda int, b []float64, ldb int, acc bool, c []float64, ldc int) {
	for i := range m {
		for j := range n {
			var s float64
			for l := range k {
				av := a[i*lda+l]
				if transA {
					av = a[l*lda+i]
				}
				s += av * b[l*ldb+j]
			}
			if acc {
				s += c[i*ldc+j]
			}
			c[i*ldc+j] = s
		}
	}
}

func TestMM(t *testing.T) {
	if !haveKernel {
		t.Log("no AVX2/FMA: testing the gonum path only")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, sz := range [][3]int{{1, 1, 1}, {6, 16, 1}, {16, 50, 9}, {7, 33, 300}, {13, 16, 513}, {144, 80, 16}, {5, 3, 700}} {
		for _, transA := range []bool{false, true} {
			for _, acc := range []bool{false, true} {
				for _, kernel := range []bool{false, true} {
					if kernel && !haveKernel {
						continue
					}
					m, n, k := sz[0], sz[1], sz[2]
					name := fmt.Sprintf("%dx%dx%d/trans=%v/acc=%v/kernel=%v", m, n, k, transA, acc, kernel)
					lda, ldb, ldc := k+3, n+2, n+5
					if transA {
						lda = m + 3
					}
					a64 := make([]float64, max(m, k)*lda)
					b64 := make([]float64, k*ldb)
					c64 := make([]float64, m*ldc)
					for _, v := range [][]float64{a64, b64, c64} {
						for i := range v {
							v[i] = float64(float32(rng.NormFloat64()))
						}
					}
					a32, b32, c32 := to32(a64), to32(b64), to32(c64)
					naiveMM(transA, m, n, k, a64, lda, b64, ldb, acc, c64, ldc)
					useKernel = kernel
					mmSerial(transA, m, n, k, a32, lda, b32, ldb, acc, c32, ldc)
					useKernel = haveKernel
					for i := range m {
						for j := range n {
							got, want := float64(c32[i*ldc+j]), c64[i*ldc+j]
							if math.Abs(got-want) > 1e-4*math.Sqrt(float64(k))*(1+math.Abs(want)) {
								t.Fatalf("%s: C[%d,%d] = %v, want %v", name, i, j, got, want)
							}
						}
						// Padding between rows is untouched.
						for j := n; j < ldc && i*ldc+j < len(c32); j++ {
							if float64(c32[i*ldc+j]) != c64[i*ldc+j] {
								t.Fatalf("%s: wrote C[%d,%d] outside the matrix", name, i, j)
							}
						}
					}
				}
			}
		}
	}
}

func to32(v []float64) []float32 {
	w := make([]float32, len(v))
	for i, x := range v {
		w[i] = float32(x)
	}
	return w
}

// TestConvFloat32 checks the float32 convolution (micro-kernel) against
// the float64 one (gonum) on the shapes of a small CNN.
func TestConvFloat32(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, g := range []geom{
		{n: 5, c: 3, h: 9, w: 7, o: 16, k: 3, stride: 1, pad: 1},
		{n: 4, c: 16, h: 8, w: 8, o: 32, k: 3, stride: 2, pad: 1},
		{n: 3, c: 20, h: 6, w: 5, o: 7, k: 1, stride: 1, pad: 0},
		{n: 2, c: 4, h: 11, w: 11, o: 5, k: 5, stride: 2, pad: 2},
		{n: 9, c: 2, h: 7, w: 7, o: 3, k: 1, stride: 2, pad: 0}, // C·K·K < mr
		{n: 3, c: 1, h: 5, w: 6, o: 17, k: 3, stride: 1, pad: 1},
		// stride 1 runs implicitly (implicitConv, convGradWImplicit)
		{n: 2, c: 16, h: 28, w: 28, o: 16, k: 3, stride: 1, pad: 1},
		{n: 3, c: 64, h: 7, w: 7, o: 64, k: 3, stride: 1, pad: 1},
		{n: 2, c: 5, h: 9, w: 8, o: 7, k: 3, stride: 1, pad: 2, dil: 2},
		{n: 2, c: 3, h: 10, w: 9, o: 13, k: 5, stride: 1, pad: 2},
		{n: 2, c: 4, h: 6, w: 7, o: 5, k: 3, stride: 1, pad: 0},
		{n: 2, c: 3, h: 5, w: 5, o: 4, k: 2, stride: 1, pad: 1},
		{n: 2, c: 3, h: 5, w: 4, o: 8, k: 3, stride: 1, pad: 3}, // dx falls back: pad > K−1
		{n: 2, c: 6, h: 5, w: 5, o: 7, k: 1, stride: 1, pad: 1},
	} {
		span := max(g.dil, 1)*(g.k-1) + 1
		g.oh = (g.h+2*g.pad-span)/g.stride + 1
		g.ow = (g.w+2*g.pad-span)/g.stride + 1
		x64 := make([]float64, g.n*g.c*g.h*g.w)
		w64 := make([]float64, g.o*g.kk())
		dy64 := make([]float64, g.n*g.o*g.p())
		for _, v := range [][]float64{x64, w64, dy64} {
			for i := range v {
				v[i] = float64(float32(rng.NormFloat64()))
			}
		}
		y64, dx64, dw64 := make([]float64, len(dy64)), make([]float64, len(x64)), make([]float64, len(w64))
		ws := &workspace{}
		convForward(g, ws, x64, w64, y64)
		convGradX(g, ws, w64, dy64, dx64)
		convGradW(g, ws, x64, dy64, dw64)
		y, dx, dw := make([]float32, len(dy64)), make([]float32, len(x64)), make([]float32, len(w64))
		convForward(g, ws, to32(x64), to32(w64), y)
		convGradX(g, ws, to32(w64), to32(dy64), dx)
		convGradW(g, ws, to32(x64), to32(dy64), dw)
		for _, c := range []struct {
			name string
			got  []float32
			want []float64
		}{{"y", y, y64}, {"dx", dx, dx64}, {"dw", dw, dw64}} {
			for i := range c.want {
				if math.Abs(float64(c.got[i])-c.want[i]) > 1e-4*(1+math.Abs(c.want[i])) {
					t.Fatalf("%+v: %s[%d] = %v, want %v", g, c.name, i, c.got[i], c.want[i])
				}
			}
		}
	}
}

// A panic inside an op must come back as an error: gorgonia runs ops on a
// goroutine where a panic cannot be recovered by the caller.
func TestCatch(t *testing.T) {
	f := func() (err error) {
		defer catch("conv", &err)
		var s []float32
		_ = s[3]
		return nil
	}
	if err := f(); err == nil || !strings.Contains(err.Error(), "nn.conv: panic") {
		t.Fatalf("err = %v", err)
	}
}

func TestConvDoChecksShapes(t *testing.T) {
	op := &convOp{opBase: newBase("conv"), k: 3, stride: 1, pad: 1, ws: &workspace{}}
	x := tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(1, 2, 4, 4))
	w := tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(3, 5, 3, 3)) // 5 input channels, x has 2
	if _, err := op.Do(x, w); err == nil {
		t.Fatal("no error for mismatched channels")
	}
}

// TestBatchNormFloat32 checks the float32 loops of BatchNorm (one-pass
// moments with a shift, float32 lanes) against the float64 ones, also on
// data whose mean is large against its spread (100 times; at 10,000 times
// float32 itself has only about 1,000 levels left for the spread).
func TestBatchNormFloat32(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, c := range []struct {
		n, ch, s     int
		mean, spread float64
	}{{4, 3, 49, 0, 1}, {2, 5, 7, 3, 0.5}, {3, 2, 784, 10, 0.1}, {64, 1, 1, -2, 1}} {
		x64 := make([]float64, c.n*c.ch*c.s)
		dy64 := make([]float64, len(x64))
		for i := range x64 {
			x64[i] = float64(float32(c.mean + c.spread*rng.NormFloat64()))
			dy64[i] = float64(float32(rng.NormFloat64()))
		}
		x32, dy32 := to32(x64), to32(dy64)
		for ch := range c.ch {
			m64, v64 := moments(x64, c.n, c.ch, c.s, ch)
			m32, v32 := moments32(x32, c.n, c.ch, c.s, ch)
			if math.Abs(m32-m64) > 1e-6*(1+math.Abs(m64)) || math.Abs(v32-v64) > 1e-4*v64+1e-9 {
				t.Errorf("%+v channel %d: moments32 %v, %v; float64 %v, %v", c, ch, m32, v32, m64, v64)
			}
		}
		gamma := []float64{1.5, -0.5, 2, 0.7, 1}[:c.ch]
		beta := []float64{0.1, 0.2, -0.3, 0, 1}[:c.ch]
		run := func(x, dy, gamma, beta any) (y, dx, dg, db []float64) {
			switch x := x.(type) {
			case []float64:
				op := &bnOp{train: true, momentum: 0.1, eps: 1e-5, mean: make([]float64, c.ch), invstd: make([]float64, c.ch)}
				yy, o := make([]float64, len(x)), make([]float64, len(x))
				op.gen++
				bnForward(op, x, gamma.([]float64), beta.([]float64), yy, make([]float64, c.ch), make([]float64, c.ch), c.n, c.ch, c.s)
				bnBackward(op, bnDX, x, gamma.([]float64), dy.([]float64), o, c.n, c.ch, c.s)
				g, b := make([]float64, c.ch), make([]float64, c.ch)
				bnBackward(op, bnDScale, x, gamma.([]float64), dy.([]float64), g, c.n, c.ch, c.s)
				bnBackward(op, bnDBias, x, gamma.([]float64), dy.([]float64), b, c.n, c.ch, c.s)
				return yy, o, g, b
			case []float32:
				op := &bnOp{train: true, momentum: 0.1, eps: 1e-5, mean: make([]float64, c.ch), invstd: make([]float64, c.ch)}
				yy, o := make([]float32, len(x)), make([]float32, len(x))
				op.gen++
				bnForward(op, x, gamma.([]float32), beta.([]float32), yy, make([]float32, c.ch), make([]float32, c.ch), c.n, c.ch, c.s)
				bnBackward(op, bnDX, x, gamma.([]float32), dy.([]float32), o, c.n, c.ch, c.s)
				g, b := make([]float32, c.ch), make([]float32, c.ch)
				bnBackward(op, bnDScale, x, gamma.([]float32), dy.([]float32), g, c.n, c.ch, c.s)
				bnBackward(op, bnDBias, x, gamma.([]float32), dy.([]float32), b, c.n, c.ch, c.s)
				return to64(yy), to64(o), to64(g), to64(b)
			}
			return nil, nil, nil, nil
		}
		y64, dx64, dg64, db64 := run(x64, dy64, gamma, beta)
		y32, dx32, dg32, db32 := run(x32, dy32, to32(gamma), to32(beta))
		for _, cmp := range []struct {
			name      string
			got, want []float64
			tol       float64
		}{{"y", y32, y64, 1e-3}, {"dx", dx32, dx64, 1e-3}, {"dγ", dg32, dg64, 1e-3}, {"dβ", db32, db64, 1e-4}} {
			for i := range cmp.want {
				if math.Abs(cmp.got[i]-cmp.want[i]) > cmp.tol*(1+math.Abs(cmp.want[i])) {
					t.Fatalf("%+v: %s[%d] = %v, want %v", c, cmp.name, i, cmp.got[i], cmp.want[i])
				}
			}
		}
	}
}

func to64(v []float32) []float64 {
	w := make([]float64, len(v))
	for i, x := range v {
		w[i] = float64(x)
	}
	return w
}

// TestVectorLoops checks the AVX2 loops of the element-wise kernels
// against their Go loops, on lengths around multiples of 8.
func TestVectorLoops(t *testing.T) {
	if !haveKernel {
		t.Skip("no AVX2/FMA")
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{1, 7, 8, 9, 16, 49, 196, 784, 1000} {
		x, dy := make([]float32, n), make([]float32, n)
		for i := range x {
			x[i], dy[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		}
		x[0] = 0
		if n > 3 {
			x[3] = float32(math.Copysign(0, -1))
		}
		if n > 5 {
			x[5] = float32(math.NaN())
		}
		type result struct {
			relu, grad, aff, dx []float32
			m, v, s1, s2        float64
		}
		run := func() result {
			var r result
			r.relu, r.grad, r.aff, r.dx = make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
			relu32(x, r.relu)
			reluGrad32(r.relu, dy, r.grad)
			affine32(x, r.aff, 1.5, -0.25)
			bnDX32(x, dy, r.dx, 0.7, 0.1, -0.3, 0.05)
			r.m, r.v = moments32(x, 1, 1, n, 0)
			r.s1, r.s2 = dsums32(x, dy, 0.05)
			return r
		}
		useKernel = false
		want := run()
		useKernel = true
		got := run()
		useKernel = haveKernel
		for name, pair := range map[string][2][]float32{"relu": {got.relu, want.relu}, "reluGrad": {got.grad, want.grad}, "affine": {got.aff, want.aff}, "bnDX": {got.dx, want.dx}} {
			for i := range pair[1] {
				if g, w := pair[0][i], pair[1][i]; g != g && w != w {
					continue // both NaN
				}
				if math.Abs(float64(pair[0][i]-pair[1][i])) > 1e-6*(1+math.Abs(float64(pair[1][i]))) {
					t.Fatalf("n=%d: %s[%d] = %v, want %v", n, name, i, pair[0][i], pair[1][i])
				}
			}
		}
		if n > 5 {
			if got.relu[5] == got.relu[5] {
				t.Errorf("n=%d: relu(NaN) = %v", n, got.relu[5])
			}
			x[5] = 0.5 // the sums below are compared on finite values
			got, want = run(), func() result { useKernel = false; defer func() { useKernel = haveKernel }(); return run() }()
		}
		for name, pair := range map[string][2]float64{"mean": {got.m, want.m}, "variance": {got.v, want.v}, "Σdy": {got.s1, want.s1}, "Σdy·x": {got.s2, want.s2}} {
			if math.Abs(pair[0]-pair[1]) > 1e-5*(1+math.Abs(pair[1])) {
				t.Errorf("n=%d: %s = %v, want %v", n, name, pair[0], pair[1])
			}
		}
	}
}

// TestSgemmRows checks the micro-kernel on rows read in place through
// offsets (convGradWImplicit's product) against the naive product.
func TestSgemmRows(t *testing.T) {
	if !haveKernel {
		t.Skip("no AVX2/FMA")
	}
	rng := rand.New(rand.NewPCG(4, 4))
	for _, sz := range [][3]int{{1, 16, 1}, {6, 16, 50}, {7, 33, 100}, {13, 5, 9}, {144, 16, 840}, {12, 64, 81}} {
		for _, acc := range []bool{false, true} {
			m, n, k := sz[0], sz[1], sz[2]
			a := make([]float32, 3*k+m*5)
			for i := range a {
				a[i] = float32(rng.NormFloat64())
			}
			offs := make([]int, m)
			for r := range offs {
				offs[r] = rng.IntN(len(a) - k + 1)
			}
			b, c := make([]float32, k*n), make([]float32, m*n)
			for _, v := range [][]float32{b, c} {
				for i := range v {
					v[i] = float32(rng.NormFloat64())
				}
			}
			want := make([]float64, m*n)
			for i := range m {
				for j := range n {
					var s float64
					for l := range k {
						s += float64(a[offs[i]+l]) * float64(b[l*n+j])
					}
					if acc {
						s += float64(c[i*n+j])
					}
					want[i*n+j] = s
				}
			}
			sgemmRows(a, offs, k, b, n, acc, c)
			for i, w := range want {
				if math.Abs(float64(c[i])-w) > 1e-4*math.Sqrt(float64(k))*(1+math.Abs(w)) {
					t.Fatalf("%v acc=%v: C[%d] = %v, want %v", sz, acc, i, c[i], w)
				}
			}
		}
	}
}
