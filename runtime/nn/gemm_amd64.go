package nn

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

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

func xgetbv0() uint32

// hasAVX2FMA reports whether the CPU and the OS support AVX2 and FMA.
func hasAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xgetbv0()&6 != 6 { // the OS saves XMM and YMM state
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0
}

var haveKernel = hasAVX2FMA()
