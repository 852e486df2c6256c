//go:build !noasm

#include "textflag.h"

// func prefetchRow(a unsafe.Pointer, na int, b unsafe.Pointer, nb int)
//
// PREFETCHT0 of the cache lines of [a, a+na), then of [b, b+nb), at most
// 32 lines of each: a longer row is a sequential stream that the hardware
// prefetcher follows.
TEXT ·prefetchRow(SB), NOSPLIT, $0-32
	MOVQ    a+0(FP), AX
	MOVQ    na+8(FP), CX
	TESTQ   CX, CX
	JLE     second
	ADDQ    AX, CX        // the end
	ANDQ    $~63, AX      // the first line
	MOVQ    AX, DX
	ADDQ    $2048, DX     // 32 lines on
	CMPQ    CX, DX
	CMOVQHI DX, CX
loopa:
	PREFETCHT0 (AX)
	ADDQ    $64, AX
	CMPQ    AX, CX
	JB      loopa

second:
	MOVQ    b+16(FP), AX
	MOVQ    nb+24(FP), CX
	TESTQ   CX, CX
	JLE     done
	ADDQ    AX, CX
	ANDQ    $~63, AX
	MOVQ    AX, DX
	ADDQ    $2048, DX
	CMPQ    CX, DX
	CMOVQHI DX, CX
loopb:
	PREFETCHT0 (AX)
	ADDQ    $64, AX
	CMPQ    AX, CX
	JB      loopb

done:
	RET
