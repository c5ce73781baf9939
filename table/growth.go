package table

// startGrowth begins a growth: to twice the size if the table is over its
// load factor, else to the same size (it has too many overflow buckets). The
// current array becomes the old one; entries move later, a few buckets per
// write (see growWork), unless the pace is 0.
func (m *Map[K, V]) startGrowth() {
	bigger := uint8(1)
	if m.entries()+1 <= m.maxLoad {
		bigger = 0
		m.flags |= flagSameSizeGrow
		m.events().SameSizeGrowths++
	} else {
		m.events().Growths++
	}
	start := GrowEvent{OldB: m.logB, NewB: m.logB + bigger, SameSize: bigger == 0, Count: m.entries(), Overflow: m.noverflow}
	m.growth = &growth[K, V]{old: m.array(), oldOverflow: m.overflow}
	m.newArray(m.logB + bigger)

	// Iterators started so far walk what is now the old array. (The
	// iteration count in the upper bits stays as it is.)
	iter := m.flags & flagIterator
	m.flags &^= flagIterator | flagOldIterator
	if iter != 0 {
		m.flags |= flagOldIterator
	}
	m.setB(m.logB + bigger)
	m.noverflow = 0
	traceGrowStart(start.OldB, start.NewB, start.Count)
	if m.traces(evGrowStart) {
		start.BytesAllocated = m.arrayBytes(m.array(), nil)
		start.BytesHeld = m.bytesAllocated()
		m.emit(event{kind: evGrowStart, grow: start})
	}

	if m.policy().Pace == 0 {
		r := traceRegion("hmap.evacuate")
		for m.growing() {
			m.evacuate(m.growth.nevacuate, true)
		}
		endRegion(r)
	}
}

// growWork does a write's share of a growth: the old bucket the write is
// about to touch, so the write sees all of its chain in the new array, then
// Pace more in order.
func (m *Map[K, V]) growWork(idx uintptr) {
	r := traceRegion("hmap.evacuate")
	m.evacuate(idx&m.oldbucketMask(), false)
	for n := m.policy().Pace; n > 0 && m.growing(); n-- {
		m.evacuate(m.growth.nevacuate, true)
	}
	endRegion(r)
}
