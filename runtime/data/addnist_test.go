package data

import (
	"bytes"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func loadMNIST(t *testing.T) (train, test *Set) {
	t.Helper()
	if testing.Short() {
		t.Skip("loads MNIST")
	}
	dir, err := FindMNIST()
	if err != nil {
		t.Skip(err)
	}
	train, test, err = MNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	return train, test
}

func TestAddNIST(t *testing.T) {
	mtrain, mtest := loadMNIST(t)
	start := time.Now()
	train, test, trainT, testT, err := buildAddNIST(mtrain, mtest, AddNISTSeed)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built AddNIST from loaded MNIST in %v", time.Since(start))
	if train.Len() != AddNISTTrain || test.Len() != AddNISTTest || train.Shape() != [3]int{3, 28, 28} || train.Classes != 20 || test.Classes != 20 {
		t.Fatalf("train %d, test %d, shape %v, classes %d", train.Len(), test.Len(), train.Shape(), train.Classes)
	}
	if train.Mean != MNISTMean || train.Std != MNISTStd {
		t.Errorf("normalisation %v/%v", train.Mean, train.Std)
	}
	// Labels are d1+d2+d3-1 and classes are balanced.
	for _, c := range []struct {
		s    *Set
		ts   []triple
		each int
	}{{train, trainT, 3000}, {test, testT, 500}} {
		counts := make([]int, 20)
		for i, l := range c.s.Labels {
			tr := c.ts[i]
			if int(tr[0])+int(tr[1])+int(tr[2])-1 != l {
				t.Fatalf("%s image %d: triple %v has label %d", c.s.Name, i, tr, l)
			}
			counts[l]++
		}
		for l, n := range counts {
			if n != c.each {
				t.Errorf("%s: class %d has %d images, want %d", c.s.Name, l, n, c.each)
			}
		}
		// Shuffled: the first 100 labels are not all one class.
		if slices.Max(c.s.Labels[:100]) == slices.Min(c.s.Labels[:100]) {
			t.Errorf("%s is not shuffled", c.s.Name)
		}
	}
	// Test triples never occur in training, and every triple of a label
	// with a sum in 1..20 is used by one side or the other.
	seenTrain := map[triple]bool{}
	for _, tr := range trainT {
		seenTrain[tr] = true
	}
	seenTest := map[triple]bool{}
	for _, tr := range testT {
		if seenTrain[tr] {
			t.Fatalf("test triple %v is also a training triple", tr)
		}
		seenTest[tr] = true
	}
	all := 0
	for a := range 10 {
		for b := range 10 {
			for c := range 10 {
				if s := a + b + c; s >= 1 && s <= 20 {
					all++
				}
			}
		}
	}
	if len(seenTrain)+len(seenTest) != all {
		t.Errorf("%d training + %d test triples, want %d in all", len(seenTrain), len(seenTest), all)
	}
	if r := float64(len(seenTest)) / float64(all); r < 0.24 || r > 0.30 {
		t.Errorf("test triples are %.3f of all, want about 0.25", r)
	}
	// Each channel is an MNIST image of its digit, from the right split.
	index := func(s *Set) map[uint64]int {
		m := make(map[uint64]int, s.Len())
		for i := range s.Len() {
			h := fnv.New64a()
			h.Write(s.bytes[i*784 : (i+1)*784])
			m[h.Sum64()] = s.Labels[i]
		}
		return m
	}
	for _, c := range []struct {
		s, src *Set
		ts     []triple
	}{{train, mtrain, trainT}, {test, mtest, testT}} {
		idx := index(c.src)
		for i := range 300 {
			for ch := range 3 {
				h := fnv.New64a()
				h.Write(c.s.bytes[i*3*784+ch*784 : i*3*784+(ch+1)*784])
				d, ok := idx[h.Sum64()]
				if !ok || d != int(c.ts[i][ch]) {
					t.Fatalf("%s image %d channel %d: found %v (digit %d), want an image of digit %d from %s", c.s.Name, i, ch, ok, d, c.ts[i][ch], c.src.Name)
				}
			}
		}
	}
	// Deterministic from the seed; another seed gives another set.
	again, _, err := AddNIST(mtrain, mtest, AddNISTSeed)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.Labels, train.Labels) || !bytes.Equal(again.bytes, train.bytes) {
		t.Error("same seed, different AddNIST")
	}
	other, _, _ := AddNIST(mtrain, mtest, 1)
	if slices.Equal(other.Labels, train.Labels) {
		t.Error("seeds 0 and 1 give the same labels")
	}
}

func TestAddNISTRejectsWrongSets(t *testing.T) {
	s := Synthetic(10, 1, 28, 28, 10, 1)
	if _, _, err := AddNIST(s, s, 0); err == nil || !strings.Contains(err.Error(), "MNIST") {
		t.Errorf("AddNIST of float images: %v", err)
	}
}

// BenchmarkAddNIST measures building AddNIST from MNIST already in memory.
func BenchmarkAddNIST(b *testing.B) {
	dir, err := FindMNIST()
	if err != nil {
		b.Skip(err)
	}
	mtrain, mtest, err := MNIST(dir)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := AddNIST(mtrain, mtest, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// writeCIFAR writes a CIFAR-10 binary file of n records: record r has label
// (r+seed)%10 and every pixel of channel c equal to 10·c + r.
func writeCIFAR(t *testing.T, path string, n, seed int) {
	t.Helper()
	var b bytes.Buffer
	for r := range n {
		b.WriteByte(byte((r + seed) % 10))
		for c := range 3 {
			b.Write(bytes.Repeat([]byte{byte(10*c + r)}, 1024))
		}
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCIFAR10(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "cifar-10-batches-bin")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, f := range CIFAR10TrainFiles {
		writeCIFAR(t, filepath.Join(dir, f), 3, i)
	}
	writeCIFAR(t, filepath.Join(dir, CIFAR10TestFile), 4, 7)
	for _, d := range []string{dir, root} { // the files' directory, or where the archive was unpacked
		if err := CheckCIFAR10(d); err != nil {
			t.Fatal(err)
		}
		train, test, err := CIFAR10(d)
		if err != nil {
			t.Fatal(err)
		}
		if train.Len() != 15 || test.Len() != 4 || train.Shape() != [3]int{3, 32, 32} || train.Classes != 10 {
			t.Fatalf("train %d, test %d, shape %v", train.Len(), test.Len(), train.Shape())
		}
		if !slices.Equal(test.Labels, []int{7, 8, 9, 0}) || train.Labels[3] != 1 {
			t.Errorf("labels %v %v", test.Labels, train.Labels)
		}
		x := make([]float64, 2*3072)
		Fill(test, []int{1, 2}, x, nil)
		for j, r := range []int{1, 2} {
			for c := range 3 {
				want := (float64(10*c+r)/255 - CIFAR10Mean[c]) / CIFAR10Std[c]
				for _, k := range []int{0, 1023} {
					if got := x[j*3072+c*1024+k]; math.Abs(got-want) > 1e-12 {
						t.Fatalf("image %d channel %d pixel %d = %v, want %v", r, c, k, got, want)
					}
				}
			}
		}
	}
}

func TestCIFAR10Errors(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := CIFAR10(dir); err == nil || !strings.Contains(err.Error(), "data_batch_1.bin") || !strings.Contains(err.Error(), "test_batch.bin") {
		t.Errorf("empty directory: %v", err)
	}
	if err := CheckCIFAR10(dir); err == nil || !strings.Contains(err.Error(), "no data_batch_1.bin") {
		t.Errorf("check, empty directory: %v", err)
	}
	if _, _, err := CIFAR10(""); err == nil || !strings.Contains(err.Error(), "-data") {
		t.Errorf("no directory: %v", err)
	}
	if err := CheckCIFAR10(""); err == nil || !strings.Contains(err.Error(), "-data") {
		t.Errorf("check, no directory: %v", err)
	}
	for _, f := range CIFAR10TrainFiles {
		writeCIFAR(t, filepath.Join(dir, f), 2, 0)
	}
	if err := os.WriteFile(filepath.Join(dir, CIFAR10TestFile), make([]byte, 100), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := CIFAR10(dir); err == nil || !strings.Contains(err.Error(), "whole number") {
		t.Errorf("truncated file: %v", err)
	}
	if err := CheckCIFAR10(dir); err == nil || !strings.Contains(err.Error(), "test_batch.bin has 100 bytes") {
		t.Errorf("check, truncated file: %v", err)
	}
	bad := make([]byte, cifarRecord)
	bad[0] = 10
	if err := os.WriteFile(filepath.Join(dir, CIFAR10TestFile), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := CIFAR10(dir); err == nil || !strings.Contains(err.Error(), "label 10") {
		t.Errorf("bad label: %v", err)
	}
}

func TestSplit(t *testing.T) {
	// Image i has every pixel equal to i, so images identify themselves.
	n := 50
	pix := make([]float32, n*4)
	labels := make([]int, n)
	for i := range n {
		for k := range 4 {
			pix[i*4+k] = float32(i)
		}
		labels[i] = i % 5
	}
	s, err := NewFloats("ids", 1, 2, 2, 5, pix, labels, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(s *Set) []int {
		var out []int
		for i := range s.Len() {
			out = append(out, int(s.floats[i*4]))
			if s.Labels[i] != int(s.floats[i*4])%5 {
				t.Fatalf("image %d lost its label", i)
			}
		}
		return out
	}
	rest, held := s.Split(12, 3)
	r, h := ids(rest), ids(held)
	if len(r) != 38 || len(h) != 12 {
		t.Fatalf("split sizes %d and %d", len(r), len(h))
	}
	all := slices.Sorted(slices.Values(append(slices.Clone(r), h...)))
	for i, v := range all {
		if v != i {
			t.Fatalf("the two parts are not disjoint or miss images: %v", all)
		}
	}
	rest2, held2 := s.Split(12, 3)
	if !slices.Equal(ids(rest2), r) || !slices.Equal(ids(held2), h) {
		t.Error("same seed, different split")
	}
	if _, held3 := s.Split(12, 4); slices.Equal(ids(held3), h) {
		t.Error("seeds 3 and 4 give the same split")
	}
	if !slices.IsSorted(r) {
		t.Error("the rest is not in the original order")
	}
}

func TestChannelNormalisation(t *testing.T) {
	s, err := NewBytes("rgb", 2, 1, 2, 2, []uint8{0, 255, 51, 102}, []int{1}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	s.ChannelMean, s.ChannelStd = []float64{0.5, 0.1}, []float64{0.5, 0.2}
	x := make([]float32, 4)
	Fill(s, []int{0}, x, nil)
	want := []float64{-1, 1, (0.2 - 0.1) / 0.2, (0.4 - 0.1) / 0.2}
	for i := range x {
		if math.Abs(float64(x[i])-want[i]) > 1e-6 {
			t.Fatalf("x = %v, want %v", x, want)
		}
	}
	s.ChannelStd = []float64{0.5}
	if err := s.check(4); err == nil {
		t.Error("one std for two channels accepted")
	}
}
