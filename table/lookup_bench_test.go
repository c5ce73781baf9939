package table

import (
	"fmt"
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
