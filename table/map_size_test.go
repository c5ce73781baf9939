package table

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// The header is small: what every map pays for, whatever it holds. Rarely
// used state lives behind extra, allocated when first needed; the old
// array behind growth, while a growth is in progress.
func TestHeaderSize(t *testing.T) {
	require.LessOrEqual(t, unsafe.Sizeof(Map[int64, int64]{}), uintptr(96))
	require.LessOrEqual(t, unsafe.Sizeof(Map[string, [64]byte]{}), uintptr(96), "the header does not depend on K and V")

	// A small map filled and read with default options has no extra.
	m := New[int64, int64](0)
	for i := range int64(8) {
		m.Put(i, i)
	}
	for i := range int64(8) {
		require.Equal(t, i, m.At(i))
	}
	for range m.All() {
	}
	m.Delete(3)
	if !probesEnabled { // (with -tags hmapprobe every map counts)
		require.Nil(t, m.extra, "no extra for a map that never needed one")
	}
}
