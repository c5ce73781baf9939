//go:build mips || mips64 || ppc64 || s390x

package asm

import "math/bits"

// fromLittleEndian converts a word loaded from memory to the little-endian
// byte order Word promises: on this big-endian architecture, a byte swap.
func fromLittleEndian(w uint64) uint64 { return bits.ReverseBytes64(w) }
