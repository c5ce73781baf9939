package concurrent

import (
	"runtime"

	"github.com/hmaplab/hmap/asm"
)

// View is a read-only copy of a map's structure at one instant: the
// header's figures and every bucket of the current table and, during a
// growth, of the old one, each chain body by body, as package table's View
// is for a table.Map.
//
// Its Stats are those of the instant it shows. Count, B, Buckets,
// OverflowBuckets, Growing, OldBuckets and Evacuated are counted from what
// the view holds, so they agree with its chains even while writes run;
// Epoch is the epoch of the snapshot the view was read through: it holds,
// in each bucket, the newest version made before Epoch. SnapshotsAlive,
// Events and Probes are the map's running counters: Map.Inspect reads them
// just after its copy (its own snapshot counts in Events.Snapshots, as
// Range's does), and Snapshot.Inspect leaves them zero, a snapshot keeping
// no counters of its own.
type View[K comparable, V any] struct {
	Stats
	// Seed is the hash seed of the tables shown (a Clear draws a new one).
	Seed uint64
	// Nevacuate is the growth's cursor: old buckets below it have been
	// claimed by writes, which evacuate them in order, one or more each
	// besides their own key's bucket (WithEvacuationPace). Map.Inspect
	// reads it just after its copy: with no write running meanwhile, every
	// old bucket below it shows evacuated. A snapshot does not record it,
	// so Snapshot.Inspect sets -1 during a growth. It is 0 when no growth
	// is in progress.
	Nevacuate  int
	Buckets    []Chain[K, V] // 2^B chains, one per bucket of the current table
	OldBuckets []Chain[K, V] // the old table's chains while growing, else nil
}

// Chain is the version of one bucket's chain that a view holds: a head
// body followed by its overflow bodies, or the evacuation marker, or
// nothing.
type Chain[K comparable, V any] struct {
	// Bodies are the chain's bodies in order, the head first; none when
	// the bucket holds no chain (it was never written, or deletes emptied
	// it) or, in an old table, when it has been evacuated.
	Bodies []BucketView[K, V]
	// Evacuated reports that the bucket's chain is the evacuation marker:
	// a growth moved its entries to new buckets i and i + 2^oldB.
	Evacuated bool
	// Epoch is the snapshot epoch the version was made in, its stamp: a
	// snapshot of epoch E reads the newest version made before E. Chains
	// made while no snapshot was ever taken carry 0.
	Epoch uint64
	// Versions counts the older versions still linked behind this one:
	// those that live snapshots read, and those none reads that no write
	// or post-Close sweep has unlinked yet.
	Versions int
	// Apart reports that the version's head body is allocated apart from
	// the bucket array: a copy that a write made while a snapshot was
	// alive. A chain otherwise starts in its bucket's own first body (see
	// the package doc's Layout), and starts there again once deletes have
	// emptied it.
	Apart bool
}

// BucketView is a copy of one body: eight slots. Keys and Elems hold the
// entries of full slots; empty ones read as zero values.
type BucketView[K comparable, V any] struct {
	// Tophash holds each slot's byte: the key's tophash for a full slot,
	// 0 for an empty one (package concurrent has no other slot states).
	Tophash [asm.SlotCount]uint8
	Keys    [asm.SlotCount]K
	Elems   [asm.SlotCount]V
}

// Full returns the number of full slots.
func (b *BucketView[K, V]) Full() int {
	n := 0
	for _, t := range b.Tophash {
		if t != 0 {
			n++
		}
	}
	return n
}

// Inspect returns a copy of the map's structure, consistent as of one
// instant during the call. It is O(size of the table); for a large map
// read Stats, or InspectBucket.
//
// Reading the buckets one after the other while writes run would mix
// instants: an entry evacuated between the reads of its old and new
// buckets would show twice or not at all, and the counts would not match
// the chains. So Inspect takes a Snapshot, copies the version of every
// bucket that the snapshot reads (as Snapshot.All does), and closes it.
// That costs what a Snapshot costs: the writes that run during the copy
// copy the chains they change, once per bucket, instead of writing in
// place (and a growth keeps the chains it moves behind their markers),
// and if any did, Close then sweeps the table to unlink those old
// versions. With no write running meanwhile, nothing is copied.
//
// A nil *Map, and a zero Map before its first use, have no table: their
// View is empty (Inspect does not set a zero Map up, as Snapshot would).
func (m *Map[K, V]) Inspect() View[K, V] {
	if m == nil || m.root.Load() == nil {
		return View[K, V]{}
	}
	s := m.Snapshot()
	v := s.inspect()
	if v.Growing {
		v.Nevacuate = min(int(s.t.nevacuate.Load()), v.Stats.OldBuckets)
	}
	s.Close()
	st := m.Stats()
	v.SnapshotsAlive, v.Events, v.Probes = st.SnapshotsAlive, st.Events, st.Probes
	return v
}

// Inspect returns a copy of the structure the snapshot holds: in each
// bucket of its tables, the version it reads. Later writes to the map do
// not change it, except a chain's Versions count: unlinking versions that
// no live snapshot reads any more is how the map gives them back. See
// View for the fields it cannot know.
func (s *Snapshot[K, V]) Inspect() View[K, V] {
	s.check()
	v := s.inspect()
	runtime.KeepAlive(s)
	return v
}

// inspect copies the snapshot's tables, as of its epoch.
func (s *Snapshot[K, V]) inspect() View[K, V] {
	t, o, e := s.t, s.old, s.epoch
	var v View[K, V]
	if t == nil {
		return v // a snapshot of a nil *Map
	}
	v.Count, v.B, v.Stats.Buckets, v.Epoch = s.n, t.B, t.len(), e
	v.Seed = uint64(t.lin.seed)
	v.Buckets = make([]Chain[K, V], t.len())
	for i := range v.Buckets {
		// A growing table's bucket whose segment no evacuation has
		// reached yet holds nothing: its Chain stays empty.
		if b := t.at(uintptr(i)); b != nil {
			v.Buckets[i] = viewChain(b, version(b, e))
		}
		v.OverflowBuckets += max(len(v.Buckets[i].Bodies)-1, 0)
	}
	if o == nil {
		return v
	}
	v.Growing, v.Stats.OldBuckets, v.Nevacuate = true, o.len(), -1
	v.OldBuckets = make([]Chain[K, V], o.len())
	for i := range v.OldBuckets {
		b := o.at(uintptr(i))
		c := viewChain(b, version(b, e))
		if c.Evacuated {
			v.Evacuated++
		}
		v.OverflowBuckets += max(len(c.Bodies)-1, 0)
		v.OldBuckets[i] = c
	}
	return v
}

// InspectBucket returns a copy of chain i of the current table, and false
// if there is no such chain (or no table yet). It takes the bucket's lock
// for the time of the copy, as a write does, so the chain is the one the
// bucket held at that instant, whole; it takes no snapshot, and costs the
// writes of other buckets nothing. (A bucket of a growing table that no
// evacuation has reached yet is empty, its memory not even allocated: it
// is returned empty, with no lock taken.)
func (m *Map[K, V]) InspectBucket(i int) (Chain[K, V], bool) {
	if m == nil {
		return Chain[K, V]{}, false
	}
	for {
		t := m.root.Load()
		if t == nil || i < 0 || i >= t.len() {
			return Chain[K, V]{}, false
		}
		b := t.at(uintptr(i))
		if b == nil {
			// Its segment is not allocated: a growth has moved nothing
			// into it yet.
			return Chain[K, V]{}, true
		}
		c, moved := lockedChain(b)
		if !moved {
			return c, true
		}
		// t was replaced by a growth since it was loaded: a marker in
		// it means a newer table holds the bucket's entries.
	}
}

// InspectOldBucket returns a copy of chain i of the old table during a
// growth (the evacuation marker if the bucket has moved), and false if
// there is no such chain. It locks the bucket as InspectBucket does.
func (m *Map[K, V]) InspectOldBucket(i int) (Chain[K, V], bool) {
	if m == nil {
		return Chain[K, V]{}, false
	}
	t := m.root.Load()
	if t == nil {
		return Chain[K, V]{}, false
	}
	o := t.old.Load()
	if o == nil || i < 0 || i >= o.len() {
		return Chain[K, V]{}, false
	}
	c, _ := lockedChain(o.at(uintptr(i)))
	return c, true
}

// lockedChain copies b's chain under its lock, and reports whether it is
// the evacuation marker.
func lockedChain[K comparable, V any](b *slot[K, V]) (Chain[K, V], bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := viewChain(b, b.body.Load())
	return c, c.Evacuated
}

// viewChain copies the version of bucket b's chain that starts at p.
func viewChain[K comparable, V any](b *slot[K, V], p *body[K, V]) Chain[K, V] {
	var c Chain[K, V]
	if p == nil {
		return c
	}
	c.Epoch = p.epochOf()
	c.Apart = p != &b.first && !p.isMarker()
	for q := p.prev.Load(); q != nil; q = q.prev.Load() {
		c.Versions++
	}
	if p.isMarker() {
		c.Evacuated = true
		return c
	}
	for q := p; q != nil; q = q.overflow.Load() {
		var bv BucketView[K, V]
		w := q.tophash.Load()
		for i := range asm.SlotCount {
			bv.Tophash[i] = uint8(w >> (8 * i))
			if x := q.slots[i].Load(); x != nil && bv.Tophash[i] != 0 {
				bv.Keys[i], bv.Elems[i] = x.key, x.value
			}
		}
		c.Bodies = append(c.Bodies, bv)
	}
	return c
}
