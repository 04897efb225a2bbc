package gp

import (
	"encoding/binary"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
)

// gram is a growable symmetric matrix stored in full, row-major.
type gram struct {
	n, stride int
	a         []float64
}

func (g *gram) resize(n int) {
	if n > g.stride {
		s := max(2*g.stride, n, 16)
		a := make([]float64, s*s)
		for i := range g.n {
			copy(a[i*s:i*s+g.n], g.a[i*g.stride:i*g.stride+g.n])
		}
		g.a, g.stride = a, s
	}
	g.n = n
}

func (g *gram) at(i, j int) float64 { return g.a[i*g.stride+j] }

func (g *gram) set(i, j int, v float64) {
	g.a[i*g.stride+j] = v
	g.a[j*g.stride+i] = v
}

// slot is one base kernel of a model, with everything it caches about the
// observations.
type slot interface {
	// add appends an observation.
	add(a *Arch)
	// truncate keeps the first n observations.
	truncate(n int)
	// grid returns the WL iteration counts to grid-search, or nil.
	grid() []int
	// setH sets the WL iteration count (WL slots only).
	setH(h int)
	// h returns the WL iteration count, or -1.
	h() int
	// matrix writes the normalised kernel matrix of the observations
	// into k (n×n, row-major).
	matrix(k []float64)
	// cross adds w·k̃(observation i, candidate c) to out[c*n+i] for every
	// observation i and candidate c (n observations).
	cross(cands []Arch, w float64, out []float64)
}

// posting is one observation's count of a label.
type posting struct {
	obs int32
	cnt float32
}

// wlSlot is the Weisfeiler-Lehman subtree kernel on the graph of index
// gi of every architecture, normalised. It keeps, per observation, the
// label histograms of every iteration (computed once, when it is added),
// an inverted index from labels to observations, and the raw Gram
// matrices: one per iteration when h is grid-searched, else one.
type wlSlot struct {
	gi    int
	hs    []int
	cur   int
	maxh  int
	split bool

	dict  *dict
	post  [][]posting
	obs   []wlObs
	parts []gram
	rows  [][]float64

	// The observations' counts of their frequent labels as a dense F×n
	// matrix (a row per label), for cross; rebuilt when the observations or h change.
	version  int // of the observations
	dver, dh int
	dense    []float64
	dcols    []int32 // label id of every column
	// Per label id, its dense column (or -1) and its postings in
	// sparse[lo:hi]: the inverted index in one array, so that cross finds
	// a label's column and postings with one cache miss and reads the
	// postings of all labels from one place.
	lab    []labelIndex
	sparse []posting

	phi, inv  []float64 // cross scratch
	ent, miss []int32
	cache     rowCache
}

type labelIndex struct {
	col, lo, hi int32
}

// denseFraction is the share of observations a label must occur in to
// take part in cross as a dense column (a matrix product) rather than by
// its inverted index.
const denseFraction = 0.4

type wlObs struct {
	segs []sparse  // histogram per iteration 0..maxh
	sq   []float64 // squared norm per iteration
}

func newWLSlot(gi int, hs []int, h int) *wlSlot {
	s := &wlSlot{gi: gi, hs: hs, cur: h, dict: newDict(), split: len(hs) > 1}
	s.maxh = h
	for _, x := range hs {
		s.maxh = max(s.maxh, x)
	}
	np := 1
	if s.split {
		np = s.maxh + 1
	}
	s.parts = make([]gram, np)
	s.rows = make([][]float64, np)
	return s
}

func (s *wlSlot) part(t int) int {
	if s.split {
		return t
	}
	return 0
}

func (s *wlSlot) grid() []int {
	if s.split {
		return s.hs
	}
	return nil
}

func (s *wlSlot) setH(h int) { s.cur = h }
func (s *wlSlot) h() int     { return s.cur }

// accumulate adds the raw dot products of segs (iterations 0..len-1) with
// every observation to rows[part(t)].
func (s *wlSlot) accumulate(segs []sparse, rows [][]float64) {
	for t, seg := range segs {
		row := rows[s.part(t)]
		for k, id := range seg.ids {
			if id < 0 || int(id) >= len(s.post) {
				continue
			}
			c := seg.vals[k]
			for _, p := range s.post[id] {
				row[p.obs] += c * float64(p.cnt)
			}
		}
	}
}

func (s *wlSlot) add(a *Arch) {
	segs := s.dict.wl(a.graph(s.gi), s.maxh)
	o := wlObs{segs: segs, sq: make([]float64, len(segs))}
	for t, seg := range segs {
		o.sq[t] = seg.sq()
	}
	j := len(s.obs)
	for p := range s.rows {
		s.rows[p] = slices.Grow(s.rows[p][:0], j+1)[:j+1]
		clear(s.rows[p])
	}
	s.accumulate(segs, s.rows)
	for t := range segs {
		s.rows[s.part(t)][j] += o.sq[t]
	}
	for p := range s.parts {
		s.parts[p].resize(j + 1)
		for i := 0; i <= j; i++ {
			s.parts[p].set(i, j, s.rows[p][i])
		}
	}
	if n := s.dict.next(); n > len(s.post) {
		s.post = append(s.post, make([][]posting, n-len(s.post))...)
	}
	for _, seg := range segs {
		for k, id := range seg.ids {
			s.post[id] = append(s.post[id], posting{int32(j), float32(seg.vals[k])})
		}
	}
	s.obs = append(s.obs, o)
	s.version++
}

func (s *wlSlot) truncate(n int) {
	for j := len(s.obs) - 1; j >= n; j-- {
		for _, seg := range s.obs[j].segs {
			for _, id := range seg.ids {
				s.post[id] = s.post[id][:len(s.post[id])-1]
			}
		}
		s.obs[j] = wlObs{}
	}
	s.obs = s.obs[:n]
	for p := range s.parts {
		s.parts[p].resize(n)
	}
	s.version++
}

// prepareDense rebuilds the dense matrix of frequent labels if needed.
func (s *wlSlot) prepareDense() {
	if s.dense != nil && s.dver == s.version && s.dh == s.cur {
		return
	}
	s.dver, s.dh = s.version, s.cur
	n := len(s.obs)
	s.lab = slices.Grow(s.lab[:0], len(s.post))[:len(s.post)]
	s.dcols = s.dcols[:0]
	s.sparse = s.sparse[:0]
	minDF := max(int(math.Ceil(denseFraction*float64(n))), 2)
	for id, p := range s.post {
		if len(p) >= minDF && int(s.dict.iter[id]) <= s.cur {
			s.lab[id] = labelIndex{col: int32(len(s.dcols))}
			s.dcols = append(s.dcols, int32(id))
			continue
		}
		lo := int32(len(s.sparse))
		s.sparse = append(s.sparse, p...)
		s.lab[id] = labelIndex{col: -1, lo: lo, hi: int32(len(s.sparse))}
	}
	f := len(s.dcols)
	s.dense = grow(s.dense, f*n)
	clear(s.dense)
	for col, id := range s.dcols {
		for _, p := range s.post[id] {
			s.dense[col*n+int(p.obs)] = float64(p.cnt)
		}
	}
}

// norm returns an observation's feature norm at the current h.
func (s *wlSlot) norm(o *wlObs) float64 {
	t := 0.0
	for i := 0; i <= s.cur && i < len(o.sq); i++ {
		t += o.sq[i]
	}
	return math.Sqrt(t)
}

// cosine is the normalised kernel value from a raw one. An empty feature
// vector (a graph without nodes) counts as a unit vector of its own, so
// that empty graphs are similar to each other only and the kernel stays
// positive semi-definite.
func cosine(raw, na, nb float64) float64 {
	switch {
	case na > 0 && nb > 0:
		return raw / (na * nb)
	case na == 0 && nb == 0:
		return 1
	}
	return 0
}

func (s *wlSlot) matrix(k []float64) {
	n := len(s.obs)
	norms := make([]float64, n)
	for i := range s.obs {
		norms[i] = s.norm(&s.obs[i])
	}
	lo, hi := 0, 0
	if s.split {
		hi = s.cur
	}
	for i := range n {
		for j := i; j < n; j++ {
			raw := 0.0
			for p := lo; p <= hi; p++ {
				raw += s.parts[p].at(i, j)
			}
			v := cosine(raw, norms[i], norms[j])
			if i == j {
				v = 1
			}
			k[i*n+j] = v
			k[j*n+i] = v
		}
	}
}

// rowCache keeps, per distinct candidate graph (by its exact content),
// the raw kernel values with every observation and the candidate's feature
// norm: the acquisition optimiser scores many candidates that share level
// graphs. It is valid for one version of the observations and one h, and
// is emptied when full.
type rowCache struct {
	version, h int
	n          int // row length
	idx        map[string]int32
	rows       []float64 // entry e's raw row is rows[e*n : e*n+n]
	nc         []float64 // entry e's feature norm
	buf        []byte    // key scratch
	// Entry e's squared feature norm per iteration 0..h, sqs[e*(h+1):],
	// and WL codes per node and iteration (lookupWLCodes), codes[e]: a
	// candidate whose base has an entry is computed from them
	// (lookupWLDelta).
	sqs   []float64
	codes [][]uint64
	// The codes live in chunks, reused when the cache is emptied: ten
	// thousand candidates' codes per proposal would otherwise be copied
	// as one array grows, and left to the garbage collector.
	chunks   [][]uint64
	ci, used int // the chunk being filled and its used length
	// Entry e's codes counted per iteration (counts[e], when made) and
	// how many children it was the base of (uses[e]): a base's counts are
	// made when its second child comes, and spare keeps them for reuse.
	counts []*codeCounts
	uses   []int32
	spare  []*codeCounts
}

// codeChunk is the length of a chunk of codes (512 KiB).
const codeChunk = 1 << 16

// take returns room for k codes (a slice of length 0 and capacity k).
func (rc *rowCache) take(k int) []uint64 {
	for rc.ci < len(rc.chunks) {
		if c := rc.chunks[rc.ci]; rc.used+k <= len(c) {
			s := c[rc.used : rc.used : rc.used+k]
			rc.used += k
			return s
		}
		rc.ci, rc.used = rc.ci+1, 0
	}
	c := make([]uint64, max(codeChunk, k))
	rc.chunks = append(rc.chunks, c)
	rc.used = k
	return c[:0:k]
}

// rowCacheFloats caps the floats a slot's row cache holds.
var rowCacheFloats = 1 << 19 // a variable for the tests

// graphKey appends a key of g's content to b: its ID when it has one,
// else an exact encoding of its labels and successor lists.
func graphKey(b []byte, g *Graph) []byte {
	if g.ID != "" {
		// The graph's ID; a first byte keeps IDs and contents apart.
		b = append(b, 1)
		return append(b, g.ID...)
	}
	b = append(b, 0)
	b = binary.AppendUvarint(b, uint64(g.size()))
	for i := range g.size() {
		l := g.label(i)
		b = binary.AppendUvarint(b, uint64(len(l)))
		b = append(b, l...)
		ss := g.succ(i)
		b = binary.AppendUvarint(b, uint64(len(ss)))
		for _, x := range ss {
			b = binary.AppendUvarint(b, uint64(x))
		}
	}
	return b
}

// reset empties the cache for rows of length n.
func (rc *rowCache) reset(version, h, n int) {
	rc.version, rc.h, rc.n = version, h, n
	if rc.idx == nil {
		rc.idx = make(map[string]int32)
	} else {
		clear(rc.idx)
	}
	rc.rows = rc.rows[:0]
	rc.nc = rc.nc[:0]
	rc.sqs = rc.sqs[:0]
	clear(rc.codes)
	rc.codes = rc.codes[:0]
	rc.ci, rc.used = 0, 0
	for _, c := range rc.counts {
		if c != nil {
			rc.spare = append(rc.spare, c)
		}
	}
	clear(rc.counts)
	rc.counts, rc.uses = rc.counts[:0], rc.uses[:0]
}

// baseCounts returns entry e's counts of codes (n nodes, iterations
// 0..h) if it was a base before, making them now if needed, else nil.
func (rc *rowCache) baseCounts(e, n, h int) *codeCounts {
	for len(rc.uses) <= e {
		rc.uses, rc.counts = append(rc.uses, 0), append(rc.counts, nil)
	}
	rc.uses[e]++
	if rc.uses[e] < 2 {
		return nil
	}
	c := rc.counts[e]
	if c == nil {
		if k := len(rc.spare); k > 0 {
			c, rc.spare = rc.spare[k-1], rc.spare[:k-1]
		} else {
			c = new(codeCounts)
		}
		c.build(rc.codes[e], n, h)
		rc.counts[e] = c
	}
	return c
}

func (s *wlSlot) cross(cands []Arch, w float64, out []float64) {
	n, m := len(s.obs), len(cands)
	inv := grow(s.inv, n) // 1/‖observation‖
	s.inv = inv
	for i := range s.obs {
		inv[i] = 0
		if v := s.norm(&s.obs[i]); v > 0 {
			inv[i] = 1 / v
		}
	}
	rc := &s.cache
	if rc.idx == nil || rc.version != s.version || rc.h != s.cur || rc.n != n {
		rc.reset(s.version, s.cur, n)
	}
	maxEntries := max(rowCacheFloats/max(n, 1), 1)
	if len(rc.nc)+m > maxEntries {
		s.compact(cands, maxEntries-m)
	}
	// Map every candidate to a cache entry, adding entries (to fill) for
	// the graphs the cache lacks.
	ent := slices.Grow(s.ent[:0], m)[:m]
	s.ent = ent
	first := len(rc.nc)
	miss := s.miss[:0]
	for c := range cands {
		g := cands[c].graph(s.gi)
		rc.buf = graphKey(rc.buf[:0], g)
		if e, ok := rc.idx[string(rc.buf)]; ok {
			ent[c] = e
			continue
		}
		e := int32(len(rc.nc))
		rc.idx[string(rc.buf)] = e
		rc.nc = append(rc.nc, 0)
		ent[c] = e
		miss = append(miss, int32(c))
	}
	s.miss = miss
	mm := len(miss)
	rc.rows = reserve(rc.rows, mm*n)[:len(rc.nc)*n]
	if mm > 0 {
		s.prepareDense()
		f := len(s.dcols)
		s.phi = grow(s.phi, mm*f) // the new graphs' counts of the dense labels
		phi := s.phi
		clear(phi)
		raw := rc.rows[first*n : (first+mm)*n] // raw kernel values, entry-major
		clear(raw)
		hp := s.cur + 1
		for k, c := range miss {
			row := raw[k*n : k*n+n : k*n+n]
			g := cands[c].graph(s.gi)
			if eb := s.baseEntry(cands[c].base, first+k); eb >= 0 {
				bg := cands[c].base.graph(s.gi)
				bc := rc.baseCounts(eb, bg.size(), s.cur)
				ids, vals, sq, codes, ok := s.dict.lookupWLDelta(g, s.cur, bg, rc.codes[eb], rc.sqs[eb*hp:eb*hp+hp], bc, rc.take(hp*g.size()))
				if ok {
					rc.codes = append(rc.codes, codes)
					s.keep(first+k, sq)
					// The base's row plus the differences of the counts:
					// exact, as the full sum (small integers).
					copy(row, rc.rows[eb*n:eb*n+n])
					for j, id := range ids {
						if int(id) >= len(s.lab) {
							continue
						}
						d := vals[j]
						li := s.lab[id]
						if li.col >= 0 {
							floats.AddScaled(row, d, s.dense[int(li.col)*n:int(li.col)*n+n])
							continue
						}
						for _, p := range s.sparse[li.lo:li.hi] {
							if int(p.obs) < len(row) {
								row[p.obs] += d * float64(p.cnt)
							}
						}
					}
					continue
				}
			}
			segs, sq, codes := s.dict.lookupWLCodes(g, s.cur, rc.take(hp*g.size()))
			rc.codes = append(rc.codes, codes)
			s.keep(first+k, sq)
			for _, seg := range segs {
				for j, id := range seg.ids {
					if int(id) >= len(s.lab) {
						continue
					}
					v := seg.vals[j]
					li := s.lab[id]
					if li.col >= 0 {
						phi[k*f+int(li.col)] += v
						continue
					}
					for _, p := range s.sparse[li.lo:li.hi] {
						if int(p.obs) < len(row) {
							row[p.obs] += v * float64(p.cnt)
						}
					}
				}
			}
			// The dense labels: a row of the observations' counts per
			// label the graph has (exact: the counts are small integers).
			for col, v := range phi[k*f : k*f+f] {
				if v != 0 {
					floats.AddScaled(row, v, s.dense[col*n:col*n+n])
				}
			}
		}
	}
	for c := range m {
		e := int(ent[c])
		ro, oo := rc.rows[e*n:e*n+n], out[c*n:c*n+n]
		nc := rc.nc[e]
		if nc == 0 {
			for i := range n {
				oo[i] += w * cosine(ro[i], s.norm(&s.obs[i]), 0)
			}
			continue
		}
		wc := w / nc
		for i, v := range ro {
			oo[i] += v * wc * inv[i] // 0 for an empty observation, as cosine
		}
	}
}

// keep records cache entry e's squared norms per iteration and its norm.
func (s *wlSlot) keep(e int, sq []float64) {
	rc := &s.cache
	rc.sqs = append(rc.sqs, sq...)
	t := 0.0
	for _, v := range sq {
		t += v
	}
	rc.nc[e] = math.Sqrt(t)
}

// compact empties the row cache when it is full, keeping (up to limit)
// the entries of the candidates' bases, which the candidates are computed
// from: the acquisition optimiser's parents.
func (s *wlSlot) compact(cands []Arch, limit int) {
	rc := &s.cache
	type kept struct {
		key      string
		row, sqs []float64
		codes    []uint64
		nc       float64
	}
	var keep []kept
	seen := map[int32]bool{}
	for c := range cands {
		if cands[c].base == nil || len(keep) >= limit {
			continue
		}
		rc.buf = graphKey(rc.buf[:0], cands[c].base.graph(s.gi))
		e, ok := rc.idx[string(rc.buf)]
		if !ok || seen[e] || int(e) >= len(rc.codes) {
			continue
		}
		seen[e] = true
		hp := rc.h + 1
		keep = append(keep, kept{key: string(rc.buf), row: slices.Clone(rc.rows[int(e)*rc.n : int(e+1)*rc.n]),
			sqs: slices.Clone(rc.sqs[int(e)*hp : int(e+1)*hp]), nc: rc.nc[e],
			codes: slices.Clone(rc.codes[e])})
	}
	rc.reset(rc.version, rc.h, rc.n)
	for _, k := range keep {
		rc.idx[k.key] = int32(len(rc.nc))
		rc.nc = append(rc.nc, k.nc)
		rc.rows = append(rc.rows, k.row...)
		rc.sqs = append(rc.sqs, k.sqs...)
		rc.codes = append(rc.codes, append(rc.take(len(k.codes)), k.codes...))
	}
}

// baseEntry returns the cache entry of base's graph if it is filled (it
// precedes entry e), else -1.
func (s *wlSlot) baseEntry(base *Arch, e int) int {
	if base == nil {
		return -1
	}
	rc := &s.cache
	rc.buf = graphKey(rc.buf[:0], base.graph(s.gi))
	eb, ok := rc.idx[string(rc.buf)]
	if !ok || int(eb) >= e {
		return -1
	}
	return int(eb)
}

// reserve returns s with room for extra more elements, growing it at
// least twofold when it must grow (append grows large slices by a
// quarter, which makes the row cache's first fill copy its arrays many
// times).
func reserve[E any](s []E, extra int) []E {
	if cap(s)-len(s) >= extra {
		return s
	}
	return slices.Grow(s, max(extra, cap(s)))
}

// nasbotSlot is the NASBOT-style distance kernel on the full graphs:
// d = Σ|sorted in-degree differences| + Σ|sorted out-degree differences| +
// the L1 distance between the label counts (the vocabulary is every label
// seen), k = exp(-d/ℓ²).
type nasbotSlot struct {
	ell2 float64
	dict *dict
	obs  []nbObs
	k    gram
}

type nbObs struct {
	in, out []int32 // degrees, sorted in decreasing order
	ops     sparse  // label counts
	other   float64 // count of the labels no observation has (candidates)
}

func newNASBOTSlot(ell float64) *nasbotSlot {
	return &nasbotSlot{ell2: ell * ell, dict: newDict()}
}

func (s *nasbotSlot) features(g *Graph, insert bool) nbObs {
	n := g.size()
	o := nbObs{in: make([]int32, n), out: make([]int32, n)}
	for i := range n {
		for _, j := range g.succ(i) {
			o.out[i]++
			o.in[j]++
		}
	}
	desc := func(a, b int32) int { return int(b - a) }
	slices.SortFunc(o.in, desc)
	slices.SortFunc(o.out, desc)
	o.ops, o.other = s.dict.labelCounts(g, insert)
	return o
}

func degDist(a, b []int32) float64 {
	if len(a) < len(b) {
		a, b = b, a
	}
	t := int64(0)
	for i, x := range a {
		d := int64(x)
		if i < len(b) {
			d -= int64(b[i])
		}
		if d < 0 {
			d = -d
		}
		t += d
	}
	return float64(t)
}

func (s *nasbotSlot) kern(a, b *nbObs) float64 {
	d := degDist(a.in, b.in) + degDist(a.out, b.out) + l1(a.ops, b.ops) + a.other + b.other
	return math.Exp(-d / s.ell2)
}

func (s *nasbotSlot) add(a *Arch) {
	o := s.features(a.graph(0), true)
	j := len(s.obs)
	s.obs = append(s.obs, o)
	s.k.resize(j + 1)
	for i := 0; i <= j; i++ {
		s.k.set(i, j, s.kern(&s.obs[i], &o))
	}
}

func (s *nasbotSlot) truncate(n int) {
	clear(s.obs[n:])
	s.obs = s.obs[:n]
	s.k.resize(n)
}

func (s *nasbotSlot) grid() []int { return nil }
func (s *nasbotSlot) setH(int)    {}
func (s *nasbotSlot) h() int      { return -1 }

func (s *nasbotSlot) matrix(k []float64) {
	n := len(s.obs)
	for i := range n {
		for j := range n {
			k[i*n+j] = s.k.at(i, j)
		}
	}
}

func (s *nasbotSlot) cross(cands []Arch, w float64, out []float64) {
	n := len(s.obs)
	for c := range cands {
		o := s.features(cands[c].graph(0), false)
		for i := range s.obs {
			out[c*n+i] += w * s.kern(&s.obs[i], &o)
		}
	}
}
