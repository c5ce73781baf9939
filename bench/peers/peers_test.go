package peers_test

import (
	"testing"

	"github.com/hmaplab/hmap/bench/matrix"
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
