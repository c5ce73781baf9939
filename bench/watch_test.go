package bench_test

import (
	"testing"

	"github.com/hmaplab/hmap/bench/internal/matrix"
	"github.com/hmaplab/hmap/table"
	"github.com/hmaplab/hmap/watch"
)

// watchModes are the ways a map can be watched, for BenchmarkWatch: not
// at all, picked by sampling, named, and reporting to an EventLog.
var watchModes = []struct {
	name    string
	opts    func() []table.Option
	sampled bool
}{
	{name: "plain", opts: func() []table.Option { return nil }},
	{name: "sampled", opts: func() []table.Option { return nil }, sampled: true},
	{name: "named", opts: func() []table.Option { return []table.Option{table.WithName("bench")} }},
	{name: "traced", opts: func() []table.Option {
		return []table.Option{table.WithTracer(table.NewEventLog(1024).Tracer("bench"))}
	}},
}

// newWatched makes a map watched as mode says.
func newWatched(b *testing.B, mode int) *table.Map[int64, int64] {
	md := watchModes[mode]
	if md.sampled {
		if err := watch.SetSampleRate(1); err != nil {
			b.Fatal(err)
		}
		defer func() { _ = watch.SetSampleRate(0) }()
	}
	return table.New[int64, int64](0, md.opts()...)
}

// BenchmarkWatch is the cost of watching a map (see package watch): a 1K
// int64 map's get-hit and set-update, and grow, filling an empty map with
// 1K keys (ns/op per map), plain, sampled, named and traced.
// BenchmarkWatch/op=OP/impl=MODE.
func BenchmarkWatch(b *testing.B) {
	const n = 1 << 10
	keys := make([]int64, n)
	for i := range keys {
		keys[i] = matrix.Int64Key(i)
	}
	for mode, md := range watchModes {
		b.Run("op=get/impl="+md.name, func(b *testing.B) {
			m := newWatched(b, mode)
			for i, k := range keys {
				m.Put(k, int64(i))
			}
			b.ResetTimer()
			s := int64(0)
			for i := range b.N {
				v, _ := m.Get(keys[i&(n-1)])
				s += v
			}
			sink = int(s)
		})
		b.Run("op=set/impl="+md.name, func(b *testing.B) {
			m := newWatched(b, mode)
			for i, k := range keys {
				m.Put(k, int64(i))
			}
			b.ResetTimer()
			for i := range b.N {
				m.Put(keys[i&(n-1)], int64(i))
			}
		})
		b.Run("op=grow/impl="+md.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				m := newWatched(b, mode)
				for i, k := range keys {
					m.Put(k, int64(i))
				}
				sink = m.Len()
			}
		})
	}
}
