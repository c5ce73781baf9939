#include "textflag.h"

// func Repack16(dst, src *[2]uint64)
TEXT ·Repack16(SB), NOSPLIT, $0-16
	MOVQ	dst+0(FP), DI
	MOVQ	src+8(FP), SI
	MOVQ	0(SI), AX
	MOVQ	8(SI), BX
	MOVQ	AX, X0
	PINSRQ	$1, BX, X0
	MOVOU	X0, 0(DI)
	RET
