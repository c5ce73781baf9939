package concurrent

import (
	"sync"
	"unsafe"
)

// Tracer receives the events of a map's life: its growths, one event per
// bucket moved, its chains' new overflow bodies, and the new seeds Clear
// draws. Any of its functions may be nil. The event types carry package
// table's names, and those of its fields that a concurrent table has.
//
// The functions are called one at a time, in the order the events
// happened, by a goroutine that holds no lock of the map, once the table is
// consistent again: a tracer may read the map, write to it (the events of
// that write follow the current one) or take a Snapshot, and it needs no
// lock of its own. An event is delivered at the end of the operation that
// caused it, by that operation's goroutine, unless another goroutine is
// delivering events at that moment: that one delivers it, after its own.
// If a tracer function panics, the panic leaves the operation that called
// it, which has completed in full; the events it had taken to deliver are
// dropped.
type Tracer struct {
	// GrowStart: a growth began, to twice the size.
	GrowStart func(GrowEvent)
	// BucketEvacuated: an old bucket's chain was moved.
	BucketEvacuated func(EvacuateEvent)
	// GrowDone: the last old bucket was moved; the old array is released.
	// A Clear during a growth ends it with no GrowDone, as in package
	// table: the table it was growing is dropped whole.
	GrowDone func(GrowEvent)
	// OverflowAllocated: a chain was extended by an overflow body.
	OverflowAllocated func(OverflowEvent)
	// Reseed: Clear drew a new hash seed.
	Reseed func(ReseedEvent)
}

// WithTracer makes the map report its events to t. A nil t is ignored.
func WithTracer(t *Tracer) Option {
	return func(c *config) {
		if t != nil {
			c.tracer = t
		}
	}
}

// GrowEvent describes a growth.
type GrowEvent struct {
	OldB, NewB uint8 // log2 of the bucket counts before and after
	// Growth numbers the map's growths from 1 (Stats.Events.Growths once
	// this one started).
	Growth int
	// Count is the entries when the growth started (GrowStart) or ended:
	// the sum of the striped counters then, off by the writes in flight.
	Count int
	// BytesAllocated is what the new bucket array takes (GrowStart),
	// allocated a segment at a time by the evacuations, and BytesReleased
	// what the old one took, released at GrowDone (a snapshot still
	// reading it keeps it until it closes). Chain bodies are not counted:
	// each is allocated or dropped on its own.
	BytesAllocated, BytesReleased int
}

// EvacuateEvent describes the evacuation of one old bucket.
type EvacuateEvent struct {
	OldBucket int   // index in the old array
	NewB      uint8 // log2 of the new array's size
	X, Y      int   // indexes of the two destinations in the new array
	ToX, ToY  int   // entries moved to each
	// Paced: evacuated to advance the growth (taken from the shared
	// cursor, all at once with pace 0, or by Shrink completing the
	// growth), not because the write was about to touch it.
	Paced bool
}

// OverflowEvent describes a new overflow body.
type OverflowEvent struct {
	Bucket   int // index of the chain's bucket in its array
	ChainLen int // bodies in the chain, the new one included
}

// ReseedEvent describes a change of hash seed.
type ReseedEvent struct {
	Old, New uint64 // the seeds before and after
	Clear    bool   // caused by Clear: always, for a concurrent Map
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

// traceQueue holds the events of a map with a tracer until they are
// delivered. Writers queue an event where it happens, under the lock that
// orders it (the map's mutex for a growth's start and end, the old
// bucket's for its evacuation), so the queue's order is the order of the
// events; delivering takes a second mutex, so that one goroutine at a time
// calls the tracer.
type traceQueue struct {
	mu         sync.Mutex
	events     []event
	delivering sync.Mutex
}

func (q *traceQueue) add(e event) {
	q.mu.Lock()
	q.events = append(q.events, e)
	q.mu.Unlock()
}

// take returns the queued events and empties the queue.
func (q *traceQueue) take() []event {
	q.mu.Lock()
	evs := q.events
	q.events = nil
	q.mu.Unlock()
	return evs
}

func (q *traceQueue) pending() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.events) > 0
}

// deliver calls t for every queued event, unless another goroutine is
// doing so: that one then delivers them too. (An event queued just as the
// other goroutine finished is seen by the pending check of one of the two.)
// A tracer that writes to the map comes back here while delivering, and
// returns at once: its events follow.
func (q *traceQueue) deliver(t *Tracer) {
	for q.delivering.TryLock() {
		q.run(t, q.take())
		if !q.pending() {
			return
		}
	}
}

// run delivers evs, holding q.delivering, which it releases even if t
// panics.
func (q *traceQueue) run(t *Tracer, evs []event) {
	defer q.delivering.Unlock()
	for _, e := range evs {
		switch e.kind {
		case evGrowStart:
			t.GrowStart(e.grow)
		case evEvacuated:
			t.BucketEvacuated(e.evac)
		case evGrowDone:
			t.GrowDone(e.grow)
		case evOverflow:
			t.OverflowAllocated(e.ovf)
		case evReseed:
			t.Reseed(e.reseed)
		}
	}
}

// arrayBytes is what an array of 2^B buckets takes.
func arrayBytes[K comparable, V any](B uint8) int {
	return int(unsafe.Sizeof(slot[K, V]{})) << B
}
