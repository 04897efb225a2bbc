package nn

import "golang.org/x/sys/cpu"

// kern6x16 is the AVX2/FMA micro-kernel of sgemm (gemm_amd64.s).
//
//go:noescape
func kern6x16(k int, a *float32, b *float32, ldb int, c *float32, ldc int, acc int)

// kern6x16off is kern6x16 with row l of B at b + off[l] floats
// (gemm_amd64.s).
//
//go:noescape
func kern6x16off(k int, a *float32, b *float32, off *int, c *float32, ldc int, acc int)

// kern6x16rows is kern6x16 with A not packed: row r of A starts aoff[r]
// floats after a (gemm_amd64.s).
//
//go:noescape
func kern6x16rows(k int, a *float32, aoff *[6]int, b *float32, ldb int, c *float32, ldc int, acc int)

// haveKernel: the CPU and the operating system support AVX2 and FMA.
var haveKernel = cpu.X86.HasAVX2 && cpu.X86.HasFMA
