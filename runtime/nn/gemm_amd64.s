#include "textflag.h"

// func kern6x16(k int, a *float32, b *float32, ldb int, c *float32, ldc int, acc int)
//
// C[0:6, 0:16] (+)= A·B over k steps, with A packed as k groups of 6
// floats (one per row) and B row-major with stride ldb floats. C has stride
// ldc floats; acc != 0 adds to C, else overwrites it. Uses Y0–Y14, not
// X15 (Go's fixed zero register).
TEXT ·kern6x16(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ ldb+24(FP), R8
	SHLQ $2, R8
	MOVQ c+32(FP), DI
	MOVQ ldc+40(FP), R9
	SHLQ $2, R9
	MOVQ acc+48(FP), R10

	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14

	TESTQ CX, CX
	JEQ   store

loop:
	VMOVUPS      (DX), Y0
	VMOVUPS      32(DX), Y1
	VBROADCASTSS (SI), Y2
	VFMADD231PS  Y0, Y2, Y3
	VFMADD231PS  Y1, Y2, Y4
	VBROADCASTSS 4(SI), Y2
	VFMADD231PS  Y0, Y2, Y5
	VFMADD231PS  Y1, Y2, Y6
	VBROADCASTSS 8(SI), Y2
	VFMADD231PS  Y0, Y2, Y7
	VFMADD231PS  Y1, Y2, Y8
	VBROADCASTSS 12(SI), Y2
	VFMADD231PS  Y0, Y2, Y9
	VFMADD231PS  Y1, Y2, Y10
	VBROADCASTSS 16(SI), Y2
	VFMADD231PS  Y0, Y2, Y11
	VFMADD231PS  Y1, Y2, Y12
	VBROADCASTSS 20(SI), Y2
	VFMADD231PS  Y0, Y2, Y13
	VFMADD231PS  Y1, Y2, Y14
	ADDQ         $24, SI
	ADDQ         R8, DX
	DECQ         CX
	JNE          loop

store:
	TESTQ R10, R10
	JEQ   overwrite

	VADDPS  (DI), Y3, Y3
	VADDPS  32(DI), Y4, Y4
	VMOVUPS Y3, (DI)
	VMOVUPS Y4, 32(DI)
	ADDQ    R9, DI
	VADDPS  (DI), Y5, Y5
	VADDPS  32(DI), Y6, Y6
	VMOVUPS Y5, (DI)
	VMOVUPS Y6, 32(DI)
	ADDQ    R9, DI
	VADDPS  (DI), Y7, Y7
	VADDPS  32(DI), Y8, Y8
	VMOVUPS Y7, (DI)
	VMOVUPS Y8, 32(DI)
	ADDQ    R9, DI
	VADDPS  (DI), Y9, Y9
	VADDPS  32(DI), Y10, Y10
	VMOVUPS Y9, (DI)
	VMOVUPS Y10, 32(DI)
	ADDQ    R9, DI
	VADDPS  (DI), Y11, Y11
	VADDPS  32(DI), Y12, Y12
	VMOVUPS Y11, (DI)
	VMOVUPS Y12, 32(DI)
	ADDQ    R9, DI
	VADDPS  (DI), Y13, Y13
	VADDPS  32(DI), Y14, Y14
	VMOVUPS Y13, (DI)
	VMOVUPS Y14, 32(DI)
	VZEROUPPER
	RET

overwrite:
	VMOVUPS Y3, (DI)
	VMOVUPS Y4, 32(DI)
	ADDQ    R9, DI
	VMOVUPS Y5, (DI)
	VMOVUPS Y6, 32(DI)
	ADDQ    R9, DI
	VMOVUPS Y7, (DI)
	VMOVUPS Y8, 32(DI)
	ADDQ    R9, DI
	VMOVUPS Y9, (DI)
	VMOVUPS Y10, 32(DI)
	ADDQ    R9, DI
	VMOVUPS Y11, (DI)
	VMOVUPS Y12, 32(DI)
	ADDQ    R9, DI
	VMOVUPS Y13, (DI)
	VMOVUPS Y14, 32(DI)
	VZEROUPPER
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv0() uint32
TEXT ·xgetbv0(SB), NOSPLIT, $0-4
	MOVL   $0, CX
	XGETBV
	MOVL   AX, ret+0(FP)
	RET
