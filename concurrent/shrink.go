package concurrent

import (
	"context"
	"runtime/trace"
	"unsafe"

	"github.com/hmaplab/hmap/asm"
)

// Shrink rebuilds the table at the smallest size that holds the map's
// entries under the load factor (the size New(Len()) would choose, or the
// table's own if that is smaller: Shrink never grows it), and packs every
// chain, something the builtin map and sync.Map never do: a
// table only grows, and deleting every key of a million-entry map leaves
// its 2^18 buckets (28 MiB for int64 keys and values, each bucket holding
// its first body) allocated. It returns the bytes the table's bucket
// array and the chain bodies allocated apart took before and after (the
// entries, one
// allocation per key, are not counted: they are not copied, only linked
// from the new chains).
//
// A growth in progress is completed first. Then Shrink locks every bucket
// of the table, in order, so that it moves a still picture: writes wait
// for it, for about the time a pass over the table takes (a few
// milliseconds per million buckets), while reads go on, in the old table
// until each finds its bucket marked as moved. The hash seed is kept, so
// every key keeps its hash and its tophash byte. A hasher that panics
// leaves the table as it was: every key is hashed before anything changes.
//
// Live snapshots keep reading what they read before: the old buckets are
// replaced by evacuation markers that link to the chains they held, as in
// a growth. If the table is already that size and no chain could be
// shorter, Shrink changes nothing.
//
// Shrink must not be called from a Compute function (it would wait for
// the bucket the function holds).
func (m *Map[K, V]) Shrink() (before, after int) {
	if m == nil {
		return 0, 0
	}
	m.table()
	if trace.IsEnabled() {
		defer trace.StartRegion(context.Background(), "hmap.shrink").End()
	}
	before, after = m.shrink()
	if m.tq != nil {
		m.tq.deliver(m.tracer) // the events of the growth it completed
	}
	return before, after
}

// shrink is Shrink, holding m.mu.
func (m *Map[K, V]) shrink() (before, after int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.root.Load()
	if o := t.old.Load(); o != nil {
		m.completeGrowth(t, o)
	}

	locked := 0
	defer func() { // also if the hasher panics
		for i := range locked {
			t.at(uintptr(i)).mu.Unlock()
		}
	}()
	// The growth completed, every segment of t is allocated.
	for i := range t.len() {
		t.at(uintptr(i)).mu.Lock()
		locked++
	}

	// Hash every entry first: nothing changes until all have hashed.
	var (
		moving []movingEntry[K, V]
		bodies int
		ovf    int
		holes  bool
	)
	for i := range t.len() {
		b := t.at(uintptr(i))
		p := b.body.Load()
		for q := p; q != nil; q = q.overflow.Load() {
			if q != &b.first {
				bodies++
			}
			w := q.tophash.Load()
			if q != p {
				ovf++
			}
			if q.overflow.Load() != nil && asm.EmptyBits(w) != 0 {
				holes = true
			}
			for s := range asm.SlotCount {
				x := q.slots[s].Load()
				if x == nil {
					continue
				}
				h := uintptr(i) // a NaN key: any chain will do, it is never found
				if x.key == x.key {
					h = m.hash(&x.key, t.lin.seed)
				}
				moving = append(moving, movingEntry[K, V]{x, h, uint8(w >> (8 * s))})
			}
		}
	}
	before = tableBytes[K, V](t.len(), bodies)
	// Never larger than t: a table can be over its load factor, since an
	// insert starts a growth only when its own stripe is over its share
	// (see maybeGrow), and growing is the writes' to do.
	newB := min(m.policy.BForHint(len(moving)), t.B)
	if newB == t.B && !holes {
		return before, before
	}

	// Build the new table's chains, stamped with the current epoch: with
	// m.mu held no snapshot can start, so every write in flight is of
	// that epoch, and lands in these chains as it would in the old ones.
	e := m.epoch.Load()
	nt := m.newTable(newB, t.lin, false)
	chains := make([]chainBuilder[K, V], nt.len())
	for j := range chains {
		chains[j].startIn(&nt.at(uintptr(j)).first)
	}
	for _, x := range moving {
		chains[x.h&nt.mask].add(x.e, x.top)
	}
	newOvf := 0 // the bodies allocated apart: every head is its bucket's first
	for j := range chains {
		c := &chains[j]
		newOvf += c.ovf
		nt.at(uintptr(j)).body.Store(c.finish(e, false))
	}

	// Publish the new table, then mark the old buckets: a reader or writer
	// that finds a marker in the table it loaded reloads the root.
	m.root.Store(nt)
	live := m.snapLive.Load() > 0
	for i := range t.len() {
		b := t.at(uintptr(i))
		mark := m.marker
		if p := b.body.Load(); live && p != nil {
			mark = newMarker[K, V](e)
			m.keepPrev(mark, p)
		}
		b.body.Store(mark)
		if !live {
			b.clearFirst() // nothing reads it but Loads on their way (see slot)
		}
	}
	t.lin.stripes[0].overflow.Add(int64(newOvf - ovf))
	m.shrinks.Add(1)
	m.mirror()
	return before, tableBytes[K, V](nt.len(), newOvf)
}

// movingEntry is an entry on its way to a new table, with its hash.
type movingEntry[K comparable, V any] struct {
	e   *entry[K, V]
	h   uintptr
	top uint8
}

// tableBytes is what an array of n buckets and the bodies of its chains
// allocated apart (all but the buckets' first) take.
func tableBytes[K comparable, V any](n, bodies int) int {
	return n*int(unsafe.Sizeof(slot[K, V]{})) + bodies*int(unsafe.Sizeof(body[K, V]{}))
}

// completeGrowth evacuates every old bucket of t's growth from o not yet
// moved, and drops o. m.mu is held, so no snapshot starts meanwhile and
// the current epoch stamps what moves.
func (m *Map[K, V]) completeGrowth(t, o *table[K, V]) {
	e := m.epoch.Load()
	st := &t.lin.stripes[0]
	for i := range o.len() {
		m.evacuate(t, o, uintptr(i), e, st, true)
	}
	m.dropOld(t, o)
}
