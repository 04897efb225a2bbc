package report

import (
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nasgc/nasgc/dsl"
	"github.com/nasgc/nasgc/search"
)

// byLength scores an architecture by its length; terms with "id" fail.
type byLength struct{}

func (byLength) Evaluate(_ context.Context, t *search.Trial, _ *dsl.Derivation) {
	if strings.Contains(t.Term, "id") {
		t.State, t.Failure = search.StateFailed, search.FailCrash
		return
	}
	t.State, t.Accuracy, t.TestImages = search.StateDone, 1-1/float64(len(t.Term)), 100
}

func runs(t *testing.T) []*search.Run {
	src, err := os.ReadFile("../../testdata/spaces/toy.nasg")
	if err != nil {
		t.Fatal(err)
	}
	g, ds := dsl.ParseAndCheck("toy.nasg", src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	var out []*search.Run
	for _, seed := range []uint64{1, 2} {
		dir := filepath.Join(t.TempDir(), "run")
		if _, err := search.Random(context.Background(), search.Config{Grammar: g, Evaluations: 8, Seed: seed, MaxDepth: 2, RunDir: dir, Evaluator: byLength{}}); err != nil {
			t.Fatal(err)
		}
		r, err := search.ReadRun(dir)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestWrite(t *testing.T) {
	rs := runs(t)
	dir := t.TempDir()
	if err := Write(dir, rs); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{IncumbentByEvaluations, IncumbentByTime, AllTrials} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 250 {
			t.Errorf("%s is %v", name, b)
		}
		colours, inked := stats(img)
		// Axes, labels, a grid and two coloured series: many colours
		// (antialiasing) and a fair share of non-white pixels.
		if colours < 20 || inked < 0.01 {
			t.Errorf("%s: %d colours, %.3f of the pixels inked", name, colours, inked)
		}
	}
	md, err := os.ReadFile(filepath.Join(dir, Summary))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| run | space |", rs[0].Dir, rs[1].Dir, "toy", "8 of 8", "![incumbent by evaluations](" + IncumbentByEvaluations + ")", "Failed trials by kind: crash"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}
}

func stats(img image.Image) (colours int, inked float64) {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
			if a > 0 && (r < 0xf000 || g < 0xf000 || bl < 0xf000) {
				n++
			}
		}
	}
	return len(seen), float64(n) / float64(b.Dx()*b.Dy())
}
