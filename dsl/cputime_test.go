package dsl

import (
	"testing"
	"time"

	"github.com/nasgc/nasgc/internal/cputime"
)

// cpuTime is the process's CPU time (internal/cputime).
func cpuTime() time.Duration { return cputime.Process() }

// reportCPU adds the cpu-µs/op and ops/cpu-s metrics for the loop that
// started at start.
func reportCPU(b *testing.B, start time.Duration) {
	if b.N == 0 {
		return
	}
	per := (cpuTime() - start).Seconds() / float64(b.N)
	b.ReportMetric(per*1e6, "cpu-µs/op")
	if per > 0 {
		b.ReportMetric(1/per, "ops/cpu-s")
	}
}
