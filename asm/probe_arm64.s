#include "textflag.h"

// Each byte lane i of the bit constant holds 1<<i, so after VCMEQ (0xff where
// equal) and VAND, lane i is 1<<i or 0 and VADDV sums the lanes into the
// 8-bit mask without carries.

// func MatchNEON(w uint64, top uint8) uint32
TEXT ·MatchNEON(SB), NOSPLIT, $0-20
	MOVD	w+0(FP), R0
	MOVBU	top+8(FP), R1
	MOVD	$0x8040201008040201, R2
	FMOVD	R0, F0                     // V0.B8 = the tophash bytes
	VDUP	R1, V1.B8                  // V1.B8 = top in every lane
	FMOVD	R2, F3                     // V3.B8 = {1, 2, 4, ..., 128}
	VCMEQ	V1.B8, V0.B8, V2.B8        // 0xff where equal
	VAND	V3.B8, V2.B8, V2.B8
	VADDV	V2.B8, V2                  // B[0] = sum of the lanes
	VMOV	V2.B[0], R0
	MOVW	R0, ret+16(FP)
	RET

// func EmptyNEON(w uint64) uint32
TEXT ·EmptyNEON(SB), NOSPLIT, $0-12
	MOVD	w+0(FP), R0
	MOVD	$0x8040201008040201, R2
	FMOVD	R0, F0                     // V0.B8 = the tophash bytes
	VEOR	V1.B16, V1.B16, V1.B16     // V1 = 0
	FMOVD	R2, F3                     // V3.B8 = {1, 2, 4, ..., 128}
	VUSHR	$1, V0.B8, V0.B8           // byte >> 1 is zero exactly when byte <= 1
	VCMEQ	V1.B8, V0.B8, V2.B8
	VAND	V3.B8, V2.B8, V2.B8
	VADDV	V2.B8, V2
	VMOV	V2.B[0], R0
	MOVW	R0, ret+8(FP)
	RET
