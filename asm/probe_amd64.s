#include "textflag.h"

// func MatchSSE2(w uint64, top uint8) uint32
TEXT ·MatchSSE2(SB), NOSPLIT, $0-20
	MOVQ	w+0(FP), X0          // X0 = w in the low 8 bytes, zero above
	MOVBQZX	top+8(FP), AX
	MOVQ	$0x0101010101010101, BX
	IMULQ	BX, AX               // AX = top in every byte
	MOVQ	AX, X1               // X1 = top x8 in the low 8 bytes, zero above
	PCMPEQB	X1, X0               // 0xff where equal
	PMOVMSKB	X0, AX           // one bit per byte; bits 8..15 compare the zero upper halves
	ANDL	$0xff, AX
	MOVL	AX, ret+16(FP)
	RET

// func EmptySSE2(w uint64) uint32
TEXT ·EmptySSE2(SB), NOSPLIT, $0-12
	MOVQ	w+0(FP), X0
	MOVQ	$0x0101010101010101, AX
	MOVQ	AX, X1
	PXOR	X2, X2
	PSUBUSB	X1, X0               // saturating byte - 1: zero exactly when byte <= 1
	PCMPEQB	X2, X0
	PMOVMSKB	X0, AX
	ANDL	$0xff, AX
	MOVL	AX, ret+8(FP)
	RET
