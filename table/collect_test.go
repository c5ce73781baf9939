package table_test

import (
	"iter"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/table"
)

// pairs yields the given keys and values in order, duplicates included.
func pairs[K comparable, V any](ps ...kv[K, V]) iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for _, p := range ps {
			if !yield(p.k, p.v) {
				return
			}
		}
	}
}

// entries returns m's entries as a builtin map, for comparison.
func entries[K comparable, V any](m *table.Map[K, V]) map[K]V {
	return maps.Collect(m.All())
}

func TestCollect(t *testing.T) {
	seq := pairs(kv[string, int]{"a", 1}, kv[string, int]{"b", 2}, kv[string, int]{"a", 3})
	m := table.Collect(seq)
	require.Equal(t, maps.Collect(seq), entries(m))
	require.Equal(t, 3, m.At("a"), "later pairs win")
	require.NoError(t, table.CheckInvariants(m))

	big := table.Collect(maps.All(map[int]int{1: 1, 2: 4, 3: 9}), table.WithSeed(7))
	require.Equal(t, map[int]int{1: 1, 2: 4, 3: 9}, entries(big))

	empty := table.Collect(pairs[string, int]())
	require.NotNil(t, empty)
	require.Equal(t, 0, empty.Len())
}

// Collect keeps every NaN key, as maps.Collect does.
func TestCollectNaN(t *testing.T) {
	nan := math.NaN()
	seq := pairs(kv[float64, int]{nan, 1}, kv[float64, int]{nan, 1}, kv[float64, int]{0, 2})
	require.Len(t, maps.Collect(seq), 3)
	require.Equal(t, 3, table.Collect(seq).Len())
}

// An invalid option panics with the error New panics with.
func TestCollectInvalidOption(t *testing.T) {
	panicValue := func(f func()) (v any) {
		defer func() { v = recover() }()
		f()
		return nil
	}
	want := panicValue(func() { table.New[int, int](0, table.WithLoadFactor(9, 1)) })
	require.NotNil(t, want)
	got := panicValue(func() { table.Collect(pairs(kv[int, int]{1, 1}), table.WithLoadFactor(9, 1)) })
	require.Equal(t, want, got)
	require.Contains(t, got.(error).Error(), "WithLoadFactor")
}

func TestInsert(t *testing.T) {
	mm := map[string]int{"a": 1, "b": 2}
	m := table.Collect(maps.All(mm))
	seq := pairs(kv[string, int]{"b", 20}, kv[string, int]{"c", 30}, kv[string, int]{"c", 31})
	maps.Insert(mm, seq)
	m.Insert(seq)
	require.Equal(t, mm, entries(m))
	require.Equal(t, map[string]int{"a": 1, "b": 20, "c": 31}, entries(m))

	// Into a zero Map, and from a *Map's own iterator.
	var z table.Map[string, int]
	z.Insert(m.All())
	require.Equal(t, mm, entries(&z))
	z.Insert(z.All()) // writes during its own iteration: allowed, a no-op
	require.Equal(t, mm, entries(&z))
	require.NoError(t, table.CheckInvariants(&z))
}

// Inserting enough pairs to grow the table several times keeps every one.
func TestInsertGrows(t *testing.T) {
	m := table.New[int, string](0)
	m.Insert(func(yield func(int, string) bool) {
		for i := range 5000 {
			if !yield(i, strconv.Itoa(i)) {
				return
			}
		}
	})
	require.Equal(t, 5000, m.Len())
	require.Greater(t, m.Stats().B, uint8(8))
	for i := range 5000 {
		require.Equal(t, strconv.Itoa(i), m.At(i))
	}
	require.NoError(t, table.CheckInvariants(m))
}

func TestDeleteFunc(t *testing.T) {
	for _, n := range []int{0, 1, 8, 9, 100, 3000} {
		mm := map[int]int{}
		m := table.New[int, int](0)
		for i := range n {
			mm[i] = i * i
			m.Put(i, i*i)
		}
		del := func(k, v int) bool { return k%3 == 0 || v%7 == 1 }
		seen := 0
		m.DeleteFunc(func(k, v int) bool { seen++; return del(k, v) })
		maps.DeleteFunc(mm, del)
		require.Equal(t, n, seen, "each entry seen once")
		require.Equal(t, mm, entries(m), "n=%d", n)
		require.NoError(t, table.CheckInvariants(m))
	}
}

// DeleteFunc during a growth in progress (the insert that crosses the
// load factor starts it, and each later write moves only two old buckets)
// sees each entry once and deletes the chosen ones.
func TestDeleteFuncWhileGrowing(t *testing.T) {
	m := table.New[int, int](0, table.WithSeed(1))
	mm := map[int]int{}
	for i := 0; i < 200 || !m.Stats().Growing; i++ {
		m.Put(i, i)
		mm[i] = i
	}
	require.True(t, m.Stats().Growing)
	seen := map[int]int{}
	m.DeleteFunc(func(k, _ int) bool { seen[k]++; return k%2 == 1 })
	maps.DeleteFunc(mm, func(k, _ int) bool { return k%2 == 1 })
	require.Equal(t, mm, entries(m))
	for k, c := range seen {
		require.Equal(t, 1, c, "key %d seen %d times", k, c)
	}
	require.NoError(t, table.CheckInvariants(m))
}

// NaN keys cannot be deleted by key, from a builtin map or a *Map.
func TestDeleteFuncNaN(t *testing.T) {
	nan := math.NaN()
	seq := pairs(kv[float64, int]{nan, 1}, kv[float64, int]{1, 2}, kv[float64, int]{nan, 3})
	mm := maps.Collect(seq)
	m := table.Collect(seq)
	maps.DeleteFunc(mm, func(float64, int) bool { return true })
	m.DeleteFunc(func(float64, int) bool { return true })
	require.Len(t, mm, 2)
	require.Equal(t, 2, m.Len())
	require.Equal(t, []int{1, 3}, slices.Sorted(m.Values()))
	require.False(t, m.Has(1))
}

// A panic in del leaves the map consistent and usable, with the entries
// deleted before it gone.
func TestDeleteFuncPanic(t *testing.T) {
	m := table.New[int, int](0)
	for i := range 500 {
		m.Put(i, i)
	}
	calls := 0
	func() {
		defer func() { require.Equal(t, "boom", recover()) }()
		m.DeleteFunc(func(k, _ int) bool {
			calls++
			if calls == 200 {
				panic("boom")
			}
			return true
		})
	}()
	require.Equal(t, 500-199, m.Len())
	require.NoError(t, table.CheckInvariants(m))
	n := 0
	for range m.All() {
		n++
	}
	require.Equal(t, m.Len(), n)
	m.Put(1000, 1) // writes work: no write was left open
	m.DeleteFunc(func(int, int) bool { return true })
	require.Equal(t, 0, m.Len())
	require.NoError(t, table.CheckInvariants(m))
}

func TestDeleteFuncNil(t *testing.T) {
	var m *table.Map[string, int]
	m.DeleteFunc(func(string, int) bool { panic("called") })
}

func TestEqual(t *testing.T) {
	a := table.New[string, int](0, table.WithSeed(1))
	b := table.New[string, int](100, table.WithSeed(2)) // other size and layout
	for i := range 50 {
		a.Put(strconv.Itoa(i), i)
		b.Put(strconv.Itoa(49-i), 49-i)
	}
	require.True(t, table.Equal(a, b))
	require.True(t, table.Equal(b, a))

	b.Put("7", 8) // a value differs
	require.False(t, table.Equal(a, b))
	b.Put("7", 7)
	b.Delete("7")
	b.Put("x", 7) // same length, a key differs
	require.Equal(t, a.Len(), b.Len())
	require.False(t, table.Equal(a, b))
	require.False(t, table.Equal(b, a))
	b.Delete("x")
	require.False(t, table.Equal(a, b)) // lengths differ
	b.Put("7", 7)
	require.True(t, table.Equal(a, b))
}

func TestEqualNilAndEmpty(t *testing.T) {
	var nilMap *table.Map[int, int]
	empty := table.New[int, int](0)
	var zero table.Map[int, int]
	one := table.Collect(pairs(kv[int, int]{0, 0}))
	require.True(t, table.Equal(nilMap, nilMap))
	require.True(t, table.Equal(nilMap, empty))
	require.True(t, table.Equal(empty, &zero))
	require.True(t, table.Equal(&zero, nilMap))
	require.False(t, table.Equal(nilMap, one))
	require.False(t, table.Equal(one, nilMap))
	require.False(t, table.Equal(one, empty))
	require.Equal(t, maps.Equal(map[int]int(nil), map[int]int{}), table.Equal(nilMap, empty))
}

// Equal follows maps.Equal on the awkward floats: a NaN key is never
// found, so its map equals nothing, itself included; a NaN value is not
// == to itself; +0 and -0 are the same key.
func TestEqualFloats(t *testing.T) {
	nan := math.NaN()
	negZero := math.Copysign(0, -1)
	cases := []struct {
		a, b []kv[float64, float64]
	}{
		{[]kv[float64, float64]{{nan, 1}}, []kv[float64, float64]{{nan, 1}}},
		{[]kv[float64, float64]{{1, nan}}, []kv[float64, float64]{{1, nan}}},
		{[]kv[float64, float64]{{0, 1}}, []kv[float64, float64]{{negZero, 1}}},
		{[]kv[float64, float64]{{1, 0}}, []kv[float64, float64]{{1, negZero}}},
		{[]kv[float64, float64]{{1, 2}}, []kv[float64, float64]{{1, 2}}},
	}
	for i, c := range cases {
		ma, ta := both(c.a)
		mb, tb := both(c.b)
		require.Equal(t, maps.Equal(ma, mb), table.Equal(ta, tb), "case %d", i)
		require.Equal(t, maps.Equal(ma, ma), table.Equal(ta, ta), "case %d with itself", i)
	}
	_, withNaN := both([]kv[float64, float64]{{nan, 1}})
	require.False(t, table.Equal(withNaN, withNaN))
}

func TestEqualFunc(t *testing.T) {
	a := table.Collect(pairs(kv[string, int]{"a", 1}, kv[string, int]{"b", 22}))
	b := table.Collect(pairs(kv[string, string]{"b", "22"}, kv[string, string]{"a", "1"}))
	eq := func(x int, y string) bool { return strconv.Itoa(x) == y }
	require.True(t, table.EqualFunc(a, b, eq))
	b.Put("a", "01")
	require.False(t, table.EqualFunc(a, b, eq))
	require.True(t, table.EqualFunc(a, b, func(x int, y string) bool {
		n, err := strconv.Atoi(y)
		return err == nil && n == x
	}))

	// NaN values are equal under a comparison that says so.
	_, fa := both([]kv[int, float64]{{1, math.NaN()}})
	_, fb := both([]kv[int, float64]{{1, math.NaN()}})
	require.False(t, table.Equal(fa, fb))
	require.True(t, table.EqualFunc(fa, fb, func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }))

	var nilMap *table.Map[string, string]
	require.True(t, table.EqualFunc(table.New[string, int](0), nilMap, eq))
	require.False(t, table.EqualFunc(a, nilMap, eq))
}

// Random maps: Equal agrees with maps.Equal on copies of the entries.
func TestEqualRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		a, b := table.New[uint8, uint8](0), table.New[uint8, uint8](0)
		for range r.IntN(40) {
			a.Put(uint8(r.IntN(30)), uint8(r.IntN(3)))
		}
		b.Insert(a.All())
		for range r.IntN(3) {
			switch r.IntN(3) {
			case 0:
				b.Put(uint8(r.IntN(30)), uint8(r.IntN(3)))
			case 1:
				b.Delete(uint8(r.IntN(30)))
			}
		}
		require.Equal(t, maps.Equal(entries(a), entries(b)), table.Equal(a, b))
		require.Equal(t, maps.Equal(entries(a), entries(b)), table.Equal(b, a))
	}
}
