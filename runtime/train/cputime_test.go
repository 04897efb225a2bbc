package train

import "github.com/nasgc/nasgc/internal/cputime"

// cpuTime returns the process's user and system CPU seconds.
func cpuTime() float64 { return cputime.Process().Seconds() }
