package peers_test

import (
	"testing"

	"github.com/hmaplab/hmap/bench/internal/matrix"
)

// BenchmarkMap is the matrix of package bench for the peer libraries:
// BenchmarkMap/key=K/elem=V/size=N/op=OP/impl=dolthub-swiss|cockroach-swiss.
func BenchmarkMap(b *testing.B) {
	matrix.Run(b, matrix.Int64Int64, dolthubImpl[int64, int64](), cockroachImpl[int64, int64]())
	matrix.Run(b, matrix.StringInt64, dolthubImpl[string, int64](), cockroachImpl[string, int64]())
	matrix.Run(b, matrix.Struct16Int64, dolthubImpl[matrix.Struct16, int64](), cockroachImpl[matrix.Struct16, int64]())
	matrix.Run(b, matrix.Int64Ptr, dolthubImpl[int64, *int64](), cockroachImpl[int64, *int64]())
}

// BenchmarkGrowthLatency is package bench's growth-latency benchmark for
// the peer libraries.
func BenchmarkGrowthLatency(b *testing.B) {
	matrix.RunGrowthLatency(b, matrix.Int64Int64, 1<<20, dolthubImpl[int64, int64](), cockroachImpl[int64, int64]())
}

// BenchmarkMemory is package bench's memory benchmark for the peer
// libraries.
func BenchmarkMemory(b *testing.B) {
	matrix.RunMemory(b, matrix.Int64Int64, dolthubImpl[int64, int64](), cockroachImpl[int64, int64]())
	matrix.RunMemory(b, matrix.StringInt64, dolthubImpl[string, int64](), cockroachImpl[string, int64]())
	matrix.RunMemory(b, matrix.Struct16Int64, dolthubImpl[matrix.Struct16, int64](), cockroachImpl[matrix.Struct16, int64]())
	matrix.RunMemory(b, matrix.Int64Ptr, dolthubImpl[int64, *int64](), cockroachImpl[int64, *int64]())
}

// The concurrent benchmarks of package bench, for xsync, with package
// concurrent and sync.Map in the same process so that their ratios come
// from one run.
var concImpls = []matrix.ConcImpl{
	matrix.ConcHmapImpl("hmap-concurrent"),
	matrix.SyncMapImpl(),
	xsyncImpl(),
}

// BenchmarkConcurrent: size=N/mix=R-W/impl=NAME; run with -cpu 1,2.
func BenchmarkConcurrent(b *testing.B) { matrix.RunConcurrent(b, concImpls...) }

// BenchmarkConcurrentGrowth: filling to 1M with one concurrent reader.
func BenchmarkConcurrentGrowth(b *testing.B) { matrix.RunConcurrentGrowth(b, 1<<20, concImpls...) }

// BenchmarkConcurrentIterate: a whole iteration of 1M entries, per entry.
func BenchmarkConcurrentIterate(b *testing.B) {
	matrix.RunConcurrentIterate(b, 1<<20, matrix.ConcHmapSnapshotImpl("hmap-snapshot"), matrix.ConcHmapImpl("hmap-concurrent"), matrix.SyncMapImpl(), xsyncImpl())
}

// BenchmarkConcurrentLen: Len of a 1M map.
func BenchmarkConcurrentLen(b *testing.B) { matrix.RunConcurrentLen(b, 1<<20, concImpls...) }

// BenchmarkConcurrentMemory: bytes per entry at 1M, and after deleting all.
func BenchmarkConcurrentMemory(b *testing.B) { matrix.RunConcurrentMemory(b, 1<<20, concImpls...) }
