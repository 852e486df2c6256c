//go:build !noasm

#include "textflag.h"

// Offsets into courseArgs (course_amd64.go; TestCourseArgsLayout keeps
// them true).
#define V 0
#define U 8
#define F 16
#define H0 24
#define H1 32
#define CLS 40
#define TAB 48
#define N 56
#define K 64
#define K2 72
#define K1 104
#define K0 136
#define DT 168
#define PEAK 200
#define TH 232
#define E0 264
#define E1 296
#define DECAY 328
#define ONE 360

// CLASSPAIR loads the two float64s at byte offset off of the class rows
// of neurons j..j+3 (R11 = j) into Y6 = [x0 y0 x2 y2], Y7 = [x1 y1 x3 y3].
#define CLASSPAIR(off) \
	MOVBQZX 0(R8)(R11*1), R12 \
	SHLQ    $5, R12 \
	VMOVUPD off(R9)(R12*1), X6 \
	MOVBQZX 2(R8)(R11*1), R12 \
	SHLQ    $5, R12 \
	VINSERTF128 $1, off(R9)(R12*1), Y6, Y6 \
	MOVBQZX 1(R8)(R11*1), R13 \
	SHLQ    $5, R13 \
	VMOVUPD off(R9)(R13*1), X7 \
	MOVBQZX 3(R8)(R11*1), R13 \
	SHLQ    $5, R13 \
	VINSERTF128 $1, off(R9)(R13*1), Y7, Y7

// func courseCondAVX2(a *courseArgs)
//
// courseCondCellsInPlace (K = 2) and courseCondCellsInPlace1 (K = 1) for
// float64, four neurons a step: every lane runs the scalar loop's
// operations in its order (no fused multiply-add), so each result has the
// same bits. Both branches of the reset are computed and blended.
TEXT ·courseCondAVX2(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), DX
	MOVQ V(DX), AX
	MOVQ U(DX), BX
	MOVQ F(DX), CX
	MOVQ H0(DX), SI
	MOVQ H1(DX), DI
	MOVQ CLS(DX), R8
	MOVQ TAB(DX), R9
	MOVQ N(DX), R10
	MOVQ K(DX), R14
	XORQ R11, R11
	TESTQ R10, R10
	JZ done

loop:
	VMOVUPD (AX)(R11*8), Y0 // v
	VMOVUPD (BX)(R11*8), Y1 // u
	VMOVUPD (SI)(R11*8), Y2 // g0
	VMULPD  DECAY(DX), Y2, Y4
	VMOVUPD Y4, (SI)(R11*8) // h0 = decay*g0
	VMULPD  E0(DX), Y2, Y4  // e0*g0
	CMPQ    R14, $1
	JEQ     one

	VMOVUPD (DI)(R11*8), Y3 // g1
	VMULPD  DECAY(DX), Y3, Y5
	VMOVUPD Y5, (DI)(R11*8) // h1 = decay*g1
	VMULPD  E1(DX), Y3, Y5  // e1*g1
	VADDPD  Y5, Y4, Y4      // e0*g0 + e1*g1
	VADDPD  Y3, Y2, Y5      // g0 + g1
	VMULPD  Y0, Y5, Y5      // (g0 + g1)*v
	VSUBPD  Y5, Y4, Y4      // I
	JMP     current

one:
	VMULPD Y0, Y2, Y5 // g0*v
	VSUBPD Y5, Y4, Y4 // I = e0*g0 - g0*v

current:
	VMULPD K2(DX), Y0, Y5 // k2*v
	VADDPD K1(DX), Y5, Y5 // t = k2*v + k1
	VMULPD Y0, Y5, Y5     // t*v
	VADDPD K0(DX), Y5, Y5 // t*v + k0
	VSUBPD Y1, Y5, Y5     // - u
	VADDPD Y4, Y5, Y5     // dv = ... + I
	VMULPD DT(DX), Y5, Y5 // dt*dv
	VADDPD Y5, Y0, Y5     // vE = v + dt*dv

	CLASSPAIR(0)
	VUNPCKLPD Y7, Y6, Y8  // a
	VUNPCKHPD Y7, Y6, Y9  // b
	VMULPD    Y0, Y9, Y9  // b*v
	VSUBPD    Y1, Y9, Y9  // b*v - u
	VMULPD    Y8, Y9, Y9  // a*(b*v - u)
	VMULPD    DT(DX), Y9, Y9
	VADDPD    Y9, Y1, Y9  // uE = u + dt*a*(b*v - u)

	VMOVUPD   (CX)(R11*8), Y10 // fired
	VXORPD    Y11, Y11, Y11
	VCMPPD    $4, Y11, Y10, Y12 // fired != 0 (NaN included, as Go's !=)
	VMOVMSKPD Y12, R12
	TESTQ     R12, R12
	JNZ       fired

threshold:
	VCMPPD    $0x1d, TH(DX), Y5, Y13 // vE >= th, false for NaN
	VBLENDVPD Y13, PEAK(DX), Y5, Y0
	VANDPD    ONE(DX), Y13, Y14
	VMOVUPD   Y0, (AX)(R11*8)
	VMOVUPD   Y9, (BX)(R11*8)
	VMOVUPD   Y14, (CX)(R11*8)
	ADDQ      $4, R11
	CMPQ      R11, R10
	JB        loop

done:
	VZEROUPPER
	RET

fired:
	CLASSPAIR(16)
	VUNPCKLPD Y7, Y6, Y8      // c
	VUNPCKHPD Y7, Y6, Y6      // d
	VADDPD    Y6, Y1, Y6      // u + d
	VBLENDVPD Y12, Y8, Y5, Y5 // vE = c where fired
	VBLENDVPD Y12, Y6, Y9, Y9 // uE = u + d where fired
	JMP       threshold

// CLASSPAIR32 loads the two float32s at byte offset off of the class rows
// (16 bytes each) of neurons j..j+7 (R11 = j) into
// Y6 = [x0 y0 x1 y1 | x4 y4 x5 y5] and Y7 = [x2 y2 x3 y3 | x6 y6 x7 y7].
#define CLASSPAIR32(off) \
	MOVBQZX 0(R8)(R11*1), R12 \
	SHLQ    $4, R12 \
	VMOVQ   off(R9)(R12*1), X6 \
	MOVBQZX 1(R8)(R11*1), R12 \
	SHLQ    $4, R12 \
	VMOVHPS off(R9)(R12*1), X6, X6 \
	MOVBQZX 4(R8)(R11*1), R12 \
	SHLQ    $4, R12 \
	VMOVQ   off(R9)(R12*1), X10 \
	MOVBQZX 5(R8)(R11*1), R12 \
	SHLQ    $4, R12 \
	VMOVHPS off(R9)(R12*1), X10, X10 \
	VINSERTF128 $1, X10, Y6, Y6 \
	MOVBQZX 2(R8)(R11*1), R13 \
	SHLQ    $4, R13 \
	VMOVQ   off(R9)(R13*1), X7 \
	MOVBQZX 3(R8)(R11*1), R13 \
	SHLQ    $4, R13 \
	VMOVHPS off(R9)(R13*1), X7, X7 \
	MOVBQZX 6(R8)(R11*1), R13 \
	SHLQ    $4, R13 \
	VMOVQ   off(R9)(R13*1), X10 \
	MOVBQZX 7(R8)(R11*1), R13 \
	SHLQ    $4, R13 \
	VMOVHPS off(R9)(R13*1), X10, X10 \
	VINSERTF128 $1, X10, Y7, Y7

// func courseCondAVX2F32(a *courseArgs32)
//
// courseCondAVX2 for float32, eight neurons a step. The threshold is
// TH(DX) = the least float32 x with float64(x) >= th (courseCondVec), so
// that vE >= it exactly when float64(vE) >= th, the scalar loop's test.
TEXT ·courseCondAVX2F32(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), DX
	MOVQ V(DX), AX
	MOVQ U(DX), BX
	MOVQ F(DX), CX
	MOVQ H0(DX), SI
	MOVQ H1(DX), DI
	MOVQ CLS(DX), R8
	MOVQ TAB(DX), R9
	MOVQ N(DX), R10
	MOVQ K(DX), R14
	XORQ R11, R11
	TESTQ R10, R10
	JZ done32

loop32:
	VMOVUPS (AX)(R11*4), Y0 // v
	VMOVUPS (BX)(R11*4), Y1 // u
	VMOVUPS (SI)(R11*4), Y2 // g0
	VMULPS  DECAY(DX), Y2, Y4
	VMOVUPS Y4, (SI)(R11*4) // h0 = decay*g0
	VMULPS  E0(DX), Y2, Y4  // e0*g0
	CMPQ    R14, $1
	JEQ     one32

	VMOVUPS (DI)(R11*4), Y3 // g1
	VMULPS  DECAY(DX), Y3, Y5
	VMOVUPS Y5, (DI)(R11*4) // h1 = decay*g1
	VMULPS  E1(DX), Y3, Y5  // e1*g1
	VADDPS  Y5, Y4, Y4      // e0*g0 + e1*g1
	VADDPS  Y3, Y2, Y5      // g0 + g1
	VMULPS  Y0, Y5, Y5      // (g0 + g1)*v
	VSUBPS  Y5, Y4, Y4      // I
	JMP     current32

one32:
	VMULPS Y0, Y2, Y5 // g0*v
	VSUBPS Y5, Y4, Y4 // I = e0*g0 - g0*v

current32:
	VMULPS K2(DX), Y0, Y5 // k2*v
	VADDPS K1(DX), Y5, Y5 // t = k2*v + k1
	VMULPS Y0, Y5, Y5     // t*v
	VADDPS K0(DX), Y5, Y5 // t*v + k0
	VSUBPS Y1, Y5, Y5     // - u
	VADDPS Y4, Y5, Y5     // dv = ... + I
	VMULPS DT(DX), Y5, Y5 // dt*dv
	VADDPS Y5, Y0, Y5     // vE = v + dt*dv

	CLASSPAIR32(0)
	VSHUFPS $0x88, Y7, Y6, Y8 // a
	VSHUFPS $0xdd, Y7, Y6, Y9 // b
	VMULPS  Y0, Y9, Y9        // b*v
	VSUBPS  Y1, Y9, Y9        // b*v - u
	VMULPS  Y8, Y9, Y9        // a*(b*v - u)
	VMULPS  DT(DX), Y9, Y9
	VADDPS  Y9, Y1, Y9        // uE = u + dt*a*(b*v - u)

	VMOVUPS   (CX)(R11*4), Y10 // fired
	VXORPS    Y11, Y11, Y11
	VCMPPS    $4, Y11, Y10, Y12 // fired != 0 (NaN included, as Go's !=)
	VMOVMSKPS Y12, R12
	TESTQ     R12, R12
	JNZ       fired32

threshold32:
	VCMPPS    $0x1d, TH(DX), Y5, Y13 // vE >= th32, false for NaN
	VBLENDVPS Y13, PEAK(DX), Y5, Y0
	VANDPS    ONE(DX), Y13, Y14
	VMOVUPS   Y0, (AX)(R11*4)
	VMOVUPS   Y9, (BX)(R11*4)
	VMOVUPS   Y14, (CX)(R11*4)
	ADDQ      $8, R11
	CMPQ      R11, R10
	JB        loop32

done32:
	VZEROUPPER
	RET

fired32:
	CLASSPAIR32(8)
	VSHUFPS   $0x88, Y7, Y6, Y8 // c
	VSHUFPS   $0xdd, Y7, Y6, Y6 // d
	VADDPS    Y6, Y1, Y6        // u + d
	VBLENDVPS Y12, Y8, Y5, Y5   // vE = c where fired
	VBLENDVPS Y12, Y6, Y9, Y9   // uE = u + d where fired
	JMP       threshold32
