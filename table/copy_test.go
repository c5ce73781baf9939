package table

import (
	"bytes"
	"fmt"
	"reflect"
	"runtime"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/bucket"
)

// A Map copied by value after its first write shares its buckets with the
// original; writing through the copy would corrupt both. It panics instead,
// and says what to do.
func TestCopyWritePanics(t *testing.T) {
	m := New[string, int](0, WithSeed(1))
	for i := range 5 {
		m.Put(fmt.Sprint(i), i)
	}
	c := copyMap(m) // what c := *m does; go vet reports that line

	writes := map[string]func(){
		"Put":    func() { c.Put("zz", 1) },
		"Ptr":    func() { *c.Ptr("zz")++ },
		"Delete": func() { c.Delete("1") },
		"Clear":  func() { c.Clear() },
		"Shrink": func() { c.Shrink() },
	}
	for name, write := range writes {
		r := utRecover(write)
		require.NotNil(t, r, "%s through a copy did not panic", name)
		require.Contains(t, fmt.Sprint(r), "copied", name)
		require.Contains(t, fmt.Sprint(r), "*Map", name)
	}

	// The original is untouched and fully usable.
	require.Equal(t, 5, m.Len())
	require.False(t, m.Has("zz"))
	n := 0
	for range m.All() {
		n++
	}
	require.Equal(t, 5, n)
	require.NoError(t, m.checkInvariants())
	m.Put("zz", 26)
	require.Equal(t, 26, m.At("zz"))
}

// Reads through a stale copy see entries that were stored at some point,
// and never crash, whatever the original did since: grow, clear, shrink,
// with overflow buckets allocated one by one, and the original collected.
// Copies are taken at every growth, when the new array has no overflow
// bucket yet, and with pointer-free buckets, whose old chains keep their
// links after evacuation.
func TestCopyStaleReads(t *testing.T) {
	for _, hasher := range []string{"runtime", "collide"} {
		t.Run(hasher, func(t *testing.T) {
			var opts []Option
			if hasher == "collide" {
				// Four buckets' worth of hashes: long chains, overflow
				// buckets beyond the spares.
				opts = append(opts, WithHasher(utMod4{}))
			}
			m := New[int, int](0, append(opts, WithSeed(2))...)
			stored := map[[2]int]bool{}
			var copies []*Map[int, int]
			growths := 0
			put := func(k, v int) {
				m.Put(k, v)
				stored[[2]int{k, v}] = true
				if g := m.Stats().Events.Growths; g != growths {
					growths = g
					copies = append(copies, copyMap(m))
				}
			}
			for i := range 300 {
				put(i, i)
			}
			copies = append(copies, copyMap(m))
			m.Clear()
			copies = append(copies, copyMap(m))
			for i := range 200 {
				put(i+1000, -i)
			}
			for i := range 150 {
				m.Delete(i + 1000)
			}
			m.Shrink()
			copies = append(copies, copyMap(m))
			for i := range 2000 {
				put(i+2000, i)
			}
			m = nil
			runtime.GC()
			runtime.GC()
			// Reuse whatever the collector freed: a bucket freed while a
			// copy's chain still links to it would now read as garbage,
			// its overflow link a wild pointer.
			size := int(unsafe.Sizeof(bucket.Bucket[int, int]{}))
			junk := make([][]byte, 50000)
			for i := range junk {
				junk[i] = bytes.Repeat([]byte{0xa5}, size)
			}
			for _, c := range copies {
				for k := range 5000 {
					if v, ok := c.Get(k); ok {
						require.True(t, stored[[2]int{k, v}], "stale copy returns %d=%d, never stored", k, v)
					}
				}
				for k, v := range c.All() {
					require.True(t, stored[[2]int{k, v}], "stale copy yields %d=%d, never stored", k, v)
				}
			}
			runtime.KeepAlive(junk)
		})
	}
}

// utMod4 hashes an int to one of four values: every chain is long.
type utMod4 struct{}

func (utMod4) Hash(k int, _ uint64) uint64 { return uint64(k&3) * 0x9e3779b97f4a7c15 }

// copyMap returns a copy of *m made as a user's c := *m makes one.
func copyMap[K comparable, V any](m *Map[K, V]) *Map[K, V] {
	c := new(Map[K, V])
	// Through reflect, so that go vet's copylocks check, which would
	// rightly flag c := *m, lets the test make the mistake on purpose.
	reflect.ValueOf(c).Elem().Set(reflect.ValueOf(m).Elem())
	return c
}

// A zero Map copied before its first write is just another zero Map.
func TestCopyBeforeFirstUse(t *testing.T) {
	a := new(Map[int, int])
	b := copyMap(a)
	a.Put(1, 1)
	b.Put(2, 2)
	require.Equal(t, 1, a.Len())
	require.Equal(t, 1, b.Len())
	require.False(t, a.Has(2))
	require.False(t, b.Has(1))
}

// A Map on the stack keeps working when the goroutine's stack moves: the
// copy check must not mistake a moved map for a copy.
func TestCopyCheckSurvivesStackGrowth(t *testing.T) {
	var m Map[int, int]
	m.Put(1, 1)
	growStack(200)
	m.Put(2, 2)
	require.Equal(t, 2, m.Len())
	require.Equal(t, 2, m.At(2))
}

//go:noinline
func growStack(n int) int {
	var pad [256]byte
	if n == 0 {
		return int(pad[0])
	}
	return growStack(n-1) + int(pad[n%256])
}
