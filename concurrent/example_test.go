package concurrent_test

import (
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"sync"

	"github.com/hmaplab/hmap/concurrent"
	"github.com/hmaplab/hmap/hash"
)

// The zero Map is ready to use, from any number of goroutines.
func Example() {
	var m concurrent.Map[string, int]
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.Store(fmt.Sprint("worker-", i), i)
			m.Compute("total", func(old int, _ bool) (int, concurrent.ComputeOp) {
				return old + i, concurrent.UpdateOp
			})
		}()
	}
	wg.Wait()
	v, ok := m.Load("total")
	fmt.Println(v, ok, m.Len())
	// Output: 6 true 5
}

// A Snapshot is a point-in-time view: writes after it was taken do not
// show in it, however many buckets they touch.
func ExampleMap_Snapshot() {
	m := concurrent.New[string, int](0)
	m.Store("a", 1)
	m.Store("b", 2)

	s := m.Snapshot()
	defer s.Close()

	m.Store("a", 100)
	m.Delete("b")
	m.Store("c", 3)

	a, ok := s.Get("a")
	fmt.Println(s.Len(), a, ok)
	keys := slices.Sorted(maps.Keys(maps.Collect(s.All())))
	fmt.Println(keys)
	v, _ := m.Load("a")
	fmt.Println(m.Len(), v)
	// Output:
	// 2 1 true
	// [a b]
	// 2 100
}

// Compute reads and rewrites a value atomically.
func ExampleMap_Compute() {
	var m concurrent.Map[string, int]
	incr := func(old int, _ bool) (int, concurrent.ComputeOp) { return old + 1, concurrent.UpdateOp }
	m.Compute("hits", incr)
	m.Compute("hits", incr)
	v, ok := m.Compute("hits", func(old int, _ bool) (int, concurrent.ComputeOp) {
		if old >= 2 {
			return 0, concurrent.DeleteOp // reset
		}
		return old, concurrent.CancelOp
	})
	fmt.Println(v, ok, m.Len())
	// Output: 0 false 0
}

// CompareAndSwap and CompareAndDelete are functions: they need a
// comparable value type, which the compiler checks.
func ExampleCompareAndSwap() {
	var m concurrent.Map[string, string]
	m.Store("state", "idle")
	fmt.Println(concurrent.CompareAndSwap(&m, "state", "busy", "done"))
	fmt.Println(concurrent.CompareAndSwap(&m, "state", "idle", "busy"))
	v, _ := m.Load("state")
	fmt.Println(v)
	// Output:
	// false
	// true
	// busy
}

// Stats reports the table's shape, its growths, snapshots and lock
// contention.
func ExampleMap_Stats() {
	m := concurrent.New[int, int](0)
	for i := range 1000 {
		m.Store(i, i)
	}
	s := m.Snapshot()
	m.Store(1, -1) // the first write to a bucket after a snapshot copies it
	st := m.Stats()
	fmt.Println(st.Count, st.Buckets >= 1000/8, st.Events.Growths > 0, st.SnapshotsAlive, st.Events.BucketCopies)
	s.Close()
	// Output: 1000 true true 1 1
}

// WithProbeCounting samples Loads and counts their work: here every Load,
// on a map whose constant hash puts all keys in one chain.
func ExampleWithProbeCounting() {
	m := concurrent.New[int, int](0, concurrent.WithProbeCounting(1),
		concurrent.WithHasher[int](hash.Constant[int]{Value: 7}))
	for i := range 20 {
		m.Store(i, i)
	}
	m.Load(19)
	p := m.Stats().Probes
	fmt.Println(p.Every, p.Lookups, p.BucketsVisited, p.KeysComparedHit)
	// Output: 1 1 3 20
}

// Stats implement slog.LogValuer: a log line carries every counter.
func ExampleStats_LogValue() {
	m := concurrent.New[string, int](0)
	m.Store("a", 1)
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{} // no timestamp, for a stable output
			}
			if len(groups) > 0 && a.Key != "Count" && a.Key != "Buckets" {
				return slog.Attr{} // keep the example short
			}
			return a
		},
	}))
	logger.Info("sessions", "stats", m.Stats())
	// Output: level=INFO msg=sessions stats.Count=1 stats.Buckets=1
}

// Shrink gives back the bucket array that deleted entries leave behind.
func ExampleMap_Shrink() {
	m := concurrent.New[int, int](0)
	for i := range 100_000 {
		m.Store(i, i)
	}
	for i := 100; i < 100_000; i++ {
		m.Delete(i)
	}
	fmt.Println("buckets before:", m.Stats().Buckets)
	m.Shrink()
	fmt.Println("buckets after:", m.Stats().Buckets, "entries:", m.Len())
	// Output:
	// buckets before: 16384
	// buckets after: 16 entries: 100
}
