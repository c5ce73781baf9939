//go:build mips || mips64 || ppc64 || s390x

package asm

import "math/bits"

// fromLittleEndian converts a word loaded from memory to the little-endian
// byte order Word promises: on this big-endian architecture, a byte swap.
func fromLittleEndian[W ~uint64](w W) W { return W(bits.ReverseBytes64(uint64(w))) }
