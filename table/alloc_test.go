package table

import (
	"strconv"
	"testing"
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
