package table

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

// BenchmarkLookup measures Get on warm maps, hits and misses, for the
// per-build cost of instrumentation (compare builds with benchstat).
func BenchmarkLookup(b *testing.B) {
	for _, size := range []int{1 << 10, 1 << 16} {
		b.Run(fmt.Sprintf("key=int64/size=%d", size), func(b *testing.B) {
			m := New[int64, int64](0)
			for i := range int64(size) {
				m.Put(i, i)
			}
			mask := int64(size - 1)
			b.Run("hit", func(b *testing.B) {
				var sum int64
				for i := 0; i < b.N; i++ {
					v, _ := m.Get(int64(i) & mask)
					sum += v
				}
				sink = sum
			})
			b.Run("miss", func(b *testing.B) {
				var sum int64
				for i := 0; i < b.N; i++ {
					v, _ := m.Get(int64(i)&mask + int64(size))
					sum += v
				}
				sink = sum
			})
		})
		b.Run(fmt.Sprintf("key=string/size=%d", size), func(b *testing.B) {
			m := New[string, int64](0)
			keys := make([]string, 2*size)
			for i := range keys {
				keys[i] = "key-" + strconv.Itoa(i*7919)
				if i < size {
					m.Put(keys[i], int64(i))
				}
			}
			b.Run("hit", func(b *testing.B) {
				var sum int64
				for i := 0; i < b.N; i++ {
					v, _ := m.Get(keys[i&(size-1)])
					sum += v
				}
				sink = sum
			})
			b.Run("miss", func(b *testing.B) {
				var sum int64
				for i := 0; i < b.N; i++ {
					v, _ := m.Get(keys[size+i&(size-1)])
					sum += v
				}
				sink = sum
			})
		})
	}
}

var sink int64

// BenchmarkOneBucket compares the two ways to look a key up in a table of
// one bucket with small regular keys: scanning its keys (flagScan, as both
// Go runtimes do for such keys) and hashing, as every larger table does.
// Hits and misses, on a probe sequence the branch predictor learns (the 8
// keys in turn) and on one it cannot (65,536 draws at random). The package
// doc quotes it. (It is compiled in this package, to switch the scan off;
// package bench's size-8 get-hit cells, compiled in a package that imports
// only table, time the scanned lookup in random order too.)
func BenchmarkOneBucket(b *testing.B) {
	type pair struct{ A, B int64 }
	b.Run("key=int64", func(b *testing.B) {
		benchOneBucket(b, func(i int) int64 { return int64(i) * 0x3779b97f4a7c15 })
	})
	b.Run("key=struct16", func(b *testing.B) {
		benchOneBucket(b, func(i int) pair { return pair{int64(i), int64(i) * 0x3779b97f4a7c15} })
	})
}

func benchOneBucket[K comparable](b *testing.B, key func(int) K) {
	m := New[K, int64](0, WithSeed(1))
	var hits, misses [8]K
	for i := range hits {
		hits[i], misses[i] = key(i), key(i+8)
		m.Put(hits[i], int64(i))
	}
	if m.logB != 0 || m.flags&flagScan == 0 {
		b.Fatalf("B = %d, flags %#x: want a table of one bucket that is scanned", m.logB, m.flags)
	}
	cycle := make([]uint8, 1<<16)
	random := make([]uint8, len(cycle))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range cycle {
		cycle[i], random[i] = uint8(i&7), uint8(r.IntN(8))
	}
	for _, order := range []struct {
		name string
		seq  []uint8
	}{{"cycle", cycle}, {"random", random}} {
		for _, op := range []struct {
			name string
			keys *[8]K
		}{{"hit", &hits}, {"miss", &misses}} {
			for _, scan := range []bool{true, false} {
				name := "lookup=hash"
				if scan {
					name = "lookup=scan"
				}
				b.Run(fmt.Sprintf("order=%s/op=%s/%s", order.name, op.name, name), func(b *testing.B) {
					m.flags &^= flagScan
					if scan {
						m.flags |= flagScan
					}
					seq, keys := order.seq, op.keys
					var sum int64
					for i := 0; i < b.N; i++ {
						v, _ := m.Get(keys[seq[i&(len(seq)-1)]&7])
						sum += v
					}
					sink = sum
				})
			}
		}
	}
}
