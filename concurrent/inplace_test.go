package concurrent

import (
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValueMode(t *testing.T) {
	type pair32 struct{ A, B int32 }
	type withPtr struct{ P *int }
	type small struct{ A int32 }
	for _, c := range []struct {
		name string
		got  uint8
		want uint8
	}{
		{"int64 value", valueMode[int, int64](), valueBits},
		{"float64 value", valueMode[int, float64](), valueBits},
		{"[8]byte value", valueMode[int, [8]byte](), valueWhole},      // 1-aligned
		{"struct of two int32", valueMode[int, pair32](), valueWhole}, // 4-aligned
		{"uint64 value, pointer key", valueMode[*int, uint64](), valueBits},
		{"pointer value", valueMode[int, *int](), valuePtr},
		{"map value", valueMode[int, map[int]int](), valuePtr},
		{"func value", valueMode[int, func()](), valuePtr},
		{"chan value", valueMode[int, chan int](), valuePtr},
		{"struct holding a pointer", valueMode[int, withPtr](), valueWhole},
		{"string value", valueMode[int, string](), valueWhole},
		{"4-byte value", valueMode[int, small](), valueWhole},
		{"interface value", valueMode[int, any](), valueWhole},
		{"float key: +0 and -0 are equal, not identical", valueMode[float64, int](), valueWhole},
		{"string key", valueMode[string, int](), valueWhole},
		{"interface key", valueMode[any, int](), valueWhole},
		{"struct key of ints", valueMode[struct{ a, b int }, int](), valueBits},
		{"struct key with a float", valueMode[struct {
			a int
			f float32
		}, int](), valueWhole},
	} {
		require.Equal(t, c.want, c.got, c.name)
	}
}

// A Store to a present key of a map with word-sized values allocates
// nothing while no snapshot is alive; with one alive it publishes a new
// entry, which the snapshot does not see.
func TestStoreInPlace(t *testing.T) {
	m := New[int, int64](0)
	for k := range 100 {
		m.Store(k, 0)
	}
	require.Zero(t, testing.AllocsPerRun(100, func() { m.Store(7, 1) }))
	p := New[int, *int](0)
	x, y := new(int), new(int)
	p.Store(1, x)
	require.Zero(t, testing.AllocsPerRun(100, func() { p.Store(1, y) }))
	s := New[int, string](0)
	s.Store(1, "a")
	require.Equal(t, 1.0, testing.AllocsPerRun(100, func() { s.Store(1, "b") }), "a string value takes a new entry")

	snap := m.Snapshot()
	m.Store(7, 2)
	v, _ := snap.Get(7)
	require.EqualValues(t, 1, v)
	v, _ = m.Load(7)
	require.EqualValues(t, 2, v)
	snap.Close()
	m.Store(7, 3)
	v, _ = m.Load(7)
	require.EqualValues(t, 3, v)
	require.NoError(t, checkInvariants(m))

	// Swap, Compute and CompareAndSwap see the value a Store wrote in place.
	old, loaded := m.Swap(7, 4)
	require.True(t, loaded)
	require.EqualValues(t, 3, old)
	got, ok := m.Compute(7, func(v int64, _ bool) (int64, ComputeOp) { return v * 10, UpdateOp })
	require.True(t, ok)
	require.EqualValues(t, 40, got)
	require.True(t, CompareAndSwap(m, 7, 40, 41))
	actual, loaded := m.LoadOrStore(7, 0)
	require.True(t, loaded)
	require.EqualValues(t, 41, actual)
}

// A value overwritten in place is collectable, and pointer values written
// in place survive collections while readers load them: the store goes
// through the write barrier.
func TestStoreInPlacePointers(t *testing.T) {
	type payload struct {
		n   int
		Pad [64]byte
	}
	m := New[int, *payload](0)
	first := &payload{n: -1}
	freed := make(chan struct{})
	runtime.SetFinalizer(first, func(*payload) { close(freed) })
	m.Store(0, first)
	first = nil
	m.Store(0, &payload{n: 0})
	collected := false
	for range 50 {
		runtime.GC()
		select {
		case <-freed:
			collected = true
		default:
		}
		if collected {
			break
		}
	}
	require.True(t, collected, "the value overwritten in place is still reachable")

	const keys, rounds = 16, 20000
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for w := range 2 {
		wg.Add(2)
		go func() { // writer: each value's n is its key
			defer wg.Done()
			for i := range rounds {
				k := (i + w) % keys
				m.Store(k, &payload{n: k})
				if i%1000 == 0 {
					runtime.GC()
				}
			}
		}()
		go func() { // reader: a value read must be intact
			defer wg.Done()
			for i := range rounds {
				k := i % keys
				if v, ok := m.Load(k); ok && v.n != k && !(k == 0 && v.n <= 0) {
					errs <- "a loaded value was overwritten"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	require.NoError(t, checkInvariants(m))
}
