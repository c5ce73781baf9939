package concurrent

import (
	"runtime"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

func TestValueMode(t *testing.T) {
	type pair32 struct{ A, B int32 }
	type withPtr struct{ P *int }
	type small struct{ A int32 }
	for _, c := range []struct {
		name    string
		mode    uint8
		inplace bool
		want    uint8
		wantIn  bool
	}{
		{"int64 value", valueMode[int64](), inPlace[int, int64](), valueBits, true},
		{"float64 value", valueMode[float64](), inPlace[int, float64](), valueBits, true},
		{"[8]byte value: 1-aligned", valueMode[[8]byte](), inPlace[int, [8]byte](), valueWhole, false},
		{"struct of two int32: 4-aligned", valueMode[pair32](), inPlace[int, pair32](), valueWhole, false},
		{"uint64 value, pointer key", valueMode[uint64](), inPlace[*int, uint64](), valueBits, true},
		{"pointer value", valueMode[*int](), inPlace[int, *int](), valuePtr, true},
		{"map value", valueMode[map[int]int](), inPlace[int, map[int]int](), valuePtr, true},
		{"func value", valueMode[func()](), inPlace[int, func()](), valuePtr, true},
		{"chan value", valueMode[chan int](), inPlace[int, chan int](), valuePtr, true},
		{"struct holding a pointer", valueMode[withPtr](), inPlace[int, withPtr](), valuePtr, true},
		{"string value", valueMode[string](), inPlace[int, string](), valueWhole, false},
		{"4-byte value", valueMode[small](), inPlace[int, small](), valueWhole, false},
		{"interface value", valueMode[any](), inPlace[int, any](), valueWhole, false},
		{"float key: +0 and -0 are equal, not identical", valueMode[int](), inPlace[float64, int](), valueBits, false},
		{"string key, pointer value", valueMode[*int](), inPlace[string, *int](), valuePtr, false},
		{"interface key", valueMode[int](), inPlace[any, int](), valueBits, false},
		{"struct key of ints", valueMode[int](), inPlace[struct{ a, b int }, int](), valueBits, true},
		{"struct key with a float", valueMode[int](), inPlace[struct {
			a int
			f float32
		}, int](), valueBits, false},
	} {
		want, wantIn := c.want, c.wantIn
		if unsafe.Sizeof(uintptr(0)) != 8 {
			// A word is 8 bytes and a pointer wide: on 32-bit platforms
			// no value is one (an int64 is 4-aligned there, which a
			// 64-bit atomic does not take).
			want, wantIn = valueWhole, false
		}
		require.Equal(t, want, c.mode, c.name)
		require.Equal(t, wantIn, c.inplace, c.name)
	}
}

// A Store to a present key of a map with word-sized values allocates
// nothing while no snapshot is alive; with one alive it publishes a new
// entry, which the snapshot does not see.
func TestStoreInPlace(t *testing.T) {
	// On 32-bit platforms no value is one word (see TestValueMode): each
	// update publishes a new entry.
	var entryAllocs float64
	if unsafe.Sizeof(uintptr(0)) != 8 {
		entryAllocs = 1
	}
	m := New[int, int64](0)
	for k := range 100 {
		m.Store(k, 0)
	}
	require.Equal(t, entryAllocs, testing.AllocsPerRun(100, func() { m.Store(7, 1) }))
	require.Equal(t, entryAllocs, testing.AllocsPerRun(100, func() {
		m.Compute(8, func(v int64, _ bool) (int64, ComputeOp) { return v + 1, UpdateOp })
	}))
	p := New[int, *int](0)
	x, y := new(int), new(int)
	p.Store(1, x)
	require.Equal(t, entryAllocs, testing.AllocsPerRun(100, func() { p.Store(1, y) }))
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
