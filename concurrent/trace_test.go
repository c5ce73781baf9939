package concurrent

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

// logTracer records every event as a line.
func logTracer(log *[]string) *Tracer {
	return &Tracer{
		GrowStart:         func(e GrowEvent) { *log = append(*log, fmt.Sprintf("GrowStart %+v", e)) },
		BucketEvacuated:   func(e EvacuateEvent) { *log = append(*log, fmt.Sprintf("BucketEvacuated %+v", e)) },
		GrowDone:          func(e GrowEvent) { *log = append(*log, fmt.Sprintf("GrowDone %+v", e)) },
		OverflowAllocated: func(e OverflowEvent) { *log = append(*log, fmt.Sprintf("OverflowAllocated %+v", e)) },
		Reseed: func(e ReseedEvent) {
			*log = append(*log, fmt.Sprintf("Reseed Clear=%v changed=%v", e.Clear, e.Old != e.New))
		},
	}
}

// A map of one bucket, keys 0 to 9 under the identity hasher: the ninth
// key overflows the bucket and starts a growth, the tenth moves it.
func TestTracerEvents(t *testing.T) {
	var log []string
	m := New[int, int](0, WithHasher[int](hash.Identity[int]{}), WithTracer(logTracer(&log)))
	for k := range 8 {
		m.Store(k, k)
	}
	require.Empty(t, log)
	slot := tableBytes[int, int](1, 0)
	m.Store(8, 8)
	require.Equal(t, []string{
		"OverflowAllocated {Bucket:0 ChainLen:2}",
		fmt.Sprintf("GrowStart {OldB:0 NewB:1 Growth:1 Count:9 BytesAllocated:%d BytesReleased:0}", 2*slot),
	}, log)
	log = nil
	m.Store(9, 9)
	require.Equal(t, []string{
		"BucketEvacuated {OldBucket:0 NewB:1 X:0 Y:1 ToX:5 ToY:4 Paced:false}",
		fmt.Sprintf("GrowDone {OldB:0 NewB:1 Growth:1 Count:10 BytesAllocated:0 BytesReleased:%d}", slot),
	}, log)
	log = nil
	m.Clear()
	require.Equal(t, []string{"Reseed Clear=true changed=true"}, log)
}

// Shrink reports the growth it completes, each bucket as paced.
func TestTracerShrinkCompletesGrowth(t *testing.T) {
	var log []string
	m := New[int, int](0, WithHasher[int](hash.Identity[int]{}), WithTracer(logTracer(&log)))
	for k := range 53 { // over 6.5 per bucket of 8: the 53rd grows to 16
		m.Store(k, k)
	}
	require.True(t, m.Stats().Growing)
	log = nil
	m.Shrink()
	require.Len(t, log, 9, "8 buckets moved, then GrowDone")
	for i, line := range log[:8] {
		require.Contains(t, line, fmt.Sprintf("BucketEvacuated {OldBucket:%d NewB:4 X:%d Y:%d", i, i, i+8))
		require.Contains(t, line, "Paced:true")
	}
	require.Contains(t, log[8], "GrowDone {OldB:3 NewB:4 Growth:4 Count:53")
}

// A tracer may use the map: read it, write to it, take a snapshot.
func TestTracerUsesMap(t *testing.T) {
	var m *Map[int, int]
	var seen []int
	tr := &Tracer{
		GrowStart: func(e GrowEvent) {
			s := m.Snapshot()
			seen = append(seen, s.Len())
			s.Close()
			m.Store(-e.Growth, e.Count)
		},
		BucketEvacuated: func(EvacuateEvent) { m.Len() },
		GrowDone:        func(GrowEvent) { m.Range(func(int, int) bool { return true }) },
	}
	m = New[int, int](0, WithTracer(tr))
	finishes(t, "stores whose tracer uses the map", func() {
		for k := range 1000 {
			m.Store(k, k)
		}
	})
	require.NotEmpty(t, seen)
	for i, n := range seen {
		v, ok := m.Load(-(i + 1))
		require.True(t, ok)
		require.GreaterOrEqual(t, v, n-i, "growth %d", i+1) // the tracer's own keys count too
	}
	require.NoError(t, checkInvariants(m))
}

// A tracer that panics: the write that called it has completed, and the
// map goes on.
func TestTracerPanics(t *testing.T) {
	var panicked atomic.Bool
	m := New[int, int](0, WithTracer(&Tracer{GrowStart: func(GrowEvent) {
		if !panicked.Swap(true) {
			panic("tracer")
		}
	}}))
	k := 0
	require.PanicsWithValue(t, "tracer", func() {
		for ; ; k++ {
			m.Store(k, k)
		}
	})
	v, ok := m.Load(k)
	require.True(t, ok, "the write that started the growth completed")
	require.Equal(t, k, v)
	finishes(t, "stores after the panic", func() {
		for i := range 1000 { // and grow again
			m.Store(i, -i)
		}
	})
	require.NoError(t, checkInvariants(m))
}

// Under concurrent writers every growth is reported once, started and
// done, and every old bucket once, in order, one call at a time: the
// tracer keeps its counts in plain variables, which the race detector
// would flag if two calls overlapped.
func TestTracerConcurrent(t *testing.T) {
	var (
		starts, dones, evacs int
		growing              bool
		order                []string
	)
	fail := func(format string, args ...any) { order = append(order, fmt.Sprintf(format, args...)) }
	tr := &Tracer{
		GrowStart: func(e GrowEvent) {
			if growing {
				fail("GrowStart %d during a growth", e.Growth)
			}
			starts++
			growing = true
		},
		GrowDone: func(e GrowEvent) {
			if !growing || e.Growth != starts {
				fail("GrowDone %d after %d starts, growing %v", e.Growth, starts, growing)
			}
			dones++
			growing = false
		},
		BucketEvacuated: func(e EvacuateEvent) {
			if !growing {
				fail("BucketEvacuated %+v outside a growth", e)
			}
			evacs++
		},
	}
	m := New[int, int](0, WithTracer(tr))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 20000 {
				m.Store(w*20000+k, k)
				if k%5000 == 0 {
					m.Delete(w*20000 + k)
				}
			}
		}()
	}
	wg.Wait()
	m.Shrink() // completes a growth left in progress
	st := m.Stats()
	require.Empty(t, order)
	require.False(t, st.Growing)
	require.Equal(t, st.Events.Growths, starts)
	require.Equal(t, st.Events.Growths, dones)
	require.Equal(t, st.Events.BucketsEvacuated, evacs)
}
