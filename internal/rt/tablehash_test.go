package rt

import (
	"math/bits"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTableHash: a table's hash keeps a Hasher's top byte, its tophash, and
// its low bits, its bucket index, on every platform; on 64-bit ones it is
// the hasher's value. WidenHash gives back 64 bits that TableHash maps to
// the same hash.
func TestTableHash(t *testing.T) {
	for _, x := range []uint64{0, 1, 0x5a00_0000_0000_0000, 0xff00_0000_0000_0003, 0xe992_d23b_48e8_f2af, ^uint64(0)} {
		h := TableHash(x)
		require.Equal(t, uint8(x>>56), uint8(h>>(bits.UintSize-8)), "%#x: top byte", x)
		require.Equal(t, x&(1<<24-1), uint64(h)&(1<<24-1), "%#x: low 24 bits", x)
		if bits.UintSize == 64 {
			require.Equal(t, uintptr(x), h)
		}
		require.Equal(t, h, TableHash(WidenHash(h)), "%#x: widened and back", x)
		require.Equal(t, uint64(h), WidenHash(h)&(1<<bits.UintSize-1), "%#x: the hash is WidenHash's low bits", x)
	}
}
