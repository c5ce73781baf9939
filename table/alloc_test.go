package table

import (
	"math"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestZeroAllocs checks that reads, updates and deletes allocate nothing,
// for a fixed-size key and for a string key (whose hashing takes a pointer
// to a key the caller passed by value).
func TestZeroAllocs(t *testing.T) {
	if debugInvariants {
		t.Skip("with -tags hmapdebug every write walks the table, which allocates; the default build is the one measured")
	}
	const n = 1000
	mi := New[int64, int64](n)
	ms := New[string, int64](n)
	keys := make([]string, n)
	for i := range n {
		keys[i] = "key-" + strconv.Itoa(i)
		mi.Put(int64(i), int64(i))
		ms.Put(keys[i], int64(i))
	}
	var i int
	next := func() int { i = (i + 7) % n; return i }
	ops := map[string]func(){
		"int64/Get":    func() { mi.Get(int64(next())) },
		"int64/miss":   func() { mi.Get(int64(n + next())) },
		"int64/At":     func() { mi.At(int64(next())) },
		"int64/Has":    func() { mi.Has(int64(next())) },
		"int64/update": func() { k := int64(next()); mi.Put(k, k+1) },
		"int64/Ptr":    func() { *mi.Ptr(int64(next()))++ },
		"int64/delete-reinsert": func() {
			k := int64(next())
			mi.Delete(k)
			mi.Put(k, k)
		},
		"string/Get":    func() { ms.Get(keys[next()]) },
		"string/miss":   func() { ms.Get("absent") },
		"string/update": func() { k := next(); ms.Put(keys[k], int64(k)) },
		"string/delete-reinsert": func() {
			k := next()
			ms.Delete(keys[k])
			ms.Put(keys[k], int64(k))
		},
	}
	for name, op := range ops {
		if got := testing.AllocsPerRun(200, op); got != 0 {
			t.Errorf("%s: %v allocations per call, want 0", name, got)
		}
	}
	if mi.Len() != n || ms.Len() != n {
		t.Fatalf("Len = %d, %d after the runs, want %d", mi.Len(), ms.Len(), n)
	}
}

// TestCloneAllocatesOnlyTheCopy checks that Clone of a map that is not
// growing allocates the copy's buckets and bookkeeping (the header, and the
// list that keeps overflow buckets allocated outside the array alive) and
// no per-bucket scratch state: it used to allocate 32 bytes per bucket, a
// fifth of an int64 table, 8 MiB for a million string keys.
func TestCloneAllocatesOnlyTheCopy(t *testing.T) {
	n := int64(50_000)
	if debugInvariants {
		n = 1 << 12 // each write walks the whole table: keep it quadratic in less
	}
	m := New[int64, int64](0)
	for k := range n {
		m.Put(k, k)
	}
	require.False(t, m.Stats().Growing)
	allocated := func() uint64 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.TotalAlloc
	}
	// TotalAlloc counts every goroutine's allocations, which only add:
	// take the least of five.
	least, tableBytes := uint64(math.MaxUint64), uint64(0)
	for range 5 {
		before := allocated()
		c := m.Clone()
		least = min(least, allocated()-before)
		tableBytes = uint64(c.Stats().BytesAllocated)
		require.Equal(t, m.Len(), c.Len())
	}
	require.LessOrEqual(t, least, tableBytes+tableBytes/16, "Clone allocated %d bytes for a table of %d", least, tableBytes)
}
