package concurrent

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The benchmarks compare Map with sync.Map through a small interface, so
// that they can move to a benchmark package and gain other peers:
//
//	go test ./concurrent -run '^$' -bench 'Mix' -cpu 1,2
//
// Keys are int64 in [0, size), the map warm (filled) before the timer
// starts; each goroutine of RunParallel draws keys from its own generator.
// A write is a Store or a Delete of an existing key, half and half.

type benchMap interface {
	Load(int64) (int64, bool)
	Store(int64, int64)
	Delete(int64)
}

type syncMap struct{ m sync.Map }

func (s *syncMap) Load(k int64) (int64, bool) {
	v, ok := s.m.Load(k)
	if !ok {
		return 0, false
	}
	return v.(int64), true
}
func (s *syncMap) Store(k, v int64) { s.m.Store(k, v) }
func (s *syncMap) Delete(k int64)   { s.m.Delete(k) }

var impls = []struct {
	name string
	new  func() benchMap
}{
	{"hmap", func() benchMap { return New[int64, int64](0) }},
	{"syncmap", func() benchMap { return new(syncMap) }},
}

// xorshift is a goroutine's key generator.
type xorshift uint64

func (x *xorshift) next() uint64 {
	*x ^= *x << 13
	*x ^= *x >> 7
	*x ^= *x << 17
	return uint64(*x)
}

var seeds atomic.Uint64

func BenchmarkMix(b *testing.B) {
	for _, size := range []int{1 << 10, 1 << 20} {
		for _, mix := range []struct {
			name  string
			reads uint64 // per 100
		}{{"99-1", 99}, {"90-10", 90}, {"50-50", 50}} {
			for _, impl := range impls {
				b.Run(fmt.Sprintf("size=%d/mix=%s/impl=%s", size, mix.name, impl.name), func(b *testing.B) {
					m := impl.new()
					for i := range int64(size) {
						m.Store(i, i)
					}
					mask := uint64(size - 1)
					b.ResetTimer()
					b.RunParallel(func(pb *testing.PB) {
						r := xorshift(seeds.Add(0x9e3779b97f4a7c15) | 1)
						var sink int64
						for pb.Next() {
							x := r.next()
							k := int64(x & mask)
							switch op := (x >> 32) % 200; {
							case op < 2*mix.reads:
								v, _ := m.Load(k)
								sink += v
							case op%2 == 0:
								m.Store(k, k)
							default:
								m.Delete(k)
							}
						}
						_ = sink
					})
				})
			}
		}
	}
}

func BenchmarkLen(b *testing.B) {
	m := New[int64, int64](0)
	for i := range int64(1 << 16) {
		m.Store(i, i)
	}
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		n += m.Len()
	}
	_ = n
}

// BenchmarkSnapshot takes snapshots of a 1<<20-entry map while another
// goroutine runs a 90/10 mix on it; it reports the time to take one
// (ns/op), and the background goroutine's throughput (bg-ops/s).
func BenchmarkSnapshot(b *testing.B) {
	const size = 1 << 20
	m := New[int64, int64](0)
	for i := range int64(size) {
		m.Store(i, i)
	}
	var stop atomic.Bool
	var ops atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r := xorshift(12345)
		n := int64(0)
		for !stop.Load() {
			x := r.next()
			k := int64(x & (size - 1))
			if (x>>32)%10 == 0 {
				m.Store(k, k)
			} else {
				m.Load(k)
			}
			n++
		}
		ops.Store(n)
	}()
	start := time.Now()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Snapshot().Close()
	}
	b.StopTimer()
	stop.Store(true)
	wg.Wait()
	b.ReportMetric(float64(ops.Load())/time.Since(start).Seconds(), "bg-ops/s")
}

// BenchmarkSnapshotIterate iterates a snapshot of a 1<<20-entry map
// (ns/op per entry is reported as ns/entry).
func BenchmarkSnapshotIterate(b *testing.B) {
	const size = 1 << 20
	m := New[int64, int64](0)
	for i := range int64(size) {
		m.Store(i, i)
	}
	s := m.Snapshot()
	defer s.Close()
	b.ResetTimer()
	var sum int64
	for i := 0; i < b.N; i++ {
		for _, v := range s.All() {
			sum += v
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/size, "ns/entry")
	_ = sum
}

// BenchmarkMemory reports the heap bytes per entry of a full 1<<20-entry
// map, and the heap it keeps after every key is deleted.
func BenchmarkMemory(b *testing.B) {
	const size = 1 << 20
	for _, impl := range impls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				before := heap()
				m := impl.new()
				for k := range int64(size) {
					m.Store(k, k)
				}
				full := heap() - before
				for k := range int64(size) {
					m.Delete(k)
				}
				empty := heap() - before
				runtime.KeepAlive(m)
				b.ReportMetric(float64(full)/size, "B/entry")
				b.ReportMetric(float64(empty)/(1<<20), "MB-after-delete")
			}
		})
	}
}

func heap() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}
