package concurrent

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

// finishes runs f on another goroutine and fails the test if it has not
// returned within a generous deadline: a wedged map never returns.
func finishes(t *testing.T, what string, f func()) {
	t.Helper()
	if ok, _ := returnsWithin(20*time.Second, f); !ok {
		buf := make([]byte, 1<<16)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("%s: still blocked after 20s: the map is wedged\n%s", what, buf)
	}
}

// recoverValue runs f and returns what it panicked with, nil if nothing.
func recoverValue(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

// returnsWithin runs f on another goroutine and reports whether it
// returned within d; done waits until it has.
func returnsWithin(d time.Duration, f func()) (ok bool, done func()) {
	c := make(chan struct{})
	go func() {
		defer close(c)
		f()
	}()
	select {
	case <-c:
		return true, func() {}
	case <-time.After(d):
		return false, func() { <-c }
	}
}

// usable checks that every kind of operation still completes on m, and
// that key still holds want.
func usable(t *testing.T, m *Map[int, any], key int, want any) {
	t.Helper()
	finishes(t, "Store to every bucket", func() {
		for k := 1000; k < 2000; k++ {
			m.Store(k, k)
		}
	})
	finishes(t, "Snapshot", func() { m.Snapshot().Close() })
	finishes(t, "Range", func() { m.Range(func(int, any) bool { return true }) })
	v, ok := m.Load(key)
	require.True(t, ok)
	require.Equal(t, want, v)
	finishes(t, "Clear", m.Clear)
	require.Zero(t, m.Len())
}

func TestComputePanicReleases(t *testing.T) {
	m := New[int, any](0)
	m.Store(1, "one")
	require.PanicsWithValue(t, "callback", func() {
		m.Compute(1, func(any, bool) (any, ComputeOp) { panic("callback") })
	})
	usable(t, m, 1, "one")
}

// The library's own comparison panics for a V holding a slice, as
// sync.Map's CompareAndSwap does; the map stays usable, as sync.Map does.
func TestCompareAndSwapIncomparable(t *testing.T) {
	m := New[int, any](0)
	m.Store(1, []int{1})
	require.PanicsWithError(t, "runtime error: comparing uncomparable type []int", func() {
		CompareAndSwap(m, 1, any([]int{1}), any(2))
	})
	require.Panics(t, func() { CompareAndDelete(m, 1, any([]int{1})) })
	usable(t, m, 1, []int{1})
}

// panicky is a hasher that, armed, panics on the keys 0 to 199 and no
// other: a write of another key then gets past its own hash and panics
// inside the write, when a growth rehashes the stored keys it moves.
type panicky struct {
	armed *atomic.Bool
	inner hash.Seeded[int]
}

func (p panicky) Hash(k int, seed uint64) uint64 {
	if p.armed.Load() && k >= 0 && k < 200 {
		panic(fmt.Sprintf("hasher: %d", k))
	}
	return p.inner.Hash(k, seed)
}

func TestHasherPanicDuringGrowth(t *testing.T) {
	armed := new(atomic.Bool)
	m := New[int, any](0, WithHasher[int](panicky{armed: armed, inner: hash.NewSeeded[int]()}))
	for k := range 200 {
		m.Store(k, k)
	}
	// Find a write that starts a growth, then arm the hasher so that the
	// next write, which must move old buckets, panics inside the move.
	k := 200
	for ; !m.Stats().Growing; k++ {
		m.Store(k, k)
	}
	armed.Store(true)
	r := func() (r any) {
		defer func() { r = recover() }()
		for k := -1; ; k-- { // until a write moves an old bucket holding a key below 200
			m.Store(k, k)
		}
	}()
	require.Contains(t, fmt.Sprint(r), "hasher: ")
	armed.Store(false)
	for i := range k {
		v, ok := m.Load(i)
		require.True(t, ok, "key %d", i)
		require.Equal(t, i, v)
	}
	usable(t, m, 0, 0)
}

// TestFaultInjection: eight goroutines write their own keys, and a tenth
// of their Computes panic; whatever panicked changed nothing, and the map
// ends holding exactly what each goroutine's model says.
func TestFaultInjection(t *testing.T) {
	const workers, ops, keys = 8, 4000, 64
	m := New[int, any](0)
	models := make([]map[int]any, workers)
	var wg sync.WaitGroup
	for w := range workers {
		models[w] = map[int]any{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 1))
			model := models[w]
			for i := range ops {
				k := w*keys + r.IntN(keys)
				switch r.IntN(5) {
				case 0:
					m.Store(k, i)
					model[k] = i
				case 1:
					m.Delete(k)
					delete(model, k)
				case 2:
					func() {
						defer func() { _ = recover() }()
						m.Compute(k, func(old any, loaded bool) (any, ComputeOp) {
							if r.IntN(10) == 0 {
								panic("injected")
							}
							model[k] = i
							return i, UpdateOp
						})
					}()
				case 3:
					func() {
						defer func() { _ = recover() }()
						// V = any: against a slice the comparison panics;
						// against an int it is false. Either way nothing
						// is swapped, and the model stays as it is.
						CompareAndSwap(m, k, any([]int{i}), any(i))
					}()
				case 4:
					if r.IntN(2) == 0 {
						m.Store(k, []int{i})
						model[k] = []int{i}
					} else {
						_, _ = m.LoadOrStore(k, i)
						if _, ok := model[k]; !ok {
							model[k] = i
						}
					}
				}
			}
		}()
	}
	finishes(t, "the workers", wg.Wait)
	want := map[int]any{}
	for _, model := range models {
		for k, v := range model {
			want[k] = v
		}
	}
	got := map[int]any{}
	m.Range(func(k int, v any) bool {
		got[k] = v
		return true
	})
	require.Equal(t, want, got)
	require.Equal(t, len(want), m.Len())
}

// flaky is a hasher that, armed, panics one time in eight on the keys 0 to
// 199 and never on others: the writes that panic are those whose growth
// help or Shrink rehashes one of those keys.
type flaky struct {
	armed *atomic.Bool
	inner hash.Seeded[int]
}

func (f flaky) Hash(k int, seed uint64) uint64 {
	if f.armed.Load() && k >= 0 && k < 200 && rand.IntN(8) == 0 {
		panic(fmt.Sprintf("hasher: %d", k))
	}
	return f.inner.Hash(k, seed)
}

// TestFaultInjectionHasher: eight goroutines write their own keys while
// the hasher panics now and then on keys they never use, which growths and
// Shrink rehash as they move them. A write that panics changes nothing;
// the map ends holding each goroutine's model and the 200 keys it started
// with, its growths complete, and its structure checks out.
func TestFaultInjectionHasher(t *testing.T) {
	const workers, ops, keys = 8, 3000, 256
	armed := new(atomic.Bool)
	m := New[int, int](0, WithHasher[int](flaky{armed: armed, inner: hash.NewSeeded[int]()}))
	for k := range 200 {
		m.Store(k, -k)
	}
	armed.Store(true)
	models := make([]map[int]int, workers)
	panics := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		models[w] = map[int]int{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 2))
			model := models[w]
			try := func(f func()) (ok bool) {
				defer func() {
					if recover() != nil {
						panics[w]++
					}
				}()
				f()
				return true
			}
			for i := range ops {
				k := 1000 + w*keys + r.IntN(keys)
				switch r.IntN(6) {
				case 0, 1:
					if try(func() { m.Store(k, i) }) {
						model[k] = i
					}
				case 2:
					if try(func() { m.Delete(k) }) {
						delete(model, k)
					}
				case 3:
					var v int
					var loaded bool
					if try(func() { v, loaded = m.LoadOrStore(k, i) }) {
						mv, mok := model[k]
						if loaded != mok || loaded && v != mv {
							t.Errorf("LoadOrStore(%d) = %d, %v; model %d, %v", k, v, loaded, mv, mok)
							return
						}
						if !loaded {
							model[k] = i
						}
					}
				case 4:
					if try(func() {
						m.Compute(k, func(old int, loaded bool) (int, ComputeOp) { return old + 1, UpdateOp })
					}) {
						model[k]++
					}
				case 5:
					if i%100 == 0 {
						try(func() { m.Shrink() })
					} else if v, ok := m.Load(k); ok != hasKey(model, k) || ok && v != model[k] {
						t.Errorf("Load(%d) = %d, %v; model %d", k, v, ok, model[k])
						return
					}
				}
			}
		}()
	}
	finishes(t, "the workers", wg.Wait)
	armed.Store(false)
	want := map[int]int{}
	for k := range 200 {
		want[k] = -k
	}
	total := 0
	for w, model := range models {
		for k, v := range model {
			want[k] = v
		}
		total += panics[w]
	}
	require.NotZero(t, total, "no write panicked: the test tests nothing")
	got := map[int]int{}
	m.Range(func(k, v int) bool {
		got[k] = v
		return true
	})
	require.Equal(t, want, got)
	require.Equal(t, len(want), m.Len())
	m.Shrink() // completes any growth left, with the hasher quiet
	require.NoError(t, checkInvariants(m))
	t.Logf("%d writes panicked in the hasher", total)
}

func hasKey(m map[int]int, k int) bool { _, ok := m[k]; return ok }
