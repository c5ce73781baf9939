package concurrent

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

// Compute returns the value its function stored, not one that a later
// Store wrote into the same entry in place once the bucket was unlocked.
// The later Store comes from a tracer, which runs on the Compute's
// goroutine before Compute returns: deterministic.
func TestComputeReturnsLaterStoreViaTracer(t *testing.T) {
	var m *Map[int, int64]
	armed := false
	tr := &Tracer{OverflowAllocated: func(OverflowEvent) {
		if armed {
			armed = false
			m.Store(8, 999) // a later write, by the tracer, as its doc allows
		}
	}}
	m = New[int, int64](0, WithHasher[int](hash.Constant[int]{Value: 5}), WithTracer(tr))
	for k := range 8 {
		m.Store(k, int64(k))
	}
	armed = true
	// Key 8 is the ninth in one bucket: the insert allocates an overflow body.
	v, ok := m.Compute(8, func(int64, bool) (int64, ComputeOp) { return 1, UpdateOp })
	require.True(t, ok)
	require.Equal(t, int64(1), v, "Compute returned the value of a Store that came after it")
}

// The same without a tracer: a Compute racing with Stores of the same key
// must return what its function computed, never a racing Store's -1.
func TestComputeReturnsLaterStoreRace(t *testing.T) {
	m := New[int, int64](0)
	m.Store(0, 0)
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)-1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				m.Store(0, -1)
			}
		}()
	}
	bad, first := 0, ""
	for i := int64(1); i <= 200000; i++ {
		v, _ := m.Compute(0, func(int64, bool) (int64, ComputeOp) { return i, UpdateOp })
		if v != i {
			if bad == 0 {
				first = fmt.Sprintf("Compute stored %d and returned %d", i, v)
			}
			bad++
		}
	}
	stop.Store(true)
	wg.Wait()
	require.Zero(t, bad, "%d Computes returned another write's value; first: %s", bad, first)
}

// A chain created by an insert into an empty bucket while a snapshot is
// alive, and emptied by a delete while it still is, copies nothing; it is
// dropped when the snapshot closes all the same.
func TestEmptyChainAfterSnapshotNoCopy(t *testing.T) {
	m := New[int, int](0)
	s := m.Snapshot()
	m.Store(1, 1) // a nil bucket: a new body stamped with the new epoch, no copy
	m.Delete(1)   // that version is not older than the epoch: deleted in place, kept (live)
	s.Close()
	require.NoError(t, checkInvariants(m))
}

// A growth that evacuates an empty (nil) old bucket while a snapshot is
// alive gives both new buckets an empty stamped chain: they are dropped
// when the snapshot closes.
func TestEvacuatedNilBucketKeepsEmptyChains(t *testing.T) {
	m := New[int, int](16, WithHasher[int](hash.Identity[int]{}), WithEvacuationPace(1))
	require.Equal(t, uint8(2), m.root.Load().B)
	// Only bucket 0 of 4 has entries (keys multiple of 4); fill past 26.
	for k := 0; !m.Stats().Growing; k += 4 {
		m.Store(k, k)
	}
	m.Delete(-4) // absent: evacuates bucket 0 (its own), and cursor 0 (done)
	require.True(t, m.Stats().Growing)
	s := m.Snapshot()
	m.Delete(-8) // absent: evacuates cursor 1, a nil bucket, under the snapshot; copies nothing
	require.True(t, m.Stats().Growing)
	s.Close()
	require.NoError(t, checkInvariants(m))
}

// Events are delivered in the order they happened: a write that extends a
// chain and then ends a growth reports OverflowAllocated before GrowDone.
func TestTracerOverflowAfterGrowDone(t *testing.T) {
	type ev struct {
		store int
		what  string
	}
	for pace := 0; pace <= 3; pace++ {
		var log []ev
		cur := -1
		tr := &Tracer{
			GrowDone:          func(GrowEvent) { log = append(log, ev{cur, "GrowDone"}) },
			OverflowAllocated: func(OverflowEvent) { log = append(log, ev{cur, "Overflow"}) },
		}
		m := New[int, int](0, WithHasher[int](hash.Constant[int]{Value: 3}), WithTracer(tr), WithEvacuationPace(pace))
		for k := range 2000 {
			cur = k
			m.Store(k, k)
		}
		for i := 1; i < len(log); i++ {
			if log[i].store == log[i-1].store && log[i-1].what == "GrowDone" && log[i].what == "Overflow" {
				t.Fatalf("pace %d: Store(%d) delivered GrowDone, then the OverflowAllocated of its own insert, which happened first", pace, log[i].store)
			}
		}
	}
}

// A write that moved the last old bucket ends the growth after it has
// left its epoch section. If a Clear and a new growth come in between, it
// must not report a GrowDone for the cleared table (with the new growth's
// number, while that one is still under way).
func TestTracerStaleGrowDoneAfterClear(t *testing.T) {
	var mu sync.Mutex
	var log []string
	rec := func(s string) { mu.Lock(); log = append(log, s); mu.Unlock() }
	tr := &Tracer{
		GrowStart: func(e GrowEvent) { rec(fmt.Sprintf("GrowStart %d B%d->%d", e.Growth, e.OldB, e.NewB)) },
		GrowDone:  func(e GrowEvent) { rec(fmt.Sprintf("GrowDone %d B%d->%d", e.Growth, e.OldB, e.NewB)) },
		Reseed:    func(ReseedEvent) { rec("Reseed") },
	}
	m := New[int, int](0, WithHasher[int](hash.Identity[int]{}), WithTracer(tr), WithEvacuationPace(0))
	for k := range 9 {
		m.Store(k, k) // the ninth starts growth 1, B 0 -> 1
	}
	require.True(t, m.Stats().Growing)
	inside, release := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Evacuates every old bucket (pace 0), then runs f with its new
		// bucket locked; finishGrow comes after.
		m.Compute(0, func(v int, _ bool) (int, ComputeOp) {
			close(inside)
			<-release
			return v, CancelOp
		})
	}()
	<-inside
	m.Clear() // a new table, B 1; growth 1's table is gone
	for k := 1; !m.Stats().Growing; k += 2 {
		m.Store(k, k) // odd keys: bucket 1 of the new table, which Compute does not hold
	}
	close(release)
	<-done
	mu.Lock()
	defer mu.Unlock()
	require.True(t, m.Stats().Growing, "growth 2 is under way")
	for _, l := range log {
		require.NotEqual(t, "GrowDone 2 B0->1", l, "GrowDone of the cleared growth 1 reported as growth 2, which is still going on: %q", log)
	}
}

// Close is release (under m.mu), then sweep (without it). A Snapshot taken
// by another goroutine between the two makes the sweep run with a
// snapshot alive, so it cannot drop the chain a delete emptied: the second
// snapshot's Close must. The steps are Close's own, in that interleaving.
func TestSweepAfterNewSnapshotLosesDrop(t *testing.T) {
	m := New[int, int](0)
	m.Store(1, 1)
	s1 := m.Snapshot()
	m.Delete(1) // copies the chain: an empty copy, s1 reads the old one
	require.True(t, s1.release(), "s1's Close would sweep")
	runtime.SetFinalizer(s1, nil)
	s2 := m.Snapshot() // another goroutine, before s1's Close sweeps
	m.sweep()          // s1's Close goes on: s2 is alive, the empty chain stays
	s2.Close()
	require.NoError(t, checkInvariants(m))
}

// Snapshots taken while writers overwrite one-word values in place, and
// Shrink, growths and deletes run: every snapshot must be a cut of each
// writer's sequence (writer w stores round r into its keys in order, so a
// cut reads r for a prefix and r-1 for the rest), and must read the same
// values again after the writers have gone on.
func TestSnapshotsUnderInPlaceWrites(t *testing.T) {
	for _, hc := range hasherCases() {
		t.Run(hc.name, func(t *testing.T) {
			const writers, keys, rounds = 4, 12, 1500
			m := New[int, int64](0, hc.opts...)
			var wg sync.WaitGroup
			var stop atomic.Bool
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for r := int64(1); r <= rounds && !stop.Load(); r++ {
						for k := range keys {
							m.Store(w*keys+k, r)
						}
						// churn: inserts and deletes of other keys, for growths and emptied chains
						c := 1000 + w*100 + int(r%50)
						m.Store(c, 0)
						if r%3 == 0 {
							m.Delete(c)
						}
						if r%5 == 0 {
							m.Compute(w*keys, func(v int64, _ bool) (int64, ComputeOp) { return v, UpdateOp })
						}
					}
				}()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !stop.Load() {
					m.Shrink()
					runtime.Gosched()
				}
			}()
			check := func(s *Snapshot[int, int64]) error {
				for w := range writers {
					prev := int64(-1)
					for k := range keys {
						v, _ := s.Get(w*keys + k)
						if prev >= 0 && (v > prev || prev-v > 1) {
							return fmt.Errorf("writer %d: key %d reads %d after %d", w, k, v, prev)
						}
						prev = v
					}
				}
				return nil
			}
			var errs []error
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			var held []*Snapshot[int, int64]
			var seen []map[int]int64
		loop:
			for i := 0; ; i++ {
				select {
				case <-done:
					break loop
				default:
				}
				if i == 300 {
					stop.Store(true)
				}
				s := m.Snapshot()
				if err := check(s); err != nil {
					errs = append(errs, err)
				}
				vals := map[int]int64{}
				for k, v := range s.All() {
					vals[k] = v
				}
				if len(vals) != s.Len() {
					errs = append(errs, fmt.Errorf("All yields %d entries, Len %d", len(vals), s.Len()))
				}
				held, seen = append(held, s), append(seen, vals)
				if len(held) > 3 { // close the oldest, after re-reading it
					for k, v := range seen[0] {
						if g, _ := held[0].Get(k); g != v {
							errs = append(errs, fmt.Errorf("snapshot changed: key %d was %d, now %d", k, v, g))
						}
					}
					held[0].Close()
					held, seen = held[1:], seen[1:]
				}
				if len(errs) > 5 {
					break
				}
			}
			stop.Store(true)
			<-done
			for _, s := range held {
				s.Close()
			}
			require.Empty(t, errs)
		})
	}
}

// A sequence TestRapidMachine found: a growth in progress, a snapshot,
// then Shrink, which completes the growth under the live snapshot (nil old
// buckets give their new buckets empty stamped chains) and finds the table
// already the size it wants. The snapshot's Close drops the empty chains.
func TestShrinkUnderSnapshotKeepsEmptyChains(t *testing.T) {
	m := New[int, int](0, WithHasher[int](hash.Constant[int]{Value: 7 << 56}))
	for k := range 14 {
		m.Store(k, k) // the 14th starts a growth, B 1 -> 2
	}
	m.Compute(0, func(v int, _ bool) (int, ComputeOp) { return v, UpdateOp })
	require.True(t, m.Stats().Growing)
	s := m.Snapshot()
	m.Shrink()
	s.Close()
	require.NoError(t, checkInvariants(m))
}

// A tracer that calls back into the map (Shrink, Snapshot and its Close,
// Compute, Clear) from every event, while writers run on keys that
// collide: no deadlock (the tracer is called holding no map lock), no
// entry lost, and the events of each growth come as GrowStart, its
// evacuations, GrowDone.
func TestTracerCallsBackIntoMap(t *testing.T) {
	var m *Map[int, int64]
	var calls atomic.Int64
	var mu sync.Mutex
	growing := map[int]bool{}
	var orderErr error
	tr := &Tracer{
		GrowStart: func(e GrowEvent) {
			mu.Lock()
			if growing[e.Growth] && orderErr == nil {
				orderErr = fmt.Errorf("GrowStart %d twice", e.Growth)
			}
			growing[e.Growth] = true
			mu.Unlock()
			s := m.Snapshot()
			s.Close()
		},
		BucketEvacuated: func(EvacuateEvent) {
			if calls.Add(1)%7 == 0 {
				m.Shrink()
			}
		},
		GrowDone: func(e GrowEvent) {
			mu.Lock()
			if !growing[e.Growth] && orderErr == nil {
				orderErr = fmt.Errorf("GrowDone %d without GrowStart", e.Growth)
			}
			mu.Unlock()
			m.Compute(-1, func(v int64, _ bool) (int64, ComputeOp) { return v + 1, UpdateOp })
		},
		OverflowAllocated: func(OverflowEvent) { m.Load(3) },
	}
	m = New[int, int64](0, WithHasher[int](hash.Masked[int]{Inner: hash.NewRuntime[int](), Mask: 0x0f00_0000_0000_0003}),
		WithTracer(tr), WithEvacuationPace(1))
	const writers, keys = 4, 300
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 4 {
				for k := range keys {
					m.Store(w*keys+k, int64(round))
				}
				for k := range keys / 2 {
					m.Delete(w*keys + k)
				}
			}
		}()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(20 * time.Second):
		buf := make([]byte, 1<<20)
		t.Fatalf("deadlock?\n%s", buf[:runtime.Stack(buf, true)])
	}
	require.NoError(t, orderErr)
	require.GreaterOrEqual(t, calls.Load(), int64(7), "the tracer called Shrink at least once")
	for w := range writers {
		for k := range keys {
			v, ok := m.Load(w*keys + k)
			require.Equal(t, k >= keys/2, ok, "key %d", w*keys+k)
			if ok {
				require.Equal(t, int64(3), v)
			}
		}
	}
	m.Delete(-1)
	require.Equal(t, writers*keys/2, m.Len())
	require.NoError(t, checkInvariants(m))
}
