package concurrent

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

// Fault paths that fault_test.go, first_test.go, segment_test.go and
// shrink_test.go do not combine: panics while a growth is stuck on a
// bucket whose evacuation failed, with snapshots alive across the failure
// and the retry, in Shrink and Clear, in Range and All callbacks, and in
// concurrent writers that take snapshots and iterate.

// fgWatchdog ends the test binary, with every goroutine's stack, if the
// test is still running after a minute: a map wedged where the test calls
// it directly (not through finishes) would otherwise hang until go test's
// timeout. The caller defers what it returns.
func fgWatchdog(t *testing.T) (stop func()) {
	name := t.Name()
	timer := time.AfterFunc(time.Minute, func() {
		buf := make([]byte, 1<<16)
		buf = buf[:runtime.Stack(buf, true)]
		panic(fmt.Sprintf("%s: still running after a minute: the map is wedged\n%s", name, buf))
	})
	return func() { timer.Stop() }
}

// fgSnapOf returns what s holds.
func fgSnapOf[K comparable, V any](s *Snapshot[K, V]) map[K]V {
	return maps.Collect(s.All())
}

// fgRange returns what Range yields, failing on a key yielded twice.
func fgRange(t *testing.T, m *Map[int, int]) map[int]int {
	t.Helper()
	got := map[int]int{}
	m.Range(func(k, v int) bool {
		_, dup := got[k]
		require.False(t, dup, "Range yields %d twice", k)
		got[k] = v
		return true
	})
	return got
}

// fgCheck checks m against want in every way a reader sees it: Load of
// every key (but those the hasher panics on), Range, All, Len, and a
// Snapshot.
func fgCheck(t *testing.T, m *Map[int, int], want map[int]int, what string) {
	t.Helper()
	for k, v := range want {
		var got int
		var ok bool
		if r := recoverValue(func() { got, ok = m.Load(k) }); r != nil {
			require.Contains(t, fmt.Sprint(r), "hasher: ")
			continue
		}
		require.True(t, ok, "%s: Load(%d) misses", what, k)
		require.Equal(t, v, got, "%s: Load(%d)", what, k)
	}
	require.Equal(t, want, fgRange(t, m), "%s: Range", what)
	require.Equal(t, want, maps.Collect(m.All()), "%s: All", what)
	require.Equal(t, len(want), m.Len(), "%s: Len", what)
	s := m.Snapshot()
	require.Equal(t, want, fgSnapOf(s), "%s: Snapshot", what)
	require.Equal(t, len(want), s.Len(), "%s: Snapshot.Len", what)
	s.Close()
}

// fgIdentity is an identity hasher that panics, when bad is not -1, on
// the key bad.
func fgIdentity(bad *atomic.Int64) hash.Hasher[int] {
	return hash.Func[int](func(k int, _ uint64) uint64 {
		if b := bad.Load(); b >= 0 && k == int(b) {
			panic(fmt.Sprintf("hasher: %d", k))
		}
		return uint64(k)
	})
}

// fgStuck returns a map of 8 buckets growing to 16 at pace 1, hashed by
// identity, whose old bucket 7 holds 28 keys (7+8j, j < 28: four bodies,
// even j to new bucket 7, odd to 15) and whose evacuation has failed: the
// hasher panicked on key 7+8*25, in the fourth body, after 24 entries went
// into the new buckets' unpublished chains (each past its first body). The hasher stays armed
// on that key. It also returns the model, and the snapshot s1 taken before
// the failure with its model.
func fgStuck(t *testing.T) (m *Map[int, int], bad *atomic.Int64, model map[int]int, s1 *Snapshot[int, int], model1 map[int]int) {
	bad = new(atomic.Int64)
	bad.Store(-1)
	m = New[int, int](40, WithHasher[int](fgIdentity(bad)), WithEvacuationPace(1))
	require.EqualValues(t, 3, m.Stats().B)
	model = map[int]int{}
	for j := range 28 {
		k := 7 + 8*j
		m.Store(k, k)
		model[k] = k
	}
	for k := 0; !m.Stats().Growing; k++ {
		if k%8 != 7 {
			m.Store(1000+k, k)
			model[1000+k] = k
		}
	}
	o := m.root.Load().old.Load()
	require.False(t, o.at(7).body.Load().isMarker())
	s1, model1 = m.Snapshot(), maps.Clone(model)
	bad.Store(7 + 8*25)
	require.Equal(t, "hasher: 207", recoverValue(func() { m.Store(7+8*1000, 1) }))
	_, ok := m.Load(7 + 8*1000)
	require.False(t, ok, "the write whose evacuation panicked stored its key")
	require.False(t, o.at(7).body.Load().isMarker(), "old bucket 7 moved")
	nb := m.root.Load().at(7)
	require.Nil(t, nb.body.Load())
	require.NotNil(t, nb.first.overflow.Load(), "the failed evacuation extended new bucket 7's chain")
	return m, bad, model, s1, model1
}

// A growth stuck on a bucket whose evacuation failed, with snapshots
// taken before and after the failure: writes that reach the stuck bucket
// through the cursor panic and change nothing; Shrink, which completes the
// growth, panics and changes nothing but the buckets it moved; the
// snapshots keep what they held through all of it and through the retry,
// which happens with them alive; the map ends as the model says.
func TestFaultStuckGrowthSnapshots(t *testing.T) {
	defer fgWatchdog(t)()
	m, bad, model, s1, model1 := fgStuck(t)
	s2, model2 := m.Snapshot(), maps.Clone(model)
	require.Equal(t, model1, fgSnapOf(s1))
	require.Equal(t, model2, fgSnapOf(s2))
	fgCheck(t, m, model, "after the failed evacuation")

	// Writes to the other buckets, armed: the cursor reaches bucket 7 and
	// the write that claims it panics, changing nothing.
	panics := 0
	for i := range 40 {
		k := 2000 + 8*i + i%7 // never bucket 7
		if r := recoverValue(func() { m.Store(k, i) }); r != nil {
			require.Equal(t, "hasher: 207", r)
			panics++
			_, ok := m.Load(k)
			require.False(t, ok, "a Store that panicked stored %d", k)
			continue
		}
		model[k] = i
	}
	require.Equal(t, 1, panics, "the cursor claims bucket 7 once")
	st := m.Stats()
	require.True(t, st.Growing)
	require.Equal(t, st.OldBuckets-1, st.Evacuated, "every old bucket but 7 has moved")
	require.Equal(t, model1, fgSnapOf(s1))
	require.Equal(t, model2, fgSnapOf(s2))

	// Every write to a key of old bucket 7 panics while armed; Compute too,
	// before its function runs.
	ran := false
	require.Equal(t, "hasher: 207", recoverValue(func() {
		m.Compute(7, func(int, bool) (int, ComputeOp) { ran = true; return 0, DeleteOp })
	}))
	require.False(t, ran)
	require.Equal(t, "hasher: 207", recoverValue(func() { m.Delete(15) }))
	require.Equal(t, "hasher: 207", recoverValue(func() { CompareAndSwap(m, 7, 7, 8) }))
	require.Equal(t, "hasher: 207", recoverValue(func() { m.Shrink() }))
	require.Equal(t, "hasher: 207", recoverValue(func() { m.Shrink() }))
	fgCheck(t, m, model, "after the armed writes and Shrinks")
	require.Equal(t, model1, fgSnapOf(s1))
	require.Equal(t, model2, fgSnapOf(s2))

	// Disarmed: writes to bucket 7 move it, with both snapshots alive.
	bad.Store(-1)
	for j := range 10 {
		m.Delete(7 + 8*j)
		delete(model, 7+8*j)
	}
	for j := 10; j < 28; j++ {
		m.Compute(7+8*j, func(v int, ok bool) (int, ComputeOp) { return v + 1, UpdateOp })
		model[7+8*j]++
	}
	require.False(t, m.Stats().Growing, "the growth ended")
	require.Equal(t, model1, fgSnapOf(s1))
	require.Equal(t, model2, fgSnapOf(s2))
	s3, model3 := m.Snapshot(), maps.Clone(model)
	for k := range 300 {
		m.Store(5000+k, k)
		model[5000+k] = k
	}
	s2.Close()
	require.Equal(t, model1, fgSnapOf(s1))
	require.Equal(t, model3, fgSnapOf(s3))
	s1.Close()
	require.Equal(t, model3, fgSnapOf(s3))
	s3.Close()
	fgCheck(t, m, model, "the end")
	require.NoError(t, checkInvariants(m))
	m.Shrink()
	require.NoError(t, checkInvariants(m))
	fgCheck(t, m, model, "after Shrink")
}

// Clear while a growth is stuck on a failed evacuation, with a snapshot
// alive: the snapshot keeps what it held, the map is empty, and it fills,
// grows and shrinks again with the hasher panicking on nothing stored.
func TestFaultStuckGrowthClear(t *testing.T) {
	defer fgWatchdog(t)()
	m, bad, _, s1, model1 := fgStuck(t)
	m.Clear()
	require.Zero(t, m.Len())
	require.Empty(t, fgRange(t, m))
	require.Equal(t, model1, fgSnapOf(s1))
	// The bad key is absent now: nothing panics but a write of it.
	require.Equal(t, "hasher: 207", recoverValue(func() { m.Store(207, 1) }))
	model := map[int]int{}
	finishes(t, "stores after Clear", func() {
		for k := range 2000 {
			if k == 207 {
				continue
			}
			m.Store(k, -k)
			model[k] = -k
		}
	})
	require.Equal(t, model1, fgSnapOf(s1))
	s1.Close()
	fgCheck(t, m, model, "refilled after Clear")
	m.Shrink()
	require.NoError(t, checkInvariants(m))
	bad.Store(-1)
	m.Store(207, 1)
	model[207] = 1
	fgCheck(t, m, model, "the end")
}

// A Compute whose write moved the last old bucket, and whose function
// then panics, leaves the growth complete but not ended: the next write
// ends it, and nothing is lost.
func TestFaultComputePanicEndsGrowthLater(t *testing.T) {
	defer fgWatchdog(t)()
	m := New[int, int](0, WithEvacuationPace(0))
	model := map[int]int{}
	k := 0
	for ; !m.Stats().Growing; k++ {
		m.Store(k, k)
		model[k] = k
	}
	s := m.Snapshot() // keep versions, too
	snap := maps.Clone(model)
	require.Equal(t, "compute", recoverValue(func() {
		m.Compute(1, func(int, bool) (int, ComputeOp) { panic("compute") })
	}))
	st := m.Stats()
	require.Equal(t, st.OldBuckets, st.Evacuated, "pace 0: the Compute moved every bucket")
	require.NoError(t, checkInvariants(m))
	fgCheck(t, m, model, "after the panic")
	m.Store(-1, -1)
	model[-1] = -1
	// The growth that the Compute completed has ended: its old buckets are
	// counted as evacuated. (The Store may start the next growth: the fill
	// above ends when a growth has started, which the writers' per-stripe
	// estimate can put some inserts past the threshold.)
	after := m.Stats()
	require.Equal(t, st.Events.BucketsEvacuated+st.OldBuckets, after.Events.BucketsEvacuated, "the next write ended the growth")
	if after.Growing {
		require.Equal(t, st.Events.Growths+1, after.Events.Growths, "still growing, but not in the next growth")
	}
	require.Equal(t, snap, fgSnapOf(s))
	s.Close()
	for ; k < 5000; k++ {
		m.Store(k, k)
		model[k] = k
	}
	fgCheck(t, m, model, "grown again")
	require.NoError(t, checkInvariants(m))
}

// Panics out of Range and All callbacks, in every state a fault can leave:
// the snapshot the loop took is closed, writes made in the callback stay,
// a nested Compute that panicked changed nothing, a Shrink that panicked
// in the callback released its locks, and a Clear in the callback holds.
func TestFaultRangeCallbackPanics(t *testing.T) {
	defer fgWatchdog(t)()
	armed := new(atomic.Bool)
	m := New[int, int](0, WithHasher[int](panicky{armed: armed, inner: hash.NewSeeded[int]()}))
	model := map[int]int{}
	for k := range 200 {
		m.Store(k, -k)
		model[k] = -k
	}
	k := 200
	for ; !m.Stats().Growing; k++ {
		m.Store(k, k)
		model[k] = k
	}
	quiet := func(what string) {
		t.Helper()
		require.Zero(t, m.Stats().SnapshotsAlive, "%s: the loop's snapshot is alive", what)
	}

	// A plain panic, during the growth.
	require.Equal(t, "range", recoverValue(func() { m.Range(func(int, int) bool { panic("range") }) }))
	quiet("plain")
	require.Equal(t, "all", recoverValue(func() {
		for range m.All() {
			panic("all")
		}
	}))
	quiet("All")

	// Writes in the callback, a nested Compute that panics, then a panic.
	n := 0
	require.Equal(t, "after writes", recoverValue(func() {
		m.Range(func(key, v int) bool {
			n++
			m.Store(key, v+1000) // with the loop's snapshot alive: a copy
			require.Equal(t, "nested", recoverValue(func() {
				m.Compute(key, func(int, bool) (int, ComputeOp) { panic("nested") })
			}))
			require.Panics(t, func() { m.Compute(-5-n, func(int, bool) (int, ComputeOp) { panic("absent") }) })
			if n == 50 {
				panic("after writes")
			}
			return true
		})
	}))
	quiet("writes")
	// Which 50 keys the loop visited is not known: read them back.
	changed := 0
	for key, v := range model {
		got, ok := m.Load(key)
		require.True(t, ok)
		if got == v+1000 {
			model[key] = got
			changed++
		} else {
			require.Equal(t, v, got)
		}
	}
	require.Equal(t, 50, changed)
	fgCheck(t, m, model, "after the writes in Range")

	// The hasher panics in a write in the callback (it moves old buckets
	// holding keys below 200) and in a Shrink there.
	armed.Store(true)
	require.Equal(t, "range after hasher", recoverValue(func() {
		m.Range(func(int, int) bool {
			for i := -1000; ; i-- {
				if r := recoverValue(func() { m.Store(i, i) }); r != nil {
					require.Contains(t, fmt.Sprint(r), "hasher: ")
					break
				}
				model[i] = i
			}
			require.Contains(t, fmt.Sprint(recoverValue(func() { m.Shrink() })), "hasher: ")
			panic("range after hasher")
		})
	}))
	quiet("hasher")
	require.Contains(t, fmt.Sprint(recoverValue(func() {
		for range m.All() {
			m.Shrink()
		}
	})), "hasher: ")
	quiet("Shrink in All")
	armed.Store(false)
	fgCheck(t, m, model, "after the hasher's panics")

	// A Clear in the callback, then a panic: the Clear holds.
	require.Equal(t, "cleared", recoverValue(func() {
		m.Range(func(int, int) bool {
			m.Clear()
			m.Store(1, 1)
			panic("cleared")
		})
	}))
	quiet("Clear")
	fgCheck(t, m, map[int]int{1: 1}, "after Clear in Range")
	require.NoError(t, checkInvariants(m))
}

// fgDone classifies an operation by what its panic, r, says about the
// write: none (it completed), the hasher's or the function's (it changed
// nothing), or the tracer's (it completed, and the tracer then panicked).
func fgDone(r any) (done bool, ok bool) {
	switch s := fmt.Sprint(r); {
	case r == nil:
		return true, true
	case strings.HasPrefix(s, "hasher: "), s == "injected", strings.Contains(s, "uncomparable"):
		return false, true
	case s == "tracer":
		return true, true
	}
	return false, false
}

// fgConcurrent: workers write keys of their own, with Compute functions
// that panic, CompareAndSwap on incomparable values, and a hasher that
// panics now and then on the 200 keys stored first (so evacuations and
// Shrinks fail midway); each holds snapshots across its writes and checks
// them against its model when it closes them, and iterates with callbacks
// that panic; one more goroutine Shrinks and holds snapshots of its own.
// With a tracer that panics now and then too, when tracer is set.
func fgConcurrent(t *testing.T, tracer bool) {
	defer fgWatchdog(t)()
	const workers, ops, keys = 6, 20000, 200
	deadline := time.Now().Add(testDuration(t, 1500*time.Millisecond))
	armed := new(atomic.Bool)
	opts := []Option{WithHasher[int](flaky{armed: armed, inner: hash.NewSeeded[int]()})}
	var tracerPanics atomic.Int64
	tracerArmed := new(atomic.Bool)
	if tracer {
		opts = append(opts, WithTracer(&Tracer{
			BucketEvacuated: func(EvacuateEvent) {
				if tracerArmed.Load() && rand.IntN(200) == 0 {
					tracerPanics.Add(1)
					panic("tracer")
				}
			},
			OverflowAllocated: func(OverflowEvent) {
				if tracerArmed.Load() && rand.IntN(20) == 0 {
					tracerPanics.Add(1)
					panic("tracer")
				}
			},
		}))
	}
	m := New[int, any](0, opts...)
	for k := range 200 {
		m.Store(k, -k)
	}
	armed.Store(true)
	tracerArmed.Store(true)
	models := make([]map[int]any, workers)
	errs := make([]error, workers+1) // the last, the Shrinking goroutine's
	var panics atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var helper sync.WaitGroup
	helper.Add(1)
	var shrunk atomic.Int64
	go func() { // Shrinks, and snapshots held across them, and churn
		defer helper.Done()
		const churn, batch = 100000, 3000
		retry := func(f func()) {
			for {
				r := recoverValue(f)
				if done, ok := fgDone(r); !ok {
					errs[workers] = fmt.Errorf("churn panicked with %v", r)
					return
				} else if done {
					return
				}
				panics.Add(1)
			}
		}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			s := m.Snapshot()
			n := s.Len()
			if r := recoverValue(func() { m.Shrink() }); r != nil {
				if done, ok := fgDone(r); !ok || done && fmt.Sprint(r) != "tracer" {
					errs[workers] = fmt.Errorf("Shrink panicked with %v", r)
				}
				panics.Add(1)
			}
			// A batch of keys of its own grows the table, with the hasher
			// armed; deleting them and a Shrink with it quiet shrink the
			// table again, for the next batch to grow it.
			for k := churn; k < churn+batch; k++ {
				retry(func() { m.Store(k, k) })
			}
			if i%4 == 0 {
				own := 0
				for k, v := range m.All() {
					if k >= churn {
						own++
						if v != any(k) {
							errs[workers] = fmt.Errorf("churn key %d holds %v", k, v)
						}
					}
				}
				if own != batch {
					errs[workers] = fmt.Errorf("All yields %d churn keys, want %d", own, batch)
				}
			}
			for k := churn; k < churn+batch; k++ {
				retry(func() { m.Delete(k) })
			}
			if got := len(fgSnapOf(s)); got != n {
				errs[workers] = fmt.Errorf("a snapshot of Len %d yields %d entries", n, got)
			}
			s.Close()
			armed.Store(false)
			b := m.Stats().B
			retry(func() { m.Shrink() })
			if m.Stats().B < b {
				shrunk.Add(1)
			}
			armed.Store(true)
		}
	}()
	for w := range workers {
		models[w] = map[int]any{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			model := models[w]
			fail := func(format string, args ...any) {
				if errs[w] == nil {
					errs[w] = fmt.Errorf("worker %d: "+format, append([]any{w}, args...)...)
				}
			}
			base := 1000 + w*keys
			var snap *Snapshot[int, any]
			var snapModel map[int]any
			checkSnap := func() {
				for k := base; k < base+keys; k++ {
					v, ok := snap.Get(k)
					mv, mok := snapModel[k]
					if ok != mok || ok && fmt.Sprint(v) != fmt.Sprint(mv) {
						fail("snapshot Get(%d) = %v, %v; model %v, %v", k, v, ok, mv, mok)
						return
					}
				}
				own := 0
				for k, v := range snap.All() {
					if k >= base && k < base+keys {
						own++
						if fmt.Sprint(v) != fmt.Sprint(snapModel[k]) {
							fail("snapshot yields %d: %v; model %v", k, v, snapModel[k])
							return
						}
					}
				}
				if own != len(snapModel) {
					fail("snapshot yields %d own keys; model %d", own, len(snapModel))
				}
			}
			for i := range ops {
				if errs[w] != nil {
					return
				}
				if i%64 == 0 && time.Now().After(deadline) {
					break
				}
				k := base + r.IntN(keys)
				note := func(rv any) bool {
					done, ok := fgDone(rv)
					if !ok {
						fail("op on %d panicked with %v", k, rv)
					}
					if rv != nil {
						panics.Add(1)
					}
					return done
				}
				switch r.IntN(13) {
				case 0, 1:
					if note(recoverValue(func() { m.Store(k, i) })) {
						model[k] = i
					}
				case 2:
					if note(recoverValue(func() { m.Delete(k) })) {
						delete(model, k)
					}
				case 3:
					var v any
					var loaded bool
					rv := recoverValue(func() { v, loaded = m.LoadOrStore(k, i) })
					if note(rv) {
						mv, mok := model[k]
						if rv == nil && (loaded != mok || loaded && fmt.Sprint(v) != fmt.Sprint(mv)) {
							fail("LoadOrStore(%d) = %v, %v; model %v, %v", k, v, loaded, mv, mok)
						}
						if !mok {
							model[k] = i
						}
					}
				case 4:
					var ran bool
					rv := recoverValue(func() {
						m.Compute(k, func(old any, loaded bool) (any, ComputeOp) {
							if r.IntN(4) == 0 {
								panic("injected")
							}
							ran = true
							if r.IntN(3) == 0 {
								return nil, DeleteOp
							}
							return i, UpdateOp
						})
					})
					if done := note(rv); done != ran && fmt.Sprint(rv) != "tracer" {
						fail("Compute(%d): ran %v, panic %v", k, ran, rv)
					}
					if ran {
						// Recompute what the function returned: it deleted
						// when it returned DeleteOp. Read the key back.
						v, ok := m.Load(k)
						if ok {
							model[k] = v
						} else {
							delete(model, k)
						}
					}
				case 5:
					if note(recoverValue(func() { m.Store(k, []int{i}) })) {
						model[k] = []int{i}
					}
				case 6:
					old := model[k]
					var swapped bool
					rv := recoverValue(func() { swapped = CompareAndSwap(m, k, old, any(i)) })
					if note(rv) {
						if rv != nil { // the tracer's: swapped is lost, read it back
							v, _ := m.Load(k)
							swapped = v == any(i)
						}
						if swapped {
							model[k] = i
						}
					}
				case 7:
					v, ok := m.Load(k)
					mv, mok := model[k]
					if ok != mok || ok && fmt.Sprint(v) != fmt.Sprint(mv) {
						fail("Load(%d) = %v, %v; model %v, %v", k, v, ok, mv, mok)
					}
				case 8:
					if snap == nil {
						snap, snapModel = m.Snapshot(), maps.Clone(model)
					} else if r.IntN(8) == 0 {
						checkSnap()
						snap.Close()
						snap = nil
					}
				case 10:
					var prev any
					var loaded bool
					rv := recoverValue(func() { prev, loaded = m.Swap(k, i) })
					if note(rv) {
						mv, mok := model[k]
						if rv == nil && (loaded != mok || loaded && fmt.Sprint(prev) != fmt.Sprint(mv)) {
							fail("Swap(%d) = %v, %v; model %v, %v", k, prev, loaded, mv, mok)
						}
						model[k] = i
					}
				case 11:
					var v any
					var loaded bool
					rv := recoverValue(func() { v, loaded = m.LoadAndDelete(k) })
					if note(rv) {
						mv, mok := model[k]
						if rv == nil && (loaded != mok || loaded && fmt.Sprint(v) != fmt.Sprint(mv)) {
							fail("LoadAndDelete(%d) = %v, %v; model %v, %v", k, v, loaded, mv, mok)
						}
						delete(model, k)
					}
				case 12:
					old, had := model[k]
					var deleted bool
					rv := recoverValue(func() { deleted = CompareAndDelete(m, k, old) })
					if note(rv) {
						if rv != nil { // the tracer's: read it back
							_, ok := m.Load(k)
							deleted = had && !ok
						}
						if had != deleted && rv == nil {
							if _, isSlice := old.([]int); !isSlice {
								fail("CompareAndDelete(%d, %v) = %v", k, old, deleted)
							}
						}
						if deleted {
							delete(model, k)
						}
					}
				case 9:
					if r.IntN(4) != 0 {
						continue
					}
					// A Range that panics after some keys, and one that
					// checks the worker's own keys.
					stopAt := r.IntN(100)
					n := 0
					rv := recoverValue(func() {
						m.Range(func(int, any) bool {
							if n++; n > stopAt {
								panic("injected")
							}
							return true
						})
					})
					if rv != nil && fmt.Sprint(rv) != "injected" {
						fail("Range panicked with %v", rv)
					}
					if r.IntN(10) == 0 {
						own := 0
						for k, v := range m.All() {
							if k >= base && k < base+keys {
								own++
								if fmt.Sprint(v) != fmt.Sprint(model[k]) {
									fail("All yields %d: %v; model %v", k, v, model[k])
								}
							}
						}
						if own != len(model) {
							fail("All yields %d own keys; model %d", own, len(model))
						}
					}
				}
			}
			if snap != nil {
				checkSnap()
				snap.Close()
			}
		}()
	}
	finishes(t, "the workers", wg.Wait)
	close(stop)
	finishes(t, "the Shrinking goroutine", helper.Wait)
	for _, err := range errs {
		require.NoError(t, err)
	}
	armed.Store(false)
	tracerArmed.Store(false)
	require.NotZero(t, panics.Load(), "nothing panicked: the test tests nothing")
	require.Zero(t, m.Stats().SnapshotsAlive)
	want := map[int]any{}
	for k := range 200 {
		want[k] = -k
	}
	for _, model := range models {
		maps.Copy(want, model)
	}
	got := maps.Collect(m.All())
	require.Equal(t, fmt.Sprint(want), fmt.Sprint(got)) // fmt sorts map keys
	require.Equal(t, len(want), m.Len())
	m.Shrink()
	require.NoError(t, checkInvariants(m))
	require.Equal(t, fmt.Sprint(want), fmt.Sprint(maps.Collect(m.All())))
	require.NotZero(t, shrunk.Load(), "the table never shrank between batches")
	t.Logf("%d operations panicked, %d in the tracer; %d Shrinks shrank", panics.Load(), tracerPanics.Load(), shrunk.Load())
}

func TestFaultConcurrentFaultsSnapshots(t *testing.T) { fgConcurrent(t, false) }

func TestFaultConcurrentFaultsTracer(t *testing.T) { fgConcurrent(t, true) }

// Clear, again and again, while writers' Computes panic and the hasher
// panics in evacuations of the keys the clearing goroutine stores back
// after each Clear: nothing blocks, and the map is whole at the end, and
// then holds what a model says.
func TestFaultClearDuringFaults(t *testing.T) {
	defer fgWatchdog(t)()
	const workers, ops, keys = 4, 3000, 300
	armed := new(atomic.Bool)
	m := New[int, int](0, WithHasher[int](flaky{armed: armed, inner: hash.NewSeeded[int]()}))
	armed.Store(true)
	refill := func() {
		for k := range 200 {
			for recoverValue(func() { m.Store(k, -k) }) != nil {
			}
		}
	}
	refill()
	stop := make(chan struct{})
	var clearer, wg sync.WaitGroup
	clearer.Add(1)
	var clears atomic.Int64
	go func() {
		defer clearer.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			s := m.Snapshot()
			m.Clear()
			clears.Add(1)
			refill()
			if n := len(fgSnapOf(s)); n != s.Len() {
				panic(fmt.Sprintf("a snapshot of Len %d yields %d", s.Len(), n))
			}
			s.Close()
			time.Sleep(200 * time.Microsecond)
		}
	}()
	var panics atomic.Int64
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 9))
			for i := range ops {
				k := 1000 + w*keys + r.IntN(keys)
				var rv any
				switch r.IntN(5) {
				case 0:
					rv = recoverValue(func() { m.Store(k, i) })
				case 1:
					rv = recoverValue(func() { m.Delete(k) })
				case 2:
					rv = recoverValue(func() {
						m.Compute(k, func(v int, _ bool) (int, ComputeOp) {
							if r.IntN(3) == 0 {
								panic("injected")
							}
							return v + 1, UpdateOp
						})
					})
				case 3:
					rv = recoverValue(func() { m.LoadOrStore(k, i) })
				case 4:
					rv = recoverValue(func() {
						m.Range(func(int, int) bool {
							if r.IntN(50) == 0 {
								panic("injected")
							}
							return true
						})
					})
				}
				if rv != nil {
					panics.Add(1)
					if _, ok := fgDone(rv); !ok {
						errs[w] = fmt.Errorf("worker %d: panicked with %v", w, rv)
						return
					}
				}
			}
		}()
	}
	finishes(t, "the workers", wg.Wait)
	close(stop)
	finishes(t, "the clearing goroutine", clearer.Wait)
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.NotZero(t, clears.Load())
	require.NotZero(t, panics.Load())
	armed.Store(false)
	require.Zero(t, m.Stats().SnapshotsAlive)
	got := fgRange(t, m)
	require.Equal(t, len(got), m.Len())
	for k := range 200 {
		require.Equal(t, -k, got[k], "key %d, stored back after the last Clear", k)
	}
	m.Shrink()
	require.NoError(t, checkInvariants(m))
	m.Clear()
	model := map[int]int{}
	for k := range 3000 {
		m.Store(k, k)
		model[k] = k
	}
	fgCheck(t, m, model, "refilled")
	require.NoError(t, checkInvariants(m))
	t.Logf("%d Clears, %d operations panicked", clears.Load(), panics.Load())
}

// A Compute function that panics after others have queued behind it:
// a Snapshot waiting for its epoch section, a Shrink locking every
// bucket, writes to its key and to its bucket, a Clear, a Range. All
// of them go on once the panic has left, the Snapshot sees the key as it
// was, and so does everything that read it.
func TestFaultComputePanicWhileOthersWait(t *testing.T) {
	defer fgWatchdog(t)()
	for _, growing := range []bool{false, true} {
		t.Run(fmt.Sprint("growing=", growing), func(t *testing.T) {
			m := New[int, int](0, WithEvacuationPace(1))
			model := map[int]int{}
			k := 0
			for ; k < 300 || growing && !m.Stats().Growing; k++ {
				m.Store(k, k)
				model[k] = k
			}
			if growing {
				require.True(t, m.Stats().Growing)
			}
			entered, release := make(chan struct{}), make(chan struct{})
			var computeDone sync.WaitGroup
			computeDone.Add(1)
			var panicked any
			go func() {
				defer computeDone.Done()
				panicked = recoverValue(func() {
					m.Compute(1, func(int, bool) (int, ComputeOp) {
						close(entered)
						<-release
						panic("held")
					})
				})
			}()
			<-entered
			var snap map[int]int
			var snapLen int
			var waiters sync.WaitGroup
			start := func(f func()) {
				waiters.Add(1)
				go func() { defer waiters.Done(); f() }()
			}
			start(func() {
				s := m.Snapshot()
				snap, snapLen = fgSnapOf(s), s.Len()
				s.Close()
			})
			start(func() { m.Shrink() })
			start(func() { m.Store(1, -1) })
			start(func() { m.Delete(1) })
			start(func() { m.Range(func(int, int) bool { return true }) })
			time.Sleep(20 * time.Millisecond) // let them queue
			ok, _ := returnsWithin(10*time.Millisecond, waiters.Wait)
			require.False(t, ok, "nothing waited for the Compute")
			close(release)
			finishes(t, "the Compute", computeDone.Wait)
			require.Equal(t, "held", panicked)
			finishes(t, "the waiters", waiters.Wait)
			// The Store and the Delete of key 1 ran in some order after the
			// Compute; the Snapshot either before them or between or after.
			delete(model, 1)
			got := fgRange(t, m)
			if v, ok := got[1]; ok {
				require.Equal(t, -1, v)
				model[1] = -1
			}
			require.Equal(t, model, got)
			require.Equal(t, len(snap), snapLen)
			for key, v := range snap {
				if key != 1 {
					require.Equal(t, key, v)
				} else {
					require.Contains(t, []int{1, -1}, v, "the snapshot sees what the Compute left or the Store")
				}
			}
			m.Clear()
			require.Zero(t, m.Len())
			require.NoError(t, checkInvariants(m))
		})
	}
}
