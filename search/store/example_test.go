package store_test

import (
	"fmt"
	"log"
	"os"

	"github.com/nasgc/nasgc/search/store"
)

// A trial's life: proposed (pending), started (running), finished.
func Example() {
	dir, _ := os.MkdirTemp("", "run")
	defer os.RemoveAll(dir)
	s, err := store.Create(dir, store.Meta{SpaceName: "toy", SpaceSource: []byte("space toy ..."), SpaceHash: "1f2e"})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ts, _ := s.Add("Seq(conv, id)", "conv")
	t := ts[0]
	_ = s.Start(t)
	t.State, t.Accuracy, t.TestImages = store.Done, 0.91, 200
	_ = s.Finish(t)

	all, _ := s.Trials()
	for _, t := range all {
		fmt.Println(t.ID, t.Term, t.State, t.Accuracy)
	}
	// Output:
	// 1 Seq(conv, id) done 0.91
	// 2 conv pending 0
}

// Resuming a run whose process was killed: trials it left running are run
// again.
func ExampleStore_RequeueRunning() {
	dir, _ := os.MkdirTemp("", "run")
	defer os.RemoveAll(dir)
	s, _ := store.Create(dir, store.Meta{SpaceName: "toy"})
	ts, _ := s.Add("conv")
	_ = s.Start(ts[0])
	s.Close() // as if killed

	s, _ = store.Open(dir)
	defer s.Close()
	n, _ := s.RequeueRunning()
	c, _ := s.Counts()
	fmt.Println(n, c[store.Pending])
	// Output: 1 1
}
