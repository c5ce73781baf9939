package table

// Tracer receives the events of a map's life, to watch a growth happen or
// to log it. Any of its functions may be nil.
//
// Events are delivered at the end of the write that caused them (Put, Ptr,
// Delete, Clear, Shrink), in the order they happened, once the table is
// consistent again: a tracer may read the map, Inspect it, even write to it
// (the events of that write follow). It receives copies, never a bucket, so
// it cannot corrupt the table. If a tracer function panics, the panic
// leaves the write that called it, which has completed in full (for Ptr,
// the caller's store through the returned pointer has not happened yet);
// the rest of that write's events are dropped.
type Tracer struct {
	// GrowStart: a growth began, to twice the size or (SameSize) not.
	GrowStart func(GrowEvent)
	// BucketEvacuated: an old bucket and its chain were moved.
	BucketEvacuated func(EvacuateEvent)
	// GrowDone: the last old bucket was moved; the old array is released.
	GrowDone func(GrowEvent)
	// OverflowAllocated: a chain was extended by an overflow bucket.
	OverflowAllocated func(OverflowEvent)
	// Reseed: the map drew a new hash seed (it became empty, or was
	// cleared).
	Reseed func(ReseedEvent)

	log *EventLog // the log this tracer records into, for a misuse dump
}

// WithTracer makes the map report its events to t. A nil t is ignored.
func WithTracer(t *Tracer) Option {
	return func(c *config) { c.tracer = t }
}

// GrowEvent describes a growth.
type GrowEvent struct {
	OldB, NewB uint8 // log2 of the bucket counts before and after
	SameSize   bool  // the table is rebuilt at the same size
	Count      int   // entries when the growth started (GrowStart) or ended
	// Overflow is noverflow when the growth started: for a same-size
	// growth, the count that reached the threshold.
	Overflow uint16
	// BytesAllocated is what the new array took (GrowStart), and
	// BytesReleased what the map let go of when the last old bucket moved:
	// the old array and the overflow buckets of its chains (GrowDone). An
	// iteration still walking the old array keeps it until it ends.
	BytesAllocated, BytesReleased int
	// BytesHeld is Stats().BytesAllocated just after the event: at
	// GrowStart the peak, old and new arrays together.
	BytesHeld int
}

// EvacuateEvent describes the evacuation of one old bucket.
type EvacuateEvent struct {
	OldBucket int // index in the old array
	X         int // index of the X destination in the new array
	Y         int // index of the Y destination, or -1 for a same-size growth
	ToX, ToY  int // entries moved to each
	// Paced: evacuated to advance the growth (at nevacuate, or all at
	// once with pace 0), not because the write was about to touch it.
	Paced     bool
	Nevacuate int // the evacuation mark afterwards
}

// OverflowEvent describes a new overflow bucket.
type OverflowEvent struct {
	Bucket     int    // index of the chain's regular bucket
	ChainLen   int    // buckets in the chain, the new one included
	Spare      bool   // taken from the array's preallocated buckets
	SparesLeft int    // preallocated buckets still free afterwards
	Overflow   uint16 // noverflow afterwards (see Stats.Noverflow)
}

// ReseedEvent describes a change of hash seed.
type ReseedEvent struct {
	Old, New uint32 // the seeds before and after
	Clear    bool   // caused by Clear rather than by deleting the last entry
}

type eventKind uint8

const (
	evGrowStart eventKind = iota
	evEvacuated
	evGrowDone
	evOverflow
	evReseed
)

// event is a queued event: one of the payloads, by kind.
type event struct {
	kind   eventKind
	grow   GrowEvent
	evac   EvacuateEvent
	ovf    OverflowEvent
	reseed ReseedEvent
}

// setTracer installs t, noting which kinds of event it receives: the
// others are neither built nor queued.
func (m *Map[K, V]) setTracer(t *Tracer) {
	if t == nil {
		return
	}
	x := m.x()
	x.tracer, x.traced = t, 0
	for kind, f := range [...]bool{
		evGrowStart: t.GrowStart != nil,
		evEvacuated: t.BucketEvacuated != nil,
		evGrowDone:  t.GrowDone != nil,
		evOverflow:  t.OverflowAllocated != nil,
		evReseed:    t.Reseed != nil,
	} {
		if f {
			x.traced |= 1 << kind
		}
	}
}

// traces reports whether the tracer receives events of this kind.
func (m *Map[K, V]) traces(kind eventKind) bool {
	return m.extra != nil && m.extra.traced&(1<<kind) != 0
}

// emit queues e for delivery at the end of the current write, and flags
// the map so that the write delivers it (see flagPending).
func (m *Map[K, V]) emit(e event) {
	x := m.x()
	x.pending = append(x.pending, e)
	m.flags |= flagPending
}

// deliver hands the queued events to the tracer. The queue is detached
// first, so a tracer that writes to the map queues its own events anew,
// and one that panics leaves no stale events behind.
func (m *Map[K, V]) deliver() {
	x := m.extra
	evs := x.pending
	x.pending = nil
	m.flags &^= flagPending
	t := x.tracer
	for _, e := range evs {
		switch e.kind {
		case evGrowStart:
			if t.GrowStart != nil {
				t.GrowStart(e.grow)
			}
		case evEvacuated:
			if t.BucketEvacuated != nil {
				t.BucketEvacuated(e.evac)
			}
		case evGrowDone:
			if t.GrowDone != nil {
				t.GrowDone(e.grow)
			}
		case evOverflow:
			if t.OverflowAllocated != nil {
				t.OverflowAllocated(e.ovf)
			}
		case evReseed:
			if t.Reseed != nil {
				t.Reseed(e.reseed)
			}
		}
	}
	if x.pending == nil {
		x.pending = evs[:0] // reuse the queue's memory
	}
}
