#include "textflag.h"

// AVX2/FMA loops of the element-wise float32 kernels (vec.go). n is a
// positive multiple of 8. They use Y0–Y14, not X15 (Go's zero register).

// func relu8(x, y *float32, n int)
TEXT ·relu8(SB), NOSPLIT, $0-24
	MOVQ   x+0(FP), SI
	MOVQ   y+8(FP), DI
	MOVQ   n+16(FP), CX
	SHRQ   $3, CX
	VXORPS Y0, Y0, Y0

relu8loop:
	VMOVUPS (SI), Y1
	VMAXPS  Y1, Y0, Y1 // max(0, x) is x when x is NaN (or ±0)
	VMOVUPS Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNE     relu8loop
	VZEROUPPER
	RET

// func reluGrad8(y, dy, dx *float32, n int)
TEXT ·reluGrad8(SB), NOSPLIT, $0-32
	MOVQ   y+0(FP), SI
	MOVQ   dy+8(FP), DX
	MOVQ   dx+16(FP), DI
	MOVQ   n+24(FP), CX
	SHRQ   $3, CX
	VXORPS Y0, Y0, Y0

reluGrad8loop:
	VMOVUPS (SI), Y1
	VCMPPS  $0x1e, Y0, Y1, Y2 // y > 0
	VANDPS  (DX), Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	DECQ    CX
	JNE     reluGrad8loop
	VZEROUPPER
	RET

// func affine8(x, y *float32, n int, scale, shift float32)
TEXT ·affine8(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), SI
	MOVQ         y+8(FP), DI
	MOVQ         n+16(FP), CX
	SHRQ         $3, CX
	VBROADCASTSS scale+24(FP), Y14
	VBROADCASTSS shift+28(FP), Y13

affine8loop:
	VMOVUPS     (SI), Y0
	VFMADD213PS Y13, Y14, Y0 // x·scale + shift
	VMOVUPS     Y0, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNE         affine8loop
	VZEROUPPER
	RET

// func bnDX8(x, dy, dx *float32, n int, k, a, bx, mean float32)
TEXT ·bnDX8(SB), NOSPLIT, $0-48
	MOVQ         x+0(FP), SI
	MOVQ         dy+8(FP), DX
	MOVQ         dx+16(FP), DI
	MOVQ         n+24(FP), CX
	SHRQ         $3, CX
	VBROADCASTSS k+32(FP), Y10
	VBROADCASTSS a+36(FP), Y11
	VBROADCASTSS bx+40(FP), Y12
	VBROADCASTSS mean+44(FP), Y13

bnDX8loop:
	VMOVUPS     (SI), Y0
	VSUBPS      Y13, Y0, Y0  // x − mean
	VFMADD213PS Y11, Y12, Y0 // bx·(x − mean) + a
	VMULPS      (DX), Y10, Y1
	VSUBPS      Y0, Y1, Y1   // k·dy − that
	VMOVUPS     Y1, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DX
	ADDQ        $32, DI
	DECQ        CX
	JNE         bnDX8loop
	VZEROUPPER
	RET

// func dsums8(x, dy *float32, n int, mean float32, out *[16]float32)
// out[0:8] = lanes of Σ dy, out[8:16] = lanes of Σ dy·(x − mean).
TEXT ·dsums8(SB), NOSPLIT, $0-40
	MOVQ         x+0(FP), SI
	MOVQ         dy+8(FP), DX
	MOVQ         n+16(FP), CX
	SHRQ         $3, CX
	VBROADCASTSS mean+24(FP), Y13
	MOVQ         out+32(FP), DI
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1

dsums8loop:
	VMOVUPS     (DX), Y2
	VADDPS      Y2, Y0, Y0
	VMOVUPS     (SI), Y3
	VSUBPS      Y13, Y3, Y3
	VFMADD231PS Y2, Y3, Y1
	ADDQ        $32, SI
	ADDQ        $32, DX
	DECQ        CX
	JNE         dsums8loop
	VMOVUPS     Y0, (DI)
	VMOVUPS     Y1, 32(DI)
	VZEROUPPER
	RET

// func moments8(x *float32, n int, p float32, out *[16]float32)
// out[0:8] = lanes of Σ (x − p), out[8:16] = lanes of Σ (x − p)².
TEXT ·moments8(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	SHRQ         $3, CX
	VBROADCASTSS p+16(FP), Y13
	MOVQ         out+24(FP), DI
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1

moments8loop:
	VMOVUPS     (SI), Y3
	VSUBPS      Y13, Y3, Y3
	VADDPS      Y3, Y0, Y0
	VFMADD231PS Y3, Y3, Y1
	ADDQ        $32, SI
	DECQ        CX
	JNE         moments8loop
	VMOVUPS     Y0, (DI)
	VMOVUPS     Y1, 32(DI)
	VZEROUPPER
	RET
