package nn

// Stride-1 convolutions without a column matrix, and the weight packing
// that the other convolutions share across the images of a batch.

// implicit reports whether the convolution runs as an implicit matrix
// product (implicitConv): stride 1, and not a plain 1×1 product.
func (g geom) implicit() bool { return g.stride == 1 && !g.direct() }

// packWeights packs op(a), m×k (a itself k×m with stride lda if transA),
// once for all images, when the float32 micro-kernel runs the products;
// otherwise it returns nil. It uses slot 5 of worker 0's scratch.
func packWeights[T float](ws *workspace, transA bool, m, k int, a []T, lda int) []float32 {
	a32, ok := any(a).([]float32)
	if !ok || !useKernel || m == 0 || k == 0 {
		return nil
	}
	pack := scratch[float32](ws, 0, 5, (m+mr-1)/mr*mr*k)
	packA(transA, a32, lda, 0, m, 0, k, pack)
	return pack
}

// mmWeights is mmSerial (without acc) with A already packed by
// packWeights, when pack is not nil.
func mmWeights[T float](pack []float32, transA bool, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) {
	if pack == nil {
		mmSerial(transA, m, n, k, a, lda, b, ldb, false, c, ldc)
		return
	}
	sgemmPacked(pack, m, n, k, any(b).([]float32), ldb, false, any(c).([]float32), ldc)
}

// implicitGeom returns the padded plane's height and width, the length of a
// "wide" output plane (OH·WP) and of the padded image buffer, whose slack
// lets the micro-kernel read whole 16-column blocks past the last row.
//
// A padded row is W+pad wide: its pad zeros on the left are also the
// right padding of the row above, since a window that runs past the right
// edge by up to pad columns reads the next row's first columns. That
// holds when pad ≤ D·(K−1) (an output row is then at most W+pad wide);
// otherwise rows get both paddings.
func (g geom) implicitGeom() (hp, wp, nw, xpLen int) {
	hp, wp = g.h+2*g.pad, g.w+g.pad
	if g.pad > g.d()*(g.k-1) {
		wp = g.w + 2*g.pad
	}
	return hp, wp, g.oh * wp, g.c*hp*wp + (g.k-1)*g.d() + nr
}

// implicitOffsets returns, for each row (c, ki, kj) of the column matrix,
// its offset in the padded image: c·HP·WP + ki·D·WP + kj·D. It uses integer
// slot 0.
func implicitOffsets(ws *workspace, g geom, hp, wp int) []int {
	offs := intScratch(ws, 0, g.kk())
	d := g.d()
	for c := range g.c {
		for ki := range g.k {
			for kj := range g.k {
				offs[(c*g.k+ki)*g.k+kj] = c*hp*wp + ki*d*wp + kj*d
			}
		}
	}
	return offs
}

// padImage copies image x (C×H×W) into xp as C planes of HP×WP with the
// image at row and column pad, zero elsewhere (the slack included). It
// writes every value of xp once.
func padImage[T float](g geom, x, xp []T, hp, wp int) {
	p := g.pad
	for c := range g.c {
		plane := xp[c*hp*wp : (c+1)*hp*wp]
		clear(plane[:p*wp])       // top rows
		clear(plane[(p+g.h)*wp:]) // bottom rows
		for r := range g.h {
			row := plane[(r+p)*wp : (r+p+1)*wp]
			clear(row[:p])
			n := copy(row[p:], x[(c*g.h+r)*g.w:(c*g.h+r+1)*g.w])
			clear(row[p+n:])
		}
	}
	clear(xp[g.c*hp*wp:]) // slack
}

// implicitConv computes y = conv(x, w) for a stride-1 convolution (w is
// O×(C·K·K)) without a column matrix. Each image is copied into a
// zero-padded buffer xp (C planes of HP×WP, HP = H+2·pad, WP = W+pad: see
// implicitGeom).
// Output (i, j) is then computed at position i·WP + j of a "wide" output
// plane of OH·WP values, where row (c, ki, kj) of the column matrix is xp
// itself shifted by c·HP·WP + ki·D·WP + kj·D: the micro-kernel reads B's rows
// through those offsets. The WP−OW extra columns of each output row are
// computed and dropped.
func implicitConv[T float](g geom, ws *workspace, w, x, y []T) {
	kk, chw, ohw := g.kk(), g.c*g.h*g.w, g.p()
	hp, wp, nw, xpLen := g.implicitGeom()
	nwr := (nw + nr - 1) / nr * nr
	rows := (g.o + mr - 1) / mr * mr
	offs := implicitOffsets(ws, g, hp, wp)
	pw := packWeights(ws, false, g.o, kk, w, kk)
	parallelW(g.n, func(wk, lo, hi int) {
		xp := scratch[T](ws, wk, 0, xpLen)
		cw := scratch[T](ws, wk, 1, rows*nwr)
		for b := lo; b < hi; b++ {
			padImage(g, x[b*chw:(b+1)*chw], xp, hp, wp)
			if pw != nil {
				xp32, cw32 := any(xp).([]float32), any(cw).([]float32)
				for jr := 0; jr < nwr; jr += nr {
					for s := 0; s < rows/mr; s++ {
						kern6x16off(kk, &pw[s*mr*kk], &xp32[jr], &offs[0], &cw32[s*mr*nwr+jr], nwr, 0)
					}
				}
			} else {
				for o := range g.o {
					crow := cw[o*nwr : o*nwr+nw]
					clear(crow)
					for l, off := range offs {
						a := w[o*kk+l]
						for j, v := range xp[off : off+nw] {
							crow[j] += a * v
						}
					}
				}
			}
			yb := y[b*g.o*ohw : (b+1)*g.o*ohw]
			for o := range g.o {
				for i := range g.oh {
					copy(yb[o*ohw+i*g.ow:o*ohw+(i+1)*g.ow], cw[o*nwr+i*wp:])
				}
			}
		}
	})
}

// convGradWImplicit is convGradW for a stride-1 convolution on the float32
// micro-kernel: dwᵀ = Σ_b col_b·dy_bᵀ over the wide columns of
// implicitConv, with col_b's rows read in place from the padded image
// (sgemmRows) and dy_b's dropped columns zero.
func convGradWImplicit(g geom, ws *workspace, x, dy, dw []float32) {
	kk, chw, ohw := g.kk(), g.c*g.h*g.w, g.p()
	hp, wp, nw, xpLen := g.implicitGeom()
	offs := implicitOffsets(ws, g, hp, wp)
	groups := min(g.n, gradGroups)
	size := kk * g.o
	parts := scratch[float32](ws, 0, 3, groups*size)
	parallelW(groups, func(wk, lo, hi int) {
		xp := scratch[float32](ws, wk, 0, xpLen)
		dyt := scratch[float32](ws, wk, 1, nw*g.o)
		for grp := lo; grp < hi; grp++ {
			part := parts[grp*size : (grp+1)*size]
			first := grp * g.n / groups
			for b := first; b < (grp+1)*g.n/groups; b++ {
				padImage(g, x[b*chw:(b+1)*chw], xp, hp, wp)
				// dyt = dy_bᵀ, row by row (one row's values stay in L1),
				// with the dropped columns zero.
				dyb := dy[b*g.o*ohw : (b+1)*g.o*ohw]
				for i := range g.oh {
					row := dyt[i*wp*g.o : (i+1)*wp*g.o]
					clear(row[g.ow*g.o:])
					for o := range g.o {
						for j, v := range dyb[o*ohw+i*g.ow : o*ohw+(i+1)*g.ow] {
							row[j*g.o+o] = v
						}
					}
				}
				sgemmRows(xp, offs, nw, dyt, g.o, b != first, part)
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
