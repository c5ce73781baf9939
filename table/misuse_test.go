package table

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

// utRecover runs f and returns what it panicked with, or nil.
func utRecover(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

type utStructKey struct {
	A any
	B int
}

// ---------------------------------------------------------------------------
// Unhashable keys.

// utBuiltinPanic returns the builtin map's panic for op ("assign", "read"
// or "delete") with key k on an empty or a non-empty map.
func utBuiltinPanic[K comparable](op string, empty bool, k, other K) any {
	return utRecover(func() {
		b := map[K]int{}
		if !empty {
			b[other] = 1
		}
		switch op {
		case "assign":
			b[k] = 1
		case "read":
			_ = b[k]
		case "delete":
			delete(b, k)
		}
	})
}

// utUnhashableOps runs every keyed operation of m with the unhashable key
// k, and requires each to panic as the builtin map does for the same
// operation on a map in the same state (empty or not): a runtime.Error of
// the same type with the same message. Where the map is not empty that
// message must be classic's, want ("runtime error: hash of unhashable type
// T"), which no Go release has changed. For an empty map it is want too
// with the Go 1.23 toolchain; Go 1.24 and later (Swiss tables) report
// "hash of unhashable type: T" for a read or delete of an empty map, and
// hmap, which checks such keys with a builtin map read, follows the
// toolchain there.
func utUnhashableOps[K comparable](t *testing.T, m *Map[K, int], name, want string, k, other K) {
	t.Helper()
	ops := []struct {
		op, builtin string
		f           func()
	}{
		{"Put", "assign", func() { m.Put(k, 1) }},
		{"Ptr", "assign", func() { m.Ptr(k) }},
		{"Get", "read", func() { m.Get(k) }},
		{"At", "read", func() { m.At(k) }},
		{"Has", "read", func() { m.Has(k) }},
		{"Delete", "delete", func() { m.Delete(k) }},
	}
	for _, o := range ops {
		t.Run(name+"/"+o.op, func(t *testing.T) {
			count, empty := m.count, m.count == 0
			bp := utBuiltinPanic(o.builtin, empty, k, other)
			bErr, ok := bp.(runtime.Error)
			require.True(t, ok, "builtin panic %T", bp)
			require.Contains(t, bErr.Error(), "hash of unhashable type")
			if !empty {
				require.Equal(t, want, bErr.Error())
			}
			got := utRecover(o.f)
			require.NotNil(t, got, "no panic")
			err, ok := got.(runtime.Error)
			require.True(t, ok, "panic value %T (%v) is not a runtime.Error", got, got)
			require.Equal(t, bErr.Error(), err.Error())
			require.Equal(t, fmt.Sprintf("%T", bp), fmt.Sprintf("%T", got))
			// The key is hashed before the write mark is set (mapassign,
			// mapdelete), so a failed write leaves the map as it was.
			require.GreaterOrEqual(t, m.count, 0, "the write mark was left set")
			require.Equal(t, count, m.count)
			utInv(t, m)
		})
	}
}

func TestMisuseUnhashableKeys(t *testing.T) {
	for _, k := range []any{[]int{1}, map[int]int{}, func() {}} {
		// The Go 1.23 runtime's message (alg.go: errorString("hash of
		// unhashable type " + t.string()), a runtime.Error), checked
		// against the builtin map's panic for an insert into a non-empty
		// map, which is the same in every Go release.
		want := fmt.Sprintf("runtime error: hash of unhashable type %T", k)
		bp := utBuiltinPanic[any]("assign", false, k, 1)
		_, ok := bp.(runtime.Error)
		require.True(t, ok, "builtin panic %T", bp)
		require.Equal(t, want, fmt.Sprint(bp))
		typ := fmt.Sprintf("%T", k)

		empty := New[any, int](0, WithSeed(1))
		utUnhashableOps(t, empty, typ+"/empty", want, k, 1)

		full := New[any, int](0, WithSeed(1))
		for i := 0; i < 20; i++ {
			full.Put(i, i)
		}
		full.Put("s", 1)
		utUnhashableOps(t, full, typ+"/non-empty", want, k, 1)

		// The zero Map: Get and Delete leave it uninitialised (count 0:
		// mapaccess and mapdelete check the key anyway); Put initialises
		// it before hashing.
		var zero Map[any, int]
		utUnhashableOps(t, &zero, typ+"/zero", want, k, 1)
		require.NotNil(t, zero.hashfn)

		// A hasher other than the runtime's panics the same way.
		weak := New[any, int](0, WithSeed(1), WithHasher[any](hash.Func[any](func(any, uint64) uint64 { return 0 })))
		utUnhashableOps(t, weak, typ+"/hash.Func-empty", want, k, 1)
		weak.Put(1, 1)
		utUnhashableOps(t, weak, typ+"/hash.Func", want, k, 1)
	}

	// An interface inside a struct key: the message names the dynamic type.
	sk, other := utStructKey{A: []int{1}}, utStructKey{A: 1}
	want := "runtime error: hash of unhashable type []int"
	require.Equal(t, want, fmt.Sprint(utBuiltinPanic("assign", false, sk, other)))
	ms := New[utStructKey, int](0, WithSeed(1))
	utUnhashableOps(t, ms, "struct/empty", want, sk, other)
	ms.Put(other, 1)
	utUnhashableOps(t, ms, "struct/non-empty", want, sk, other)
}

// ---------------------------------------------------------------------------
// Concurrent misuse, simulated: the write mark set as by a write in
// progress on another goroutine.

func TestMisuseWriteFlag(t *testing.T) {
	const (
		writes = "concurrent map writes"
		readW  = "concurrent map read and map write"
		iterW  = "concurrent map iteration and map write"
		cloneW = "concurrent map clone and map write"
	)
	m := utNewID[int, int](0)
	for k := 0; k < 20; k++ {
		m.Put(k, k)
	}
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"Put existing", func() { m.Put(1, 5) }, writes},
		{"Put new", func() { m.Put(100, 1) }, writes},
		{"Ptr", func() { m.Ptr(2) }, writes},
		{"Delete present", func() { m.Delete(3) }, writes},
		{"Delete absent", func() { m.Delete(300) }, writes},
		{"Clear", func() { m.Clear() }, writes},
		{"Get", func() { m.Get(1) }, readW},
		{"At", func() { m.At(1) }, readW},
		{"Has", func() { m.Has(1) }, readW},
		{"Clone", func() { m.Clone() }, cloneW},
		{"All", func() {
			for range m.All() {
			}
		}, iterW},
		{"Keys", func() {
			for range m.Keys() {
			}
		}, iterW},
		{"Values", func() {
			for range m.Values() {
			}
		}, iterW},
	}
	for _, c := range cases {
		hdr, view := utHeaderOf(m), m.Inspect()
		m.count |= writing
		require.PanicsWithValue(t, c.want, c.f, c.name)
		require.Negative(t, m.count, "%s: the other write's mark stays", c.name)
		// Iterations set their bits before their first step checks.
		m.count &^= writing
		m.flags &^= flagIterator | flagOldIterator
		require.Equal(t, hdr, utHeaderOf(m), c.name)
		require.Equal(t, view.Buckets, m.Inspect().Buckets, c.name)
		utInv(t, m)
	}

	// A step of an iteration already under way.
	n := 0
	got := utRecover(func() {
		for range m.All() {
			n++
			if n == 3 {
				m.count |= writing
			}
		}
	})
	require.Equal(t, iterW, got)
	require.Equal(t, 3, n)
	m.count &^= writing
	utInv(t, m)

	// On an empty map the runtime returns before looking at the flags for
	// reads, deletes, clear, clone and iteration; an insert still checks.
	e := utNewID[int, int](0)
	e.Put(1, 1)
	e.Delete(1)
	e.count |= writing
	for name, f := range map[string]func(){
		"Get":    func() { e.Get(1) },
		"Delete": func() { e.Delete(1) },
		"Clear":  func() { e.Clear() },
		"Clone":  func() { e.Clone() },
		"All": func() {
			for range e.All() {
			}
		},
	} {
		require.NotPanics(t, f, name)
	}
	require.PanicsWithValue(t, writes, func() { e.Put(2, 2) })
	e.count &^= writing
	utInv(t, e)
}

// Two writes that overlap past the test before hashing, as racing
// goroutines can, interleaved by hand: the second begins while the first's
// mark is set. Whichever ends second finds its mark cleared and panics,
// and the map is left with its count, without a mark: not marked as being
// written for good. (Neither changes an entry, so that the invariants that
// -tags hmapdebug checks at the end of a write hold.)
func TestRacingWritesDetected(t *testing.T) {
	for _, firstEndsFirst := range []bool{true, false} {
		m := utNewID[int, int](0)
		for k := range 5 {
			m.Put(k, k)
		}
		n1 := m.beginWrite()
		n2 := m.beginWrite()
		require.Equal(t, 5, n1)
		require.Equal(t, 5, n2, "the second write's count, without the first's mark")
		require.Negative(t, m.count)
		first, second := n1, n2
		if !firstEndsFirst {
			first, second = n2, n1
		}
		m.endWrite(first)
		require.PanicsWithValue(t, errWrites, func() { m.endWrite(second) })
		require.Equal(t, 5, m.count)
		m.Put(5, 5)
		require.Equal(t, 6, m.Len())
	}
}
