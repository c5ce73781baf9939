//go:build !(mips || mips64 || ppc64 || s390x)

package asm

// fromLittleEndian converts a word loaded from memory to the little-endian
// byte order Word promises; on this little-endian architecture it is the
// identity.
func fromLittleEndian[W ~uint64](w W) W { return w }
