package bench_test

import (
	"testing"

	"github.com/hmaplab/hmap/bench/matrix"
	"github.com/hmaplab/hmap/table"
)

// BenchmarkMap is the matrix, hmap with default options against the
// builtin map: BenchmarkMap/key=K/elem=V/size=N/op=OP/impl=hmap|builtin.
func BenchmarkMap(b *testing.B) {
	matrix.Run(b, matrix.Int64Int64, matrix.HmapImpl[int64, int64]("hmap"), matrix.BuiltinImpl[int64, int64]())
	matrix.Run(b, matrix.StringInt64, matrix.HmapImpl[string, int64]("hmap"), matrix.BuiltinImpl[string, int64]())
	matrix.Run(b, matrix.Struct16Int64, matrix.HmapImpl[matrix.Struct16, int64]("hmap"), matrix.BuiltinImpl[matrix.Struct16, int64]())
	matrix.Run(b, matrix.Int64Ptr, matrix.HmapImpl[int64, *int64]("hmap"), matrix.BuiltinImpl[int64, *int64]())
}

// BenchmarkGrowthLatency fills an empty map with 1M int64 keys one at a
// time: hmap with the default evacuation pace (1), hmap evacuating the
// whole old array when a growth starts (pace 0), and the builtin map.
func BenchmarkGrowthLatency(b *testing.B) {
	matrix.RunGrowthLatency(b, matrix.Int64Int64, 1<<20,
		matrix.HmapImpl[int64, int64]("hmap"),
		matrix.HmapImpl[int64, int64]("hmap-pace0", table.WithEvacuationPace(0)),
		matrix.BuiltinImpl[int64, int64]())
}

// BenchmarkMemory measures bytes per entry of a filled map, for every
// variant and size of the matrix.
func BenchmarkMemory(b *testing.B) {
	matrix.RunMemory(b, matrix.Int64Int64, matrix.HmapImpl[int64, int64]("hmap"), matrix.BuiltinImpl[int64, int64]())
	matrix.RunMemory(b, matrix.StringInt64, matrix.HmapImpl[string, int64]("hmap"), matrix.BuiltinImpl[string, int64]())
	matrix.RunMemory(b, matrix.Struct16Int64, matrix.HmapImpl[matrix.Struct16, int64]("hmap"), matrix.BuiltinImpl[matrix.Struct16, int64]())
	matrix.RunMemory(b, matrix.Int64Ptr, matrix.HmapImpl[int64, *int64]("hmap"), matrix.BuiltinImpl[int64, *int64]())
}

var sink int

// BenchmarkAdapter measures what the driver costs: get-hit on a 1K int64
// map, once through package matrix (via=matrix) and once as a plain loop
// over the concrete map (via=direct). The two should agree within noise,
// for hmap and for the builtin map alike.
func BenchmarkAdapter(b *testing.B) {
	const n = 1 << 10
	keys := make([]int64, n)
	for i := range keys {
		keys[i] = matrix.Int64Key(i)
	}
	b.Run("key=int64/elem=int64/size=1K/op=get-hit/impl=hmap/via=direct", func(b *testing.B) {
		m := table.New[int64, int64](0)
		for i, k := range keys {
			m.Put(k, int64(i))
		}
		b.ReportAllocs()
		b.ResetTimer()
		hits := 0
		for i := 0; i < b.N; i++ {
			if _, ok := m.Get(keys[i&(n-1)]); ok {
				hits++
			}
		}
		sink = hits
	})
	b.Run("key=int64/elem=int64/size=1K/op=get-hit/impl=builtin/via=direct", func(b *testing.B) {
		m := map[int64]int64{}
		for i, k := range keys {
			m[k] = int64(i)
		}
		b.ReportAllocs()
		b.ResetTimer()
		hits := 0
		for i := 0; i < b.N; i++ {
			if _, ok := m[keys[i&(n-1)]]; ok {
				hits++
			}
		}
		sink = hits
	})
	matrix.RunOne(b, matrix.Int64Int64, n, "get-hit", "via=matrix",
		matrix.HmapImpl[int64, int64]("hmap"), matrix.BuiltinImpl[int64, int64]())
}
