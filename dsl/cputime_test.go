//go:build unix

package dsl

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time. Benchmarks report it per
// operation (cpu-µs/op) next to wall time: on a shared machine the CPU
// time of a single-threaded loop is the steadier figure.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

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
