package gp

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"slices"
)

// sparse is a sparse vector: values at distinct ids, increasing except in
// candidates' histograms (see lookupWL).
type sparse struct {
	ids  []int32
	vals []float64
}

// sq returns the squared Euclidean norm.
func (s sparse) sq() float64 {
	t := 0.0
	for _, v := range s.vals {
		t += v * v
	}
	return t
}

// dot returns the inner product of two sparse vectors.
func dot(a, b sparse) float64 {
	t := 0.0
	i, j := 0, 0
	for i < len(a.ids) && j < len(b.ids) {
		switch {
		case a.ids[i] < b.ids[j]:
			i++
		case a.ids[i] > b.ids[j]:
			j++
		default:
			t += a.vals[i] * b.vals[j]
			i++
			j++
		}
	}
	return t
}

// l1 returns the L1 distance between two sparse vectors.
func l1(a, b sparse) float64 {
	t := 0.0
	i, j := 0, 0
	for i < len(a.ids) || j < len(b.ids) {
		switch {
		case j == len(b.ids) || (i < len(a.ids) && a.ids[i] < b.ids[j]):
			t += abs(a.vals[i])
			i++
		case i == len(a.ids) || a.ids[i] > b.ids[j]:
			t += abs(b.vals[j])
			j++
		default:
			t += abs(a.vals[i] - b.vals[j])
			i++
			j++
		}
	}
	return t
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// histogram returns the counts of the ids in xs as a sparse vector,
// appending to into's slices; it sorts xs in place.
func histogram(xs []int32, into sparse) sparse {
	slices.Sort(xs)
	s := sparse{ids: into.ids[:0], vals: into.vals[:0]}
	for i := 0; i < len(xs); {
		j := i + 1
		for j < len(xs) && xs[j] == xs[i] {
			j++
		}
		s.ids = append(s.ids, xs[i])
		s.vals = append(s.vals, float64(j-i))
		i = j
	}
	return s
}

// table maps keys (sequences of ids) to ids: an open-addressing hash
// table (linear probing) of entries holding the key's 64-bit hash, its id
// and the key (to check a hit: short keys in the entry, longer ones in an
// arena), with an exact map for keys whose hash collides with another
// key's. A hit costs one or two cache lines, less than a map with string
// keys, and the table is still exact.
type table struct {
	slots []entry // power-of-two length; h == 0 marks a free slot
	n     int
	arena []int32
	coll  map[string]int32 // keys whose hash another key has → id
}

type entry struct {
	h  uint64
	id int32
	ln int32 // the key's length
	// The key itself when it has at most inlineKey elements (most WL
	// keys: a label and up to three successors' labels), which spares a
	// lookup a cache miss in the arena; else k[0] is its offset in the
	// arena.
	k [inlineKey]int32
}

const inlineKey = 4

// key returns e's key.
func (t *table) key(e *entry) []int32 {
	if e.ln <= inlineKey {
		return e.k[:e.ln]
	}
	return t.arena[e.k[0] : e.k[0]+e.ln]
}

func newTable() *table { return &table{} }

// hashKey hashes a key; never 0.
func hashKey(key []int32) uint64 {
	x := uint64(len(key))
	for _, v := range key {
		x = (x ^ uint64(uint32(v))) * 0x9e3779b97f4a7c15
		x ^= x >> 29
	}
	return mix(x) | 1
}

// collKey is the string form of a key, for collisions.
func collKey(key []int32) string {
	b := make([]byte, 0, 4*len(key))
	for _, v := range key {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return string(b)
}

// find returns the slot of hash h, or of the free slot where it belongs.
func (t *table) find(h uint64) int {
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i].h != 0 && t.slots[i].h != h {
		i = (i + 1) & mask
	}
	return int(i)
}

// get returns the id of key (with hash h from hashKey).
func (t *table) get(key []int32, h uint64) (int32, bool) {
	// No Bloom filter in front: the candidates' lookups mostly hit (93%
	// in a proposal on hnb201), and a filter of the size of a large table
	// costs a cache miss of its own.
	if t.n == 0 {
		return 0, false
	}
	e := &t.slots[t.find(h)]
	if e.h == 0 {
		return 0, false
	}
	if slices.Equal(t.key(e), key) {
		return e.id, true
	}
	if t.coll == nil {
		return 0, false
	}
	id, ok := t.coll[collKey(key)]
	return id, ok
}

// put adds key (with hash h), which get does not find, with the given id.
func (t *table) put(key []int32, h uint64, id int32) {
	if t.n > 0 {
		if e := &t.slots[t.find(h)]; e.h == h {
			if t.coll == nil {
				t.coll = make(map[string]int32)
			}
			t.coll[collKey(key)] = id
			return
		}
	}
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		t.slots = make([]entry, max(2*len(old), 64))
		for _, e := range old {
			if e.h != 0 {
				t.slots[t.find(e.h)] = e
			}
		}
	}
	e := entry{h: h, id: id, ln: int32(len(key))}
	if len(key) <= inlineKey {
		copy(e.k[:], key)
	} else {
		e.k[0] = int32(len(t.arena))
		t.arena = append(t.arena, key...)
	}
	t.slots[t.find(h)] = e
	t.n++
}

// slots is the open-addressing table counter and tally share: its keys
// are stamped with the generation that wrote them, so that emptying it is
// O(1).
type slots struct {
	keys  []uint64
	stamp []uint32
	now   uint32
	shift uint8   // 64 - log2(len(keys))
	order []int32 // slots in first-seen order
}

// reset empties the table for n keys and returns its new size when it had
// to grow (the caller then grows its own arrays to it), else 0.
func (t *slots) reset(n int) int {
	size, grown := 64, 0
	for size < 2*n {
		size *= 2
	}
	if size > len(t.keys) {
		t.keys, t.stamp = make([]uint64, size), make([]uint32, size)
		t.now = 0
		t.shift = uint8(64 - bits.TrailingZeros(uint(size)))
		grown = size
	}
	t.now++
	if t.now == 0 { // wrapped
		clear(t.stamp)
		t.now = 1
	}
	t.order = t.order[:0]
	return grown
}

// counter counts uint64 codes in first-seen order, in O(1) per code.
type counter struct {
	slots
	cnt []int32
}

func (c *counter) reset(n int) {
	if size := c.slots.reset(n); size > 0 {
		c.cnt = make([]int32, size)
	}
}

func (c *counter) add(code uint64) {
	mask := uint64(len(c.keys) - 1)
	// Fibonacci hashing: one multiplication, and consecutive ids (most
	// known codes) spread evenly.
	for i := (code * 0x9e3779b97f4a7c15) >> c.shift; ; i = (i + 1) & mask {
		if c.stamp[i] != c.now {
			c.stamp[i], c.keys[i], c.cnt[i] = c.now, code, 1
			c.order = append(c.order, int32(i))
			return
		}
		if c.keys[i] == code {
			c.cnt[i]++
			return
		}
	}
}

// dict maps WL labels to ids: node labels (iteration 0) and, for
// iteration t, keys (own label at t-1, sorted successor labels at t-1).
// Observations insert their labels and keep the ids for the whole run (new
// labels get new ids, old ones never change). Candidates only look labels
// up: a label the dictionary lacks matches no observation's, so it only
// counts in the candidate's own norm.
type dict struct {
	base map[string]int32
	tabs []*table // per iteration ≥ 1 (tabs[0] unused)
	iter []uint8  // the iteration of every id

	key    []int32
	cur    []int32
	nxt    []int32
	sorted []int32

	// lookup scratch
	csorted        []uint64
	segs           []sparse
	sq             []float64
	count          counter
	gcsr, bcsr     csrScratch // plain graphs' successor lists
	at, dist, bad  []int32    // align's results and scratch
	near           []int32    // the nodes within h hops of a difference
	changed        []int32
	byDist, fill   []int
	alignP, alignQ int // align's common prefix and suffix
	tally          tally
	dids           []int32 // lookupWLDelta's results
	dvals, dsq     []float64
}

func newDict() *dict {
	return &dict{base: make(map[string]int32)}
}

// next returns the number of ids.
func (d *dict) next() int { return len(d.iter) }

func (d *dict) newID(t int) int32 {
	id := int32(len(d.iter))
	d.iter = append(d.iter, uint8(t))
	return id
}

// baseID returns the id of a node label, inserting it if it is new.
func (d *dict) baseID(l string) int32 {
	if id, ok := d.base[l]; ok {
		return id
	}
	id := d.newID(0)
	d.base[l] = id
	return id
}

// id returns the id of a key of iteration t ≥ 1, inserting it if it is
// new.
func (d *dict) id(key []int32, t int) int32 {
	for len(d.tabs) <= t {
		d.tabs = append(d.tabs, newTable())
	}
	tab := d.tabs[t]
	h := hashKey(key)
	if id, ok := tab.get(key, h); ok {
		return id
	}
	id := d.newID(t)
	tab.put(key, h, id)
	return id
}

// sortSmall sorts short slices by insertion, longer ones with slices.Sort.
func sortSmall[E int32 | uint64](xs []E) {
	if len(xs) > 12 {
		slices.Sort(xs)
		return
	}
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// wl returns the Weisfeiler-Lehman label histograms of g at iterations
// 0..h, inserting new labels: iteration 0 counts the node labels;
// iteration t relabels every node by (its label, the sorted multiset of
// its successors' labels) at iteration t-1. Label ids are unique across
// iterations.
func (d *dict) wl(g *Graph, h int) []sparse {
	n := g.size()
	d.cur = slices.Grow(d.cur[:0], n)[:n]
	d.nxt = slices.Grow(d.nxt[:0], n)[:n]
	for i := range n {
		d.cur[i] = d.baseID(g.label(i))
	}
	out := make([]sparse, h+1)
	out[0] = histogram(append(d.sorted[:0], d.cur...), out[0])
	for t := 1; t <= h; t++ {
		for i := range n {
			d.key = append(d.key[:0], d.cur[i])
			for _, s := range g.succ(i) {
				d.key = append(d.key, d.cur[s])
			}
			sortSmall(d.key[1:])
			d.nxt[i] = d.id(d.key, t)
		}
		d.cur, d.nxt = d.nxt, d.cur
		out[t] = histogram(append(d.sorted[:0], d.cur...), out[t])
	}
	return out
}

// unknown marks a lookup code that is a label's hash, not an id.
const unknown = 1 << 63

// mix is the splitmix64 finaliser.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

var hashSeed = maphash.MakeSeed()

// lookupWL is wl for a candidate: it inserts nothing. Nodes carry codes:
// a known label's id, or for a label the dictionary lacks, unknown|hash
// of the label (labels refined from an unknown one are unknown too, and
// are hashed without a lookup). It returns the histograms of the known
// labels (ids not sorted) and, per iteration, the squared norm of the
// whole histogram.
// The results live until the next lookup. (Two distinct unknown labels of
// one graph merge only if their 63-bit hashes collide.)
func (d *dict) lookupWL(g *Graph, h int) ([]sparse, []float64) {
	segs, sq, _ := d.lookupWLCodes(g, h, nil)
	return segs, sq
}

// code0 is the code of a node labelled l at iteration 0: the label's id,
// or for a label no observation has, a hash marked unknown.
func (d *dict) code0(l string) uint64 {
	if id, ok := d.base[l]; ok {
		return uint64(id)
	}
	return unknown | maphash.String(hashSeed, l)
}

// lookupWLCodes is lookupWL that also appends g's codes at iterations
// 0..h (iteration-major, len(g.Labels) per iteration) to codes and
// returns them, for lookupWLDelta to compute similar graphs from.
func (d *dict) lookupWLCodes(g *Graph, h int, codes []uint64) ([]sparse, []float64, []uint64) {
	n := g.size()
	at := len(codes)
	codes = reserve(codes, (h+1)*n)[:at+(h+1)*n]
	out := codes[at:]
	c0 := out[:n]
	for i := range n {
		c0[i] = d.code0(g.label(i))
	}
	if len(d.segs) < h+1 {
		d.segs = append(d.segs, make([]sparse, h+1-len(d.segs))...)
		d.sq = append(d.sq, make([]float64, h+1-len(d.sq))...)
	}
	segs, sq := d.segs[:h+1], d.sq[:h+1]
	segs[0], sq[0] = d.codeHistogram(c0, segs[0])
	off, adj := d.csr(g, &d.gcsr)
	for t := 1; t <= h; t++ {
		var tab *table
		if t < len(d.tabs) {
			tab = d.tabs[t]
		}
		prev, cur := out[(t-1)*n:t*n], out[t*n:(t+1)*n]
		for i := range n {
			cur[i] = d.refine(prev[i], adj[off[i]:off[i+1]], prev, t, tab)
		}
		segs[t], sq[t] = d.codeHistogram(cur, segs[t])
	}
	return segs, sq, codes
}

// refine returns the code at iteration t ≥ 1 of a node whose code was own
// at t-1 and whose successors are succ, given the codes prev of iteration
// t-1 (tab is the dictionary's table of iteration t, or nil).
func (d *dict) refine(own uint64, succ []int, prev []uint64, t int, tab *table) uint64 {
	d.csorted = d.csorted[:0]
	known := own&unknown == 0 && tab != nil
	for _, s := range succ {
		c := prev[s]
		known = known && c&unknown == 0
		d.csorted = append(d.csorted, c)
	}
	sortSmall(d.csorted)
	if known {
		d.key = append(d.key[:0], int32(own))
		for _, c := range d.csorted {
			d.key = append(d.key, int32(c))
		}
		if id, ok := tab.get(d.key, hashKey(d.key)); ok {
			return uint64(id)
		}
	}
	x := mix(own ^ uint64(t)<<56)
	for _, c := range d.csorted {
		x = mix(x + c)
	}
	return unknown | x
}

// csrScratch holds a plain graph's successor lists in compact form.
type csrScratch struct {
	off []int32
	adj []int
}

// csr returns g's successor lists as offsets and targets (node i's
// successors are adj[off[i]:off[i+1]]): the compact form's own arrays, or
// for a plain graph, arrays made in sc.
func (d *dict) csr(g *Graph, sc *csrScratch) ([]int32, []int) {
	if g.names != nil {
		return g.off, g.adj
	}
	n := g.size()
	sc.off = append(sc.off[:0], 0)
	sc.adj = sc.adj[:0]
	for i := range n {
		sc.adj = append(sc.adj, g.succ(i)...)
		sc.off = append(sc.off, int32(len(sc.adj)))
	}
	return sc.off, sc.adj
}

// lookupWLDelta is lookupWLCodes for a graph g reusing the codes of a
// similar graph, base (its codes bcodes and squared norms bsq per
// iteration, which lookupWLCodes or lookupWLDelta computed earlier at
// the same h with the same dictionary), and returning instead of g's
// histograms their difference from the base's: the known labels whose
// count differs (ids, not sorted) and the count differences, and g's
// squared norm per iteration. The graphs are aligned by their longest
// common prefix and suffix of labels (the acquisition optimiser's children
// differ from their parent in one place); a node takes its base node's
// code at iteration t when its neighbourhood of t hops is the base node's,
// and only the other nodes are refined and counted: the rest are copied
// in bulk and only scanned for the labels whose count changed (for the
// norms), or, when bc is not nil (the base's codes counted per iteration,
// codeCounts.build of bcodes), those labels' counts are the base's less
// the removed ones. ok is false when the base's codes do not fit (the
// caller then computes g in full). The results live until the next
// lookup; g's codes are appended to codes.
func (d *dict) lookupWLDelta(g *Graph, h int, base *Graph, bcodes []uint64, bsq []float64, bc *codeCounts, codes []uint64) (ids []int32, vals, sq []float64, _ []uint64, ok bool) {
	n, nb := g.size(), base.size()
	if len(bcodes) != (h+1)*nb || len(bsq) != h+1 {
		return nil, nil, nil, codes, false
	}
	off, adj := d.csr(g, &d.gcsr)
	d.align(g, base, off, adj, h)
	p, q := d.alignP, d.alignQ // g's [p, n-q) and base's [p, nb-q) are unaligned
	at := len(codes)
	codes = reserve(codes, (h+1)*n)[:at+(h+1)*n]
	out := codes[at:]
	c0 := out[:n]
	copy(c0[:p], bcodes[:p])
	copy(c0[n-q:], bcodes[nb-q:nb])
	for i := p; i < n-q; i++ {
		c0[i] = d.code0(g.label(i))
	}
	d.dsq = slices.Grow(d.dsq[:0], h+1)[:h+1]
	sq = d.dsq
	d.dids, d.dvals = d.dids[:0], d.dvals[:0]
	tl := &d.tally
	tl.reset(n - p - q + nb - p - q)
	for _, c := range c0[p : n-q] {
		tl.add(c, 1)
	}
	for _, c := range bcodes[p : nb-q] {
		tl.add(c, -1)
	}
	sq[0] = bsq[0] + d.settle(c0, bc, 0)
	changed := d.changed // the nodes refined so far, by distance
	for t := 1; t <= h; t++ {
		var tab *table
		if t < len(d.tabs) {
			tab = d.tabs[t]
		}
		// The nodes within t hops of a difference (dist ≤ t) are
		// refined, the others keep their base node's code.
		prev, cur := out[(t-1)*n:t*n], out[t*n:(t+1)*n]
		bt := bcodes[t*nb : t*nb+nb]
		copy(cur[:p], bt[:p])
		copy(cur[n-q:], bt[nb-q:])
		refine := changed[:d.byDist[t]]
		tl.reset(len(refine) + nb)
		for _, i := range refine {
			c := d.refine(prev[i], adj[off[i]:off[i+1]], prev, t, tab)
			cur[i] = c
			tl.add(c, 1)
			if a := d.at[i]; a >= 0 {
				tl.add(bt[a], -1)
			}
		}
		for _, c := range bt[p : nb-q] {
			tl.add(c, -1)
		}
		sq[t] = bsq[t] + d.settle(cur, bc, t)
	}
	return d.dids, d.dvals, sq, codes, true
}

// settle ends an iteration of lookupWLDelta, whose codes are cur: for the
// codes whose count changed (the tally of g's changed nodes' codes minus
// their base nodes'), it counts them among the unchanged nodes, appends
// the known ones to d.dids and d.dvals, and returns the change of the
// squared norm, Σ (s+a)² − (s+r)² = (a−r)(2s+a+r) over codes with s
// unchanged, a added and r removed occurrences.
func (d *dict) settle(cur []uint64, bc *codeCounts, t int) float64 {
	tl := &d.tally
	// Keep the codes whose count changed.
	live := tl.order[:0]
	for _, k := range tl.order {
		if tl.net[k] != 0 {
			live = append(live, k)
		}
	}
	tl.order = live
	if len(live) == 0 {
		return 0
	}
	dsq := int64(0)
	if bc != nil {
		// The base's count of a code less its removed occurrences.
		for _, k := range live {
			net, sum := int64(tl.net[k]), int64(tl.sum[k])
			x := tl.keys[k]
			s := int64(bc.count(t, x)) - (sum-net)/2
			dsq += net * (2*s + sum)
			if x&unknown == 0 {
				d.dids = append(d.dids, int32(x))
				d.dvals = append(d.dvals, float64(net))
			}
		}
		return float64(dsq)
	}
	// Count them among all nodes (the changed nodes' codes are the added
	// ones, subtracted below), filtered by a 1024-bit Bloom filter so
	// that most nodes cost a bit test.
	var filter [16]uint64
	for _, k := range live {
		b := (tl.keys[k] * 0x9e3779b97f4a7c15) >> 54
		filter[b>>6] |= 1 << (b & 63)
	}
	for _, x := range cur {
		b := (x * 0x9e3779b97f4a7c15) >> 54
		if filter[b>>6]&(1<<(b&63)) != 0 {
			tl.countSame(x)
		}
	}
	for _, k := range live {
		net, sum := int64(tl.net[k]), int64(tl.sum[k])
		s := int64(tl.same[k]) - (sum+net)/2
		dsq += net * (2*s + sum)
		if x := tl.keys[k]; x&unknown == 0 {
			d.dids = append(d.dids, int32(x))
			d.dvals = append(d.dvals, float64(net))
		}
	}
	return float64(dsq)
}

// codeCounts counts a graph's WL codes per iteration, for the graphs
// that are the base of several children: an open-addressing table per
// iteration (a count of 0 marks a free slot).
type codeCounts struct {
	keys  []uint64
	cnt   []int32
	size  int // slots per iteration, a power of two
	shift uint8
}

// build counts codes: h+1 iterations of n codes (lookupWLCodes' layout).
func (c *codeCounts) build(codes []uint64, n, h int) {
	c.size = 64
	for c.size < 2*n {
		c.size *= 2
	}
	c.shift = uint8(64 - bits.TrailingZeros(uint(c.size)))
	c.keys = slices.Grow(c.keys[:0], c.size*(h+1))[:c.size*(h+1)]
	c.cnt = slices.Grow(c.cnt[:0], c.size*(h+1))[:c.size*(h+1)]
	clear(c.cnt)
	mask := uint64(c.size - 1)
	for t := range h + 1 {
		keys, cnt := c.keys[t*c.size:(t+1)*c.size], c.cnt[t*c.size:(t+1)*c.size]
		for _, x := range codes[t*n : (t+1)*n] {
			for i := (x * 0x9e3779b97f4a7c15) >> c.shift; ; i = (i + 1) & mask {
				if cnt[i] == 0 {
					keys[i], cnt[i] = x, 1
					break
				}
				if keys[i] == x {
					cnt[i]++
					break
				}
			}
		}
	}
}

// count returns how often code x occurs at iteration t.
func (c *codeCounts) count(t int, x uint64) int32 {
	keys, cnt := c.keys[t*c.size:(t+1)*c.size], c.cnt[t*c.size:(t+1)*c.size]
	mask := uint64(c.size - 1)
	for i := (x * 0x9e3779b97f4a7c15) >> c.shift; cnt[i] != 0; i = (i + 1) & mask {
		if keys[i] == x {
			return cnt[i]
		}
	}
	return 0
}

// tally counts codes added (+1) and removed (-1) in O(1) per code, and
// then how often some of them occur among other nodes.
type tally struct {
	slots
	net, sum []int32 // added − removed, added + removed
	same     []int32 // occurrences among the unchanged nodes
}

func (c *tally) reset(n int) {
	if size := c.slots.reset(n); size > 0 {
		c.net, c.sum, c.same = make([]int32, size), make([]int32, size), make([]int32, size)
	}
}

// add counts code once, added (sign 1) or removed (-1).
func (c *tally) add(code uint64, sign int32) {
	mask := uint64(len(c.keys) - 1)
	for i := (code * 0x9e3779b97f4a7c15) >> c.shift; ; i = (i + 1) & mask {
		if c.stamp[i] != c.now {
			c.stamp[i], c.keys[i], c.net[i], c.sum[i], c.same[i] = c.now, code, sign, 1, 0
			c.order = append(c.order, int32(i))
			return
		}
		if c.keys[i] == code {
			c.net[i] += sign
			c.sum[i]++
			return
		}
	}
}

// countSame counts an occurrence of code among the unchanged nodes if the
// tally has it.
func (c *tally) countSame(code uint64) {
	mask := uint64(len(c.keys) - 1)
	for i := (code * 0x9e3779b97f4a7c15) >> c.shift; c.stamp[i] == c.now; i = (i + 1) & mask {
		if c.keys[i] == code {
			c.same[i]++
			return
		}
	}
}

// align maps the nodes of g to those of base by their longest common
// prefix and suffix of labels (d.alignP and d.alignQ; d.at[i] is node i's
// base node or -1) and finds each node's distance to a difference
// (d.dist), capped at h+1: 0 for a node without a base node, at most 1
// for one whose successors are not, through the map, its base node's,
// else one more than its nearest successor's. A node's code at iteration
// t is its base node's exactly when its distance exceeds t. d.changed
// lists the nodes of distance ≤ h by distance, d.byDist[t] counting those
// ≤ t. off and adj are g's successor lists.
func (d *dict) align(g, base *Graph, off []int32, adj []int, h int) {
	n, nb := g.size(), base.size()
	p, q := 0, 0
	if len(g.names) > 0 && len(base.names) > 0 && &g.names[0] == &base.names[0] {
		gc, bc := g.codes, base.codes
		for p < n && p < nb && gc[p] == bc[p] {
			p++
		}
		for q < n-p && q < nb-p && gc[n-1-q] == bc[nb-1-q] {
			q++
		}
	} else {
		for p < n && p < nb && g.sameLabel(p, base, p) {
			p++
		}
		for q < n-p && q < nb-p && g.sameLabel(n-1-q, base, nb-1-q) {
			q++
		}
	}
	d.alignP, d.alignQ = p, q
	d.at = slices.Grow(d.at[:0], n)[:n]
	at := d.at
	for i := range p {
		at[i] = int32(i)
	}
	for i := p; i < n-q; i++ {
		at[i] = -1
	}
	for i := n - q; i < n; i++ {
		at[i] = int32(i - n + nb)
	}
	boff, badj := d.csr(base, &d.bcsr)
	d.dist = slices.Grow(d.dist[:0], n)[:n]
	dist := d.dist
	far := int32(h + 1)
	// One pass from the last node to the first finds the distances when
	// every edge leads to a later node (the kernel graphs' order); other
	// graphs take further passes until nothing changes (at most h+2).
	bad, near := d.bad[:0], d.near[:0]
	forward := true
	last := n - 1
	if sameSuffix(off, adj, boff, badj, n, nb, q) {
		// No path leads from the common suffix to a difference.
		for i := n - q; i < n; i++ {
			dist[i] = far
		}
		last = n - q - 1
	}
	hi := int(off[last+1])
	for i := last; i >= 0; i-- {
		lo := int(off[i])
		gs := adj[lo:hi]
		hi = lo
		a := at[i]
		if a < 0 {
			dist[i] = 0
			near = append(near, int32(i))
			continue
		}
		bs := badj[boff[a]:boff[a+1]]
		ok := len(gs) == len(bs)
		m := far
		for _, s := range gs {
			if s <= i {
				forward = false
				m = 0 // settled by the passes below
				continue
			}
			m = min(m, dist[s]+1)
		}
		if ok {
			bs = bs[:len(gs)]
			for k, s := range gs {
				if at[s] != int32(bs[k]) {
					ok = false
					break
				}
			}
		}
		if !ok {
			m = min(m, 1)
			bad = append(bad, int32(i))
		}
		dist[i] = m
		if m < far {
			near = append(near, int32(i))
		}
	}
	d.bad = bad
	if !forward {
		// Start from the exact bounds: 0 unaligned, 1 bad, else far, and
		// relax until stable.
		for i := range n {
			if at[i] >= 0 {
				dist[i] = far
			}
		}
		for _, i := range bad {
			dist[i] = min(dist[i], 1)
		}
		for changed := true; changed; {
			changed = false
			for i := n - 1; i >= 0; i-- {
				m := dist[i]
				for _, s := range adj[off[i]:off[i+1]] {
					m = min(m, dist[s]+1)
				}
				if m < dist[i] {
					dist[i], changed = m, true
				}
			}
		}
		near = near[:0]
		for i, v := range dist {
			if v < far {
				near = append(near, int32(i))
			}
		}
	}
	d.near = near
	// The near nodes by distance (a counting sort; dist ≤ far holds
	// throughout).
	d.byDist = slices.Grow(d.byDist[:0], h+2)[:h+2]
	clear(d.byDist)
	for _, i := range near {
		d.byDist[dist[i]+1]++
	}
	for t := 1; t <= h+1; t++ {
		d.byDist[t] += d.byDist[t-1]
	}
	d.changed = slices.Grow(d.changed[:0], n)[:d.byDist[h+1]]
	fill := slices.Grow(d.fill[:0], h+1)[:h+1]
	copy(fill, d.byDist[:h+1])
	d.fill = fill
	for _, i := range near {
		v := dist[i]
		d.changed[fill[v]] = i
		fill[v]++
	}
	// byDist[t] now counts the nodes of distance < t: shift so that
	// byDist[t] counts those ≤ t.
	copy(d.byDist, d.byDist[1:])
	d.byDist = d.byDist[:h+1]
}

// sameSuffix reports whether the last q nodes of g (successor lists off,
// adj; n nodes) have, through the alignment, the successor lists of the
// last q nodes of base (boff, badj; nb nodes), all among those q nodes:
// for a child that differs from its parent in one place, the usual case,
// which two flat comparisons check faster than node by node.
func sameSuffix(off []int32, adj []int, boff []int32, badj []int, n, nb, q int) bool {
	if q == 0 {
		return true
	}
	o, bo := off[n-q], boff[nb-q]
	if off[n]-o != boff[nb]-bo {
		return false
	}
	for j, v := range off[n-q+1 : n+1] {
		if v-o != boff[nb-q+1+j]-bo {
			return false
		}
	}
	lo, shift := n-q, nb-n
	ba := badj[bo:boff[nb]]
	for k, s := range adj[o:off[n]] {
		if s < lo || s+shift != ba[k] {
			return false
		}
	}
	return true
}

// codeHistogram returns the histogram of the known codes of d.ccur, in
// first-seen order (appending to into's slices), and the squared norm of
// the histogram of all codes.
func (d *dict) codeHistogram(codes []uint64, into sparse) (sparse, float64) {
	c := &d.count
	c.reset(len(codes))
	for _, x := range codes {
		c.add(x)
	}
	s := sparse{ids: into.ids[:0], vals: into.vals[:0]}
	sq := 0.0
	for _, i := range c.order {
		v := float64(c.cnt[i])
		sq += v * v
		if k := c.keys[i]; k&unknown == 0 {
			s.ids = append(s.ids, int32(k))
			s.vals = append(s.vals, v)
		}
	}
	return s, sq
}

// labelCounts returns the histogram of g's node labels. With insert, new
// labels get ids; otherwise they are left out and their total count is
// returned.
func (d *dict) labelCounts(g *Graph, insert bool) (sparse, float64) {
	d.sorted = d.sorted[:0]
	other := 0.0
	for i := range g.size() {
		l := g.label(i)
		if insert {
			d.sorted = append(d.sorted, d.baseID(l))
		} else if id, ok := d.base[l]; ok {
			d.sorted = append(d.sorted, id)
		} else {
			other++
		}
	}
	return histogram(d.sorted, sparse{}), other
}
