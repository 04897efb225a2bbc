package cputime

import (
	"runtime"
	"testing"
)

func TestProcessAdvances(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("not read on this system")
	}
	start := Process()
	x := 0
	for i := range 50_000_000 {
		x ^= i * i
	}
	if Process() <= start {
		t.Fatalf("CPU time did not advance over a busy loop (%d)", x)
	}
}
