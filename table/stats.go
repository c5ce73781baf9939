package table

import (
	"sync/atomic"
	"unsafe"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/grow"
)

// Stats is a snapshot of a map's counters. Taking it is O(1) and allocates
// nothing; the histograms, which must walk the table, are in Shape.
type Stats struct {
	Count int    // live entries
	B     uint8  // log2 of the number of regular buckets
	Seed  uint32 // current hash seed

	Buckets      int // regular buckets: 2^B, or 0 before the first insert
	SpareBuckets int // preallocated overflow buckets not yet used
	// OverflowBuckets is the number of overflow buckets in the current
	// array's chains, OldOverflowBuckets in the old array's.
	OverflowBuckets, OldOverflowBuckets int
	// Noverflow is the runtime's estimate of OverflowBuckets, its
	// noverflow: overflow buckets linked into the current array since it
	// was allocated, counted exactly for B < 16 and sampled above (see
	// package grow). It decides same-size growth.
	Noverflow uint16

	Growing      bool // a growth is in progress
	SameSizeGrow bool // ... and it keeps the size
	OldBuckets   int  // regular buckets of the old array while growing
	// Nevacuate is the evacuation mark: old buckets below it have been
	// evacuated. It keeps its final value after a growth, as the
	// runtime's does, until the next one starts.
	Nevacuate int

	Iterator    bool // an iteration has started on the current array
	OldIterator bool // an iteration may be walking the old array

	// LoadFactor is Count per regular bucket (0 with no bucket).
	LoadFactor float64
	// BytesAllocated is the memory the table holds, as the allocator
	// rounds it: the bucket arrays (spares included, old array included
	// while growing) and separately allocated overflow buckets. The
	// header, a few hundred bytes, is not counted.
	BytesAllocated int
	// BytesPerEntry is BytesAllocated / Count (0 when empty).
	BytesPerEntry float64

	Events Events // cumulative counts since the map was created
	Probes Probes // per-lookup counts, when built with -tags hmapprobe
}

// Events are cumulative counts of what happened to a map since it was
// created (a clone starts from zero).
type Events struct {
	Growths          int // growths that doubled the table
	SameSizeGrowths  int // growths that rebuilt it at the same size
	BucketsEvacuated int // old buckets (with their chains) evacuated
	MovedX, MovedY   int // entries evacuated to the X and Y halves
	// Overflow buckets taken from the arrays' preallocated spares, and
	// allocated one by one once the spares ran out.
	OverflowFromSpare, OverflowAllocated int
	Reseeds                              int // seeds drawn after the first
	Clears                               int // Clear calls on a non-empty map
	Shrinks                              int // Shrink calls that rebuilt the table
}

// Stats returns the map's counters.
func (m *Map[K, V]) Stats() Stats {
	if m == nil {
		return Stats{}
	}
	s := Stats{
		Count:              m.entries(),
		B:                  m.logB,
		Seed:               m.seed,
		Noverflow:          m.noverflow,
		OverflowBuckets:    m.overflowBuckets(),
		OldOverflowBuckets: m.oldOverflowBuckets(),
		Growing:            m.growing(),
		Nevacuate:          int(m.evacMark()),
		Probes:             m.probeStats(),
	}
	if x := m.extra; x != nil {
		s.Events = x.events
	}
	flags := atomic.LoadUint32(&m.flags) // iterations may be setting bits
	s.Iterator = flags&flagIterator != 0
	s.OldIterator = flags&flagOldIterator != 0
	if m.buckets != nil {
		s.Buckets = 1 << m.logB
		s.SpareBuckets = int(m.arrayLen(m.logB) - m.nextSpare())
		s.LoadFactor = float64(s.Count) / float64(s.Buckets)
	}
	if s.Growing {
		s.SameSizeGrow = flags&flagSameSizeGrow != 0
		s.OldBuckets = int(m.noldbuckets())
	}
	s.BytesAllocated = m.bytesAllocated()
	if s.Count > 0 {
		s.BytesPerEntry = float64(s.BytesAllocated) / float64(s.Count)
	}
	return s
}

// bytesAllocated is the memory held by the arrays and overflow buckets.
func (m *Map[K, V]) bytesAllocated() int {
	n := 0
	if m.buckets != nil {
		n += m.arrayBytes(m.array(), m.overflow)
	}
	if g := m.growth; g != nil {
		n += m.arrayBytes(g.old, g.oldOverflow)
	}
	return n
}

// arrayBytes is the memory an array and the overflow buckets allocated
// for its chains hold, as the allocator rounds it.
func (m *Map[K, V]) arrayBytes(arr []bucket.Bucket[K, V], o *arrayOverflow[K, V]) int {
	size := unsafe.Sizeof(bucket.Bucket[K, V]{})
	free := !m.hasPointers()
	n := grow.RoundUpSize(uintptr(len(arr))*size, free)
	if o != nil {
		n += uintptr(len(o.list)) * grow.RoundUpSize(size, free)
	}
	return int(n)
}

// Shape is the distribution of entries over the current array. Taking it
// walks every bucket: O(size of the table).
type Shape struct {
	// ChainLengths[n] is the number of chains of n buckets (index 0 is
	// unused: every chain has its regular bucket).
	ChainLengths []int
	// SlotsUsed[n] is the number of buckets, overflow buckets included,
	// with n full slots.
	SlotsUsed [asm.SlotCount + 1]int
	// EmptyOne counts deleted slots not yet reclaimed as EmptyRest.
	EmptyOne int
}

// Shape returns the distribution of entries over the current array. While
// a growth is in progress, chains of the old array that have not been
// evacuated are not included.
func (m *Map[K, V]) Shape() Shape {
	var s Shape
	if m == nil || m.buckets == nil {
		return s
	}
	for i := range uintptr(1) << m.logB {
		n := 0
		for b := m.at(i); b != nil; b = b.Overflow() {
			n++
			full := 0
			for _, t := range b.Tophash {
				switch {
				case t >= asm.MinTopHash:
					full++
				case t == bucket.EmptyOne:
					s.EmptyOne++
				}
			}
			s.SlotsUsed[full]++
		}
		for len(s.ChainLengths) <= n {
			s.ChainLengths = append(s.ChainLengths, 0)
		}
		s.ChainLengths[n]++
	}
	return s
}

// Sub returns the events counted since prev, an earlier reading of the
// same map's Events: a study reads Stats before and after what it measures
// and takes the difference. Reading Stats changes nothing in the map.
func (e Events) Sub(prev Events) Events {
	return Events{
		Growths:           e.Growths - prev.Growths,
		SameSizeGrowths:   e.SameSizeGrowths - prev.SameSizeGrowths,
		BucketsEvacuated:  e.BucketsEvacuated - prev.BucketsEvacuated,
		MovedX:            e.MovedX - prev.MovedX,
		MovedY:            e.MovedY - prev.MovedY,
		OverflowFromSpare: e.OverflowFromSpare - prev.OverflowFromSpare,
		OverflowAllocated: e.OverflowAllocated - prev.OverflowAllocated,
		Reseeds:           e.Reseeds - prev.Reseeds,
		Clears:            e.Clears - prev.Clears,
		Shrinks:           e.Shrinks - prev.Shrinks,
	}
}
