package table

// Stats is a snapshot of a map's header: every counter the runtime keeps.
// Taking it is O(1) and allocates nothing.
type Stats struct {
	Count int    // live entries
	B     uint8  // log2 of the number of regular buckets
	Seed  uint32 // current hash seed

	Buckets      int // regular buckets: 2^B, or 0 before the first insert
	SpareBuckets int // preallocated overflow buckets not yet used
	// OverflowBuckets is the runtime's noverflow: overflow buckets linked
	// into the current array since it was allocated, counted exactly for
	// B < 16 and sampled above (see package grow).
	OverflowBuckets uint16

	Growing      bool // a growth is in progress
	SameSizeGrow bool // ... and it keeps the size
	OldBuckets   int  // regular buckets of the old array while growing
	Nevacuate    int  // old buckets below this index are evacuated

	Iterator    bool // an iteration has started on the current array
	OldIterator bool // an iteration may be walking the old array
}

// Stats returns the map's counters.
func (m *Map[K, V]) Stats() Stats {
	s := Stats{
		Count:           m.count,
		B:               m.B,
		Seed:            m.seed,
		OverflowBuckets: m.noverflow,
		Growing:         m.growing(),
		Nevacuate:       int(m.nevacuate),
	}
	flags := loadFlags(&m.flags)
	s.Iterator = flags&flagIterator != 0
	s.OldIterator = flags&flagOldIterator != 0
	if m.buckets != nil {
		s.Buckets = 1 << m.B
		s.SpareBuckets = len(m.buckets) - int(m.nextSpare)
	}
	if s.Growing {
		s.SameSizeGrow = flags&flagSameSizeGrow != 0
		s.OldBuckets = int(m.noldbuckets())
	}
	return s
}
