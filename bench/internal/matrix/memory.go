package matrix

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"unsafe"
)

// RunMemory runs BenchmarkMemory's cells of one key and elem type: for
// each size and impl, the live heap a map holds after being filled by
// inserting its keys one by one into an empty map, measured as the growth
// of the heap across the fill, with two full collections before each
// reading (the old arrays that growth leaves behind are garbage by then).
// It reports B/entry (heap bytes per entry, map header included) and
// scan-B/entry (the part of it the collector must scan), and for an
// adapter with a BytesAllocated method (hmap) table-B/entry, the table's
// own account. Keys are made before the measurement: a string key's bytes
// are not counted, only the string header the map stores. Small maps are
// measured many at a time (as many as make 64K entries) and the figures
// divided.
func RunMemory[K comparable, V any](b *testing.B, v Variant[K, V], impls ...Impl[K, V]) {
	b.Run("key="+v.Key+"/elem="+v.Elem, func(b *testing.B) {
		for _, size := range sizes {
			b.Run("size="+SizeName(size), func(b *testing.B) {
				d := newData(v, size)
				copies := max(1, (1<<16)/size)
				for _, im := range impls {
					b.Run("impl="+im.Name, func(b *testing.B) {
						var bytes, scan, table float64
						for range b.N {
							before := heapNow()
							keep, tb, held := im.memory(d, copies)
							after := heapNow()
							runtime.KeepAlive(keep)
							bytes += max(0, growth(before.bytes, after.bytes)-float64(held))
							scan += growth(before.scan, after.scan)
							table += float64(tb)
						}
						entries := float64(b.N) * float64(copies) * float64(size)
						b.ReportMetric(bytes/entries, "B/entry")
						b.ReportMetric(scan/entries, "scan-B/entry")
						if table > 0 {
							b.ReportMetric(table/entries, "table-B/entry")
						}
					})
				}
			})
		}
	})
}

type heap struct{ bytes, scan uint64 }

func heapNow() heap {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := []metrics.Sample{{Name: "/gc/scan/heap:bytes"}}
	metrics.Read(s)
	var scan uint64
	if s[0].Value.Kind() == metrics.KindUint64 {
		scan = s[0].Value.Uint64()
	}
	return heap{ms.HeapAlloc, scan}
}

// growth is after - before, or 0 if the heap shrank meanwhile.
func growth(before, after uint64) float64 {
	if after < before {
		return 0
	}
	return float64(after - before)
}

// fillCopies builds copies maps of d's keys, each by inserting into an
// empty map, and returns them with the sum of their BytesAllocated (0 if
// the adapter has no such method) and the size of the slice holding them,
// which is not the maps' own memory.
func fillCopies[M Mapper[K, V, M], K comparable, V any](d *data[K, V], copies int, newMap func(int) M) (any, int, int) {
	ms := make([]M, copies)
	held := int(unsafe.Sizeof(ms[0])) * copies
	tb := 0
	for i := range ms {
		m := newMap(0)
		m.Put(d.keys[:d.n], d.elems[:d.n])
		ms[i] = m
		if a, ok := any(m).(interface{ BytesAllocated() int }); ok {
			tb += a.BytesAllocated()
		}
	}
	return ms, tb, held
}
