package concurrent

import (
	"slices"
	"unsafe"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/internal/rt"
)

// ComputeOp is what a Compute function asks for.
type ComputeOp int

const (
	// UpdateOp stores the returned value.
	UpdateOp ComputeOp = iota
	// DeleteOp deletes the key (if present).
	DeleteOp
	// CancelOp leaves the map as it is.
	CancelOp
)

type opKind uint8

const (
	opStore opKind = iota
	opSwap         // a store that returns the value it replaces
	opLoadOrStore
	opDelete
	opCompute
)

// enter opens an epoch section on st and returns the section's epoch. Each
// write runs inside one: Snapshot bumps the epoch and then waits until the
// sections of the previous epoch have closed (see the package doc).
func (m *Map[K, V]) enter(st *stripe) uint64 {
	for {
		e := m.epoch.Load()
		st.sect[e&1].Add(1)
		if m.epoch.Load() == e {
			return e
		}
		st.sect[e&1].Add(-1)
	}
}

// exit closes epoch section e on st for a write that changed no count.
func exit(st *stripe, e uint64) { st.sect[e&1].Add(-1) }

// sectionEnd closes epoch section e on st for a write that changed the
// entry count by d (-1, 0 or 1) in a version of epoch landing: one atomic
// addition, unless landing and e differ in parity (a write of an epoch
// that a snapshot has just ended, landing in a version stamped since).
// The change is counted as the section ends, after the bucket's lock is
// released: a Snapshot, which waits for the sections of its previous
// epoch to end, then finds in their parity every change they made.
func sectionEnd(st *stripe, e, landing uint64, d int64) {
	if d != 0 && (landing^e)&1 != 0 {
		st.sect[landing&1].Add(d << sectBits)
		d = 0
	}
	st.sect[e&1].Add(d<<sectBits - 1)
}

// lock locks a bucket, counting the acquisitions that had to wait.
func lock[K comparable, V any](b *slot[K, V], st *stripe) {
	if !b.mu.TryLock() {
		st.contention.Add(1)
		b.mu.Lock()
	}
}

// result is what a write reports.
type result[K comparable, V any] struct {
	old      *entry[K, V] // the entry before the write, nil if absent
	now      *entry[K, V] // the entry after the write, nil if absent
	inserted bool         // a new key was added
	// landing is the epoch of the version the write landed in, and
	// counted the entry count change it made there (-1, 0 or 1), for
	// sectionEnd.
	landing uint64
	counted int8
	// bodies is the length of the chain, in bodies, if the write added
	// an overflow body to it (for the tracer), else 0.
	bodies int32
}

// mutate is every write: it finds key's bucket in the current table
// (helping a growth in progress first), locks it and applies the operation.
func (m *Map[K, V]) mutate(key K, kind opKind, val V, fn func(V, bool) (V, ComputeOp)) result[K, V] {
	t := m.root.Load() // m.table(), written out: it does not inline here
	if t == nil {
		t = m.setUp()
	}
	lin := t.lin
	var h uintptr // m.hash, written out; may panic (unhashable key): nothing is held yet
	if unsafe.Sizeof(key) == 8 && m.wordHash {
		h = hashWordFolded(*(*uint64)(unsafe.Pointer(&key)), t.wseed)
	} else {
		h = m.hashfn(rt.NoEscape(unsafe.Pointer(&key)), lin.seed)
	}
	for {
		st := lin.stripe(h)
		e := m.enter(st)
		var finish *table[K, V]
		if o := t.old.Load(); o != nil {
			if m.helpGrowGuarded(t, o, h, e, st) {
				finish = o
			}
		}
		b := t.bucket(h)
		lock(b, st)
		p := b.body.Load()
		if b.marked(p) {
			// t was replaced by a growth: retry in the current table.
			b.mu.Unlock()
			exit(st, e)
			if finish != nil {
				m.finishGrow(t, finish)
			}
			t = m.root.Load()
			if t.lin != lin {
				lin = t.lin
				h = m.hash(&key, lin.seed) // rare: a Clear drew a new seed
			}
			continue
		}
		r := m.apply(b, p, h, key, kind, val, fn, e, st)
		if r.bodies != 0 && m.tq != nil {
			m.overflowed(int(h&t.mask), r.bodies) // under the lock: in order
		}
		b.mu.Unlock()
		sectionEnd(st, e, r.landing, int64(r.counted))
		if finish != nil {
			m.finishGrow(t, finish)
		}
		if r.inserted {
			if r.bodies != 0 && m.tq != nil {
				m.tq.deliver(m.tracer)
			}
			m.maybeGrow(t, st)
		}
		return r
	}
}

// apply performs one write on the chain p of bucket b, which the caller has
// locked, inside an epoch section of epoch e.
func (m *Map[K, V]) apply(b *slot[K, V], p *body[K, V], h uintptr, key K, kind opKind, val V,
	fn func(V, bool) (V, ComputeOp), e uint64, st *stripe) result[K, V] {
	top := asm.Tophash(h)
	var (
		cur          *entry[K, V]
		fb, eb, last *body[K, V]
		fi, ei       uint
	)
	for q := p; q != nil; q = q.overflow.Load() {
		w := q.tophash.Load()
		for s := asm.MatchCandidates(w, top); s != 0; s = asm.RemoveFirst(s) {
			i := asm.First(s)
			if x := q.slots[i].Load(); x != nil && x.key == key {
				cur, fb, fi = x, q, i
				goto decided
			}
		}
		if eb == nil {
			if em := asm.EmptyBits(w); em != 0 {
				eb, ei = q, asm.First(em)
			}
		}
		last = q
	}
decided:
	// What to do: put an entry, delete cur, or nothing.
	var put *entry[K, V]
	del := false
	switch kind {
	case opStore:
		if cur != nil && m.inplace && m.overwrite(b, p, cur, val) {
			return result[K, V]{old: cur, now: cur}
		}
		put = &entry[K, V]{key, val}
	case opSwap:
		put = &entry[K, V]{key, val}
	case opLoadOrStore:
		if cur != nil {
			return result[K, V]{old: cur, now: cur}
		}
		put = &entry[K, V]{key, val}
	case opDelete:
		if cur == nil {
			return result[K, V]{}
		}
		del = true
	case opCompute:
		var old V
		if cur != nil {
			old = cur.value
		}
		v, op := m.compute(fn, old, cur != nil, b, e, st)
		switch op {
		case UpdateOp:
			if cur != nil && m.inplace && m.overwrite(b, p, cur, v) {
				return result[K, V]{old: cur, now: cur}
			}
			put = &entry[K, V]{key, v}
		case DeleteOp:
			if cur == nil {
				return result[K, V]{}
			}
			del = true
		default:
			return result[K, V]{old: cur, now: cur}
		}
	}
	r := result[K, V]{old: cur, now: put, inserted: put != nil && cur == nil}

	live := m.snapLive.Load() > 0
	landing := e
	if p != nil && p.stamp.Load() > e {
		landing = p.stamp.Load()
	}
	if p != nil && live && p.stamp.Load() < e {
		// A live snapshot may read this version: leave it as it is and
		// publish a copy with the write applied.
		q, ovf := copyChain(p, cur, put, top, e)
		m.keepPrev(q, p)
		b.body.Store(q)
		st.copies.Add(1)
		if had := chainOverflow(p); ovf != had {
			st.overflow.Add(int64(ovf - had))
			if ovf > had {
				r.bodies = int32(ovf + 1)
			}
		}
		if m.leave(st) { // the snapshots closed meanwhile
			q.prev.Store(nil)
			if chainEmpty(q) {
				dropChain(b, q, st) // clears b.first too
			} else {
				b.clearFirst() // no version but q is read any more
			}
		}
	} else {
		if p != nil && !live && p.prev.Load() != nil {
			unlinkVersions(b, p) // no snapshot reads them any more
		}
		switch {
		case put != nil && cur != nil:
			fb.slots[fi].Store(put)
		case put != nil:
			if insert(b, p, eb, last, ei, top, put, e) {
				st.overflow.Add(1)
				r.bodies = int32(chainOverflow(p) + 1)
			}
		case del:
			// The slot before the byte: a reader that matches the byte
			// finds the entry or nil.
			fb.slots[fi].Store(nil)
			fb.tophash.Store(fb.tophash.Load() &^ (0xff << (8 * fi)))
			if chainEmpty(p) && (!live || m.leave(st)) {
				dropChain(b, p, st)
			}
		}
	}
	r.landing = landing
	if r.inserted {
		r.counted = 1
	} else if del {
		r.counted = -1
	}
	return r
}

// insert adds put, with tophash top, to chain p of bucket b, whose lock
// the caller holds: into the first empty slot, eb's slot ei, if the chain
// has one (eb nil if not), else into a new body after last, the chain's
// last body, or as a new chain stamped e if p is nil. It reports whether
// it added an overflow body.
func insert[K comparable, V any](b *slot[K, V], p, eb, last *body[K, V], ei uint, top uint8, put *entry[K, V], e uint64) bool {
	if eb != nil {
		// The slot before the byte: a reader that matches the byte finds
		// the entry.
		eb.slots[ei].Store(put)
		eb.tophash.Store(eb.tophash.Load() | uint64(top)<<(8*ei))
		return false
	}
	if p == nil {
		nb := b.fresh(e)
		nb.slots[0].Store(put)
		nb.tophash.Store(uint64(top))
		b.body.Store(nb)
		return false
	}
	nb := &body[K, V]{}
	nb.slots[0].Store(put)
	nb.tophash.Store(uint64(top))
	last.overflow.Store(nb)
	return true
}

// dropChain sets bucket b's chain p, which deletes have emptied, to nil,
// and takes its overflow bodies off stripe st's count. The caller holds
// b's lock, and no snapshot is alive: nothing reads b.first any more.
func dropChain[K comparable, V any](b *slot[K, V], p *body[K, V], st *stripe) {
	st.overflow.Add(-int64(chainOverflow(p)))
	b.body.Store(nil)
	b.clearFirst()
}

// unlinkVersions cuts the link from p, bucket b's chain, to the versions
// before it, which no snapshot reads any more, and clears b.first, which
// may be one of them: p, which links versions, is a copy, never first. The
// caller holds b's lock.
func unlinkVersions[K comparable, V any](b *slot[K, V], p *body[K, V]) {
	p.prev.Store(nil)
	b.clearFirst()
}

// fresh returns b.first, cleared and stamped e, to start b's chain, which
// is nil. The caller holds b's lock.
func (b *slot[K, V]) fresh(e uint64) *body[K, V] {
	b.clearFirst()
	b.first.stamp.Store(e)
	return &b.first
}

// clearFirst empties b.first, which is not b's chain and no snapshot reads,
// so that it keeps no entry alive. A Load may still be reading it: one that
// misses then looks again (see slot). The caller holds b's lock.
func (b *slot[K, V]) clearFirst() {
	q := &b.first
	if q.tophash.Load() != 0 {
		q.tophash.Store(0)
	}
	for i := range q.slots {
		if q.slots[i].Load() != nil {
			q.slots[i].Store(nil)
		}
	}
	if q.overflow.Load() != nil {
		q.overflow.Store(nil)
	}
}

// overwrite stores v into cur, an entry of chain p, in place, if no
// snapshot is alive: none then reads cur but through the table, where
// Load reads it with valueOf, and no older version that shares cur can
// be read again. It reports whether it did; if not, the write publishes a
// new entry. The map overwrites values in place (m.inplace). The
// caller holds the bucket's lock.
func (m *Map[K, V]) overwrite(b *slot[K, V], p *body[K, V], cur *entry[K, V], v V) bool {
	if m.snapLive.Load() != 0 {
		return false
	}
	if p.prev.Load() != nil {
		unlinkVersions(b, p) // no snapshot reads them any more
	}
	cur.storeValue(v, m.vmode)
	return true
}

// leave records, on stripe st, that a write left a version or an empty
// chain for the live snapshots, which the Close of the last one sweeps
// away, and reports whether no snapshot is alive any more: then that Close
// may have come before the record, and the caller, holding the bucket's
// lock, unlinks or drops what it left itself.
func (m *Map[K, V]) leave(st *stripe) bool {
	st.kept.Add(1)
	return m.snapLive.Load() == 0
}

// keepPrev links q, a new version, to p, the one it replaces, for the live
// snapshots, and trims the versions behind it to those they can read.
func (m *Map[K, V]) keepPrev(q, p *body[K, V]) {
	q.prev.Store(p)
	trimVersions(q, m.liveEpochs.Load())
}

// trimVersions unlinks from the versions behind head (a bucket's current
// chain, whose lock the caller holds) every version no live snapshot
// reads: a snapshot of epoch E reads the newest version stamped before E,
// so a version stamped s, followed by a newer one stamped n, is kept only
// if some live epoch E has s < E <= n. live is sorted; nil means none.
//
// A snapshot taken meanwhile, and so missing from live, reads the head,
// which stays. A reader walking a version that is unlinked goes on through
// that version's own link, which is left as it is, to the version it
// needs, which stays linked.
func trimVersions[K comparable, V any](head *body[K, V], live *[]uint64) {
	keep, newer := head, head.epochOf()
	for v := head.prev.Load(); v != nil; v = v.prev.Load() {
		s := v.epochOf()
		if live != nil && readBySome(*live, s, newer) {
			if keep.prev.Load() != v {
				keep.prev.Store(v)
			}
			keep = v
		}
		newer = s
	}
	if keep.prev.Load() != nil {
		keep.prev.Store(nil)
	}
}

// readBySome reports whether some epoch E of live, sorted, has s < E <= n.
func readBySome(live []uint64, s, n uint64) bool {
	i, _ := slices.BinarySearch(live, s+1)
	return i < len(live) && live[i] <= n
}

func chainEmpty[K comparable, V any](p *body[K, V]) bool {
	for ; p != nil; p = p.overflow.Load() {
		if p.tophash.Load() != 0 {
			return false
		}
	}
	return true
}

func chainOverflow[K comparable, V any](p *body[K, V]) int {
	n := 0
	if p != nil {
		for q := p.overflow.Load(); q != nil; q = q.overflow.Load() {
			n++
		}
	}
	return n
}

// chainBuilder packs entries into a new chain, eight to a body.
type chainBuilder[K comparable, V any] struct {
	// first, if not nil, is the body the chain starts in: the first body
	// of a bucket whose chain has never been published (in a table that
	// a growth or a Shrink is filling), which no reader has seen. Set it
	// with startIn.
	first      *body[K, V]
	head, tail *body[K, V]
	n          int // entries in tail
	w          uint64
	ovf        int
}

// add appends x, whose tophash is top, to the chain.
func (c *chainBuilder[K, V]) add(x *entry[K, V], top uint8) {
	if c.full() {
		c.extend()
	}
	c.put(x, top)
}

// full reports whether the next entry needs a new body.
func (c *chainBuilder[K, V]) full() bool { return c.tail == nil || c.n == asm.SlotCount }

// put stores x into the next slot of the tail body, which has one free.
func (c *chainBuilder[K, V]) put(x *entry[K, V], top uint8) {
	// No reader sees the chain before the caller publishes what finish
	// returns, by an atomic store: a plain store into the slot suffices,
	// and inlines where the atomic one (with its write barrier) is a call.
	*(*unsafe.Pointer)(unsafe.Pointer(&c.tail.slots[c.n&(asm.SlotCount-1)])) = unsafe.Pointer(x)
	c.w |= uint64(top) << (8 * c.n)
	c.n++
}

// extend starts a new body, the chain's first or after a full one.
func (c *chainBuilder[K, V]) extend() {
	var nb *body[K, V]
	if c.tail == nil && c.first != nil {
		nb = c.first
	} else {
		nb = &body[K, V]{}
	}
	if c.tail == nil {
		c.head = nb
	} else {
		c.tail.tophash.storeUnpublished(c.w)
		*(*unsafe.Pointer)(unsafe.Pointer(&c.tail.overflow)) = unsafe.Pointer(nb) // unpublished too
		c.ovf++
	}
	c.tail, c.n, c.w = nb, 0, 0
}

// count returns the number of entries added.
func (c *chainBuilder[K, V]) count() int {
	if c.tail == nil {
		return 0
	}
	return c.ovf*asm.SlotCount + c.n
}

// nextDepth returns the position in the chain, from 1, of the body the
// next entry added goes into.
func (c *chainBuilder[K, V]) nextDepth() int {
	switch {
	case c.tail == nil:
		return 1
	case c.n == asm.SlotCount:
		return c.ovf + 2
	}
	return c.ovf + 1
}

// finish returns the chain with stamp, nil if it has no entry and empty
// is false.
func (c *chainBuilder[K, V]) finish(stamp uint64, empty bool) *body[K, V] {
	if c.head == nil {
		if !empty {
			return nil
		}
		c.head = c.first
		if c.head == nil {
			c.head = &body[K, V]{}
		}
	} else {
		c.tail.tophash.storeUnpublished(c.w)
	}
	c.head.stamp.storeUnpublished(stamp)
	return c.head
}

// startIn makes q, the first body of a bucket whose chain has never been
// published, the body c's chain starts in. An evacuation whose hasher
// panicked may have begun a chain in q and left it unpublished, with
// entries that writes have deleted since: they are cleared, with plain
// stores, as no reader sees q. (Entries go into the slots in order, so
// slot 0 is full if any is.)
func (c *chainBuilder[K, V]) startIn(q *body[K, V]) {
	if q.slots[0].Load() != nil {
		for i := range q.slots {
			*(*unsafe.Pointer)(unsafe.Pointer(&q.slots[i])) = nil
		}
		q.tophash.Store(0)
		q.overflow.Store(nil)
	}
	c.first = q
}

// copyChain returns a compacted copy of chain p, stamped e, with cur
// replaced by put (or deleted if put is nil), or put appended if cur is nil,
// and the copy's number of overflow bodies.
func copyChain[K comparable, V any](p *body[K, V], cur, put *entry[K, V], top uint8, e uint64) (*body[K, V], int) {
	var c chainBuilder[K, V]
	for q := p; q != nil; q = q.overflow.Load() {
		w := q.tophash.Load()
		for i := range asm.SlotCount {
			x := q.slots[i].Load()
			if x == nil {
				continue
			}
			if x == cur {
				if put != nil {
					c.add(put, uint8(w>>(8*i)))
				}
				continue
			}
			c.add(x, uint8(w>>(8*i)))
		}
	}
	if cur == nil && put != nil {
		c.add(put, top)
	}
	return c.finish(e, true), c.ovf
}

// A write may panic in two places: in a Compute function (or the
// comparison of CompareAndSwap), and in the hasher, when a growth rehashes
// the keys it moves. Both happen before the write changes anything, but
// with the write's epoch section open and, for Compute, its bucket
// locked. compute and helpGrowGuarded release those if a panic goes
// through them, so that the map stays usable; the common path, a Store
// to a map that is not growing, pays nothing for it (a deferred call in
// mutate's loop could not be open-coded).

// compute calls f for a Compute on bucket b, which the caller has locked
// inside an epoch section e of stripe st; if f panics, it unlocks b and
// leaves the section before the panic goes on.
func (m *Map[K, V]) compute(f func(V, bool) (V, ComputeOp), old V, loaded bool,
	b *slot[K, V], e uint64, st *stripe) (V, ComputeOp) {
	returned := false
	defer func() {
		if !returned {
			b.mu.Unlock()
			exit(st, e)
		}
	}()
	v, op := f(old, loaded)
	returned = true
	return v, op
}

// helpGrowGuarded is helpGrow for a write inside epoch section e of
// stripe st: if the hasher panics while a bucket is moved, it leaves the
// section before the panic goes on. (evacuate unlocks the bucket itself.)
// The growth is left as it was: the bucket that failed is moved by the
// next write to one of its keys. It returns helpGrow's report, or true for
// a map with a tracer, whose write then delivers the events it queued.
func (m *Map[K, V]) helpGrowGuarded(t, o *table[K, V], h uintptr, e uint64, st *stripe) bool {
	returned := false
	defer func() {
		if !returned {
			exit(st, e)
		}
	}()
	done := m.helpGrow(t, o, h, e, st)
	returned = true
	return done || m.tq != nil
}

// helpGrow evacuates the old bucket of hash h, then the next buckets not
// yet claimed, as many as the evacuation pace says (all of them for pace
// 0). It reports whether the growth has no bucket left to evacuate.
func (m *Map[K, V]) helpGrow(t, o *table[K, V], h uintptr, e uint64, st *stripe) bool {
	m.evacuate(t, o, h&o.mask, e, st, false)
	n := uintptr(m.policy.Pace)
	if n == 0 {
		n = o.mask + 1 // all at once
	}
	for ; n > 0; n-- {
		i := t.nevacuate.Add(1) - 1
		if i > o.mask {
			break
		}
		m.evacuate(t, o, i, e, st, true)
	}
	return t.evacuated.Load() == o.mask+1
}

// evacuate moves old bucket oi of o into t's buckets oi and oi+len(o),
// allocating their segment if no evacuation has yet (see reach), then
// marks it evacuated. Nothing writes those two buckets before the mark:
// every writer evacuates its old bucket first, under the old bucket's lock.
// paced says why, for the tracer: to advance the growth, or because the
// write's own key is there.
func (m *Map[K, V]) evacuate(t, o *table[K, V], oi uintptr, e uint64, st *stripe, paced bool) {
	ob := o.at(oi)
	lock(ob, st)
	defer ob.mu.Unlock() // a hasher may panic below: see attempt
	p := ob.body.Load()
	if p.isMarker() {
		return
	}
	live := m.snapLive.Load() > 0
	stamp := e
	if p != nil && p.stamp.Load() > e {
		stamp = p.stamp.Load()
	}
	n := o.mask + 1
	// Buckets oi and oi+n share a segment, which reach publishes or
	// sees published: bucket may then read it.
	t.reach(oi)
	bx, by := t.bucket(oi), t.bucket(oi+n)
	var x, y chainBuilder[K, V]
	x.startIn(&bx.first)
	y.startIn(&by.first)
	var watched *moved // what a watched map records of the entries it moves
	if m.watched != nil {
		watched = new(moved)
	}
	seed := t.lin.seed
	for q := p; q != nil; q = q.overflow.Load() {
		w := q.tophash.Load()
		// The body's keys are hashed first, apart: on a large map each
		// key is a cache miss, and with nothing else between them the
		// processor has the eight loads under way at once.
		var ens [asm.SlotCount]*entry[K, V]
		var hs [asm.SlotCount]uintptr
		for i := range ens {
			en := q.slots[i].Load()
			ens[i] = en
			if en == nil || en.key != en.key {
				continue
			}
			if unsafe.Sizeof(en.key) == 8 && m.wordHash {
				hs[i] = hashWordFolded(*(*uint64)(unsafe.Pointer(&en.key)), t.wseed) // m.hash, written out
			} else {
				hs[i] = m.hash(&en.key, seed)
			}
		}
		for i, en := range ens {
			if en == nil {
				continue
			}
			top := uint8(w >> (8 * i))
			cb := &x // the chain en goes to: x, or y
			if en.key != en.key {
				// NaN: its hash is random; follow the tophash's low bit,
				// as the runtime does.
				if top&1 != 0 {
					cb = &y
				}
			} else {
				if hs[i]&n != 0 {
					cb = &y
				}
				if watched != nil {
					watched.add(hs[i], cb.nextDepth())
				}
			}
			// add, written out: its call to extend keeps it from inlining.
			if cb.full() {
				cb.extend()
			}
			cb.put(en, top)
		}
	}
	// While a snapshot is alive, a half that gets no entry still gets a
	// chain, empty and stamped: a write of an older epoch may still be on
	// its way to it (the snapshot that bumped the epoch is waiting for it),
	// and must land in a version stamped stamp, as it would in the half
	// that has entries. In a nil chain it would land in its own epoch's
	// parity, counted by a snapshot that reads the old chain without it.
	xc, yc := x.finish(stamp, live), y.finish(stamp, live)
	bx.body.Store(xc)
	by.body.Store(yc)
	mark := m.marker
	if live {
		mark = newMarker[K, V](stamp)
		if p != nil {
			m.keepPrev(mark, p)
		}
	}
	if d := x.ovf + y.ovf - chainOverflow(p); d != 0 { // before p, if first, is cleared
		st.overflow.Add(int64(d))
	}
	ob.body.Store(mark)
	if !live {
		// Nothing reads ob's first body now but Loads on their way (see
		// slot). It is cleared so as to keep no value alive while the
		// growth lasts (a key deleted since it moved); an entry without
		// pointers keeps nothing alive but its own bytes, and the old
		// array they would stay in is kept anyway: it is left as it was,
		// saving its slots' pointer stores, each a call.
		if !m.plainEntries {
			ob.clearFirst()
		}
	} else if m.leave(st) { // the snapshots closed meanwhile
		mark.prev.Store(nil)
		ob.clearFirst()
		for _, c := range [...]*slot[K, V]{bx, by} {
			if q := c.body.Load(); q != nil && chainEmpty(q) {
				c.body.Store(nil) // an empty chain is one body
			}
		}
	}
	if m.tq != nil && m.tracer.BucketEvacuated != nil {
		// Queued before the count that lets a write end the growth, so
		// that GrowDone comes after every bucket's event.
		m.tq.add(event{kind: evEvacuated, evac: EvacuateEvent{OldBucket: int(oi), NewB: t.B,
			X: int(oi), Y: int(oi + n), ToX: x.count(), ToY: y.count(), Paced: paced}})
	}
	t.evacuated.Add(1)
	if watched != nil {
		m.watched.entry.Merge(watched.hashes, watched.probe)
	}
}

// overflowed queues the event of an insert that extended chain i to
// bodies bodies. The caller holds the bucket's lock, which orders the
// event before the chain's evacuation.
func (m *Map[K, V]) overflowed(i int, bodies int32) {
	if m.tracer.OverflowAllocated != nil {
		m.tq.add(event{kind: evOverflow, ovf: OverflowEvent{Bucket: i, ChainLen: int(bodies)}})
	}
}

// maybeGrow starts a growth of t if it holds too many entries. A cheap
// estimate from the writer's own stripe filters the calls that sum them
// all. (It does not inline: writePlain has the test written out.)
func (m *Map[K, V]) maybeGrow(t *table[K, V], st *stripe) {
	if st.entries() > t.stripeMax {
		m.growIfOver(t)
	}
}

// growIfOver starts a growth of t if the entries of all stripes are over
// its threshold and no growth is under way.
//
//go:noinline
func (m *Map[K, V]) growIfOver(t *table[K, V]) {
	if t.old.Load() != nil || int(t.lin.count()) <= t.maxCount {
		return
	}
	m.startGrowth(t)
}

// startGrowth starts a growth of t, unless another write started one
// meanwhile, and tells the tracer, if any.
func (m *Map[K, V]) startGrowth(t *table[K, V]) {
	m.mu.Lock()
	if m.root.Load() == t && t.old.Load() == nil && int(t.lin.count()) > t.maxCount {
		nt := m.newTable(t.B+1, t.lin, true)
		nt.old.Store(t)
		g := m.growths.Add(1)
		if m.tq != nil && m.tracer.GrowStart != nil {
			// Queued before the new table is published: every event of
			// this growth comes after it.
			m.tq.add(event{kind: evGrowStart, grow: GrowEvent{OldB: t.B, NewB: nt.B, Growth: int(g),
				Count: int(t.lin.count()), BytesAllocated: arrayBytes[K, V](nt.B)}})
		}
		m.root.Store(nt)
		m.mirror()
	}
	m.mu.Unlock()
	if m.tq != nil {
		m.tq.deliver(m.tracer)
	}
}

// finishGrow drops the old array of t once every bucket has moved, and
// delivers the events the write queued for the tracer, if any.
func (m *Map[K, V]) finishGrow(t, o *table[K, V]) {
	if t.evacuated.Load() == o.mask+1 {
		m.mu.Lock()
		// A Clear may have replaced t meanwhile: its growth ended then,
		// untraced, as a table.Map's does.
		if t.old.Load() == o && m.root.Load() == t {
			m.dropOld(t, o)
		}
		m.mu.Unlock()
	}
	if m.tq != nil {
		m.tq.deliver(m.tracer)
	}
}

// dropOld ends t's growth from o, every bucket of which has moved. m.mu
// is held.
func (m *Map[K, V]) dropOld(t, o *table[K, V]) {
	t.old.Store(nil)
	m.evacTotal.Add(uint64(o.mask + 1))
	m.mirror()
	if m.tq != nil && m.tracer.GrowDone != nil {
		m.tq.add(event{kind: evGrowDone, grow: GrowEvent{OldB: o.B, NewB: t.B, Growth: int(m.growths.Load()),
			Count: int(t.lin.count()), BytesReleased: arrayBytes[K, V](o.B)}})
	}
}

// mustNotBeNil panics, as storing into a nil builtin map does, for a
// write that would store into a nil *Map. (Deletes and reads treat a nil
// *Map as empty.)
func (m *Map[K, V]) mustNotBeNil() {
	if m == nil {
		panic(errNilAssign)
	}
}

// Store sets the value for key.
func (m *Map[K, V]) Store(key K, value V) {
	m.mustNotBeNil()
	if !m.writePlain(m.root.Load(), key, value, plainStore, nil) {
		m.mutate(key, opStore, value, nil)
	}
}

// Swap stores value for key and returns the previous value, if any.
func (m *Map[K, V]) Swap(key K, value V) (previous V, loaded bool) {
	m.mustNotBeNil()
	var sw swapped[V]
	if m.writePlain(m.root.Load(), key, value, plainStore, &sw) {
		return sw.prev, sw.loaded
	}
	r := m.mutate(key, opSwap, value, nil)
	if r.old != nil {
		return r.old.value, true
	}
	return previous, false
}

// LoadOrStore returns the value stored for key if there is one (loaded is
// true); otherwise it stores value and returns it.
func (m *Map[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool) {
	m.mustNotBeNil()
	// A key that is present is read as Load reads it, without the bucket's
	// lock: where every caller gets a key that is there, as in a warm
	// cache, they would otherwise take that lock one after the other.
	if v, ok := m.Load(key); ok {
		return v, true
	}
	// Absent when Load looked: stored the plain way, unless something (a
	// snapshot, a tracer, a table replaced since, or the key, stored
	// meanwhile) asks for the general way.
	if m.writePlain(m.root.Load(), key, value, plainLoadOrStore, nil) {
		return value, false
	}
	r := m.mutate(key, opLoadOrStore, value, nil)
	if r.old != nil {
		// Read after the lock is released, this may be the value of a
		// later Store, written in place: one the key held while
		// LoadOrStore ran, which is what a Load returns.
		return m.valueOf(r.old), true
	}
	return value, false
}

// LoadAndDelete deletes the value for key and returns it, if there was one.
func (m *Map[K, V]) LoadAndDelete(key K) (value V, loaded bool) {
	if m == nil {
		rt.CheckHashable(key)
		return value, false
	}
	if x, done := m.deletePlain(m.root.Load(), key); done {
		if x != nil {
			// Unlinked under the lock, x takes no write after it.
			return m.valueOf(x), true
		}
		return value, false
	}
	var zero V
	r := m.mutate(key, opDelete, zero, nil)
	if r.old != nil {
		return r.old.value, true
	}
	return value, false
}

// Delete deletes the value for key.
func (m *Map[K, V]) Delete(key K) {
	if m == nil {
		rt.CheckHashable(key)
		return
	}
	t := m.root.Load()
	if _, done := m.deletePlain(t, key); done {
		return
	}
	var zero V
	if !m.writePlain(t, key, zero, plainDelete, nil) {
		m.mutate(key, opDelete, zero, nil)
	}
}

// Compute atomically reads and rewrites the value of key: f receives the
// current value (the zero value and false if key is absent) and returns
// the new value and what to do with it (UpdateOp stores it, DeleteOp
// deletes the key, CancelOp leaves the map unchanged). Compute returns the
// value key has afterwards, and whether it has one.
//
// f runs with key's bucket locked: it must be quick, and it must not use
// the map (a call back into m may deadlock). It runs exactly once.
func (m *Map[K, V]) Compute(key K, f func(old V, loaded bool) (V, ComputeOp)) (actual V, ok bool) {
	m.mustNotBeNil()
	var zero V
	// What f decided, kept as it returns, under the bucket's lock: the
	// entry may be overwritten in place by a later Store as soon as the
	// lock is released.
	var (
		v  V
		op ComputeOp
		in bool
	)
	m.mutate(key, opCompute, zero, func(old V, loaded bool) (V, ComputeOp) {
		v, op = f(old, loaded)
		if op == CancelOp {
			v, in = old, loaded
		} else {
			in = op == UpdateOp
		}
		return v, op
	})
	if !in {
		return actual, false
	}
	return v, true
}

// CompareAndSwap stores new for key if its current value equals old, and
// reports whether it did. It is a function rather than a method because it
// needs V to be comparable, which a method of Map[K, V any] cannot require;
// the compiler rejects it for other value types.
func CompareAndSwap[K, V comparable](m *Map[K, V], key K, old, new V) (swapped bool) {
	if m == nil {
		rt.CheckHashable(key)
		return false // nothing to compare with
	}
	// A swap that cannot happen fails as a Load would see it, without the
	// bucket's lock (see LoadOrStore). One that can is decided under it.
	if cur, ok := m.Load(key); !ok || cur != old {
		return false
	}
	m.Compute(key, func(cur V, loaded bool) (V, ComputeOp) {
		if loaded && cur == old {
			swapped = true
			return new, UpdateOp
		}
		return cur, CancelOp
	})
	return swapped
}

// CompareAndDelete deletes key if its current value equals old, and reports
// whether it did. Like CompareAndSwap it needs V to be comparable.
func CompareAndDelete[K, V comparable](m *Map[K, V], key K, old V) (deleted bool) {
	if m == nil {
		rt.CheckHashable(key)
		return false
	}
	if cur, ok := m.Load(key); !ok || cur != old {
		return false // as CompareAndSwap fails
	}
	m.Compute(key, func(cur V, loaded bool) (V, ComputeOp) {
		if loaded && cur == old {
			deleted = true
			return cur, DeleteOp
		}
		return cur, CancelOp
	})
	return deleted
}

// Clear deletes every entry, at once: a Load that starts after Clear
// returns sees none of them. The table keeps its size, and the map draws a
// new hash seed, as the builtin map does on clear.
func (m *Map[K, V]) Clear() {
	if m == nil {
		return
	}
	m.table()
	m.mu.Lock()
	t := m.root.Load()
	nt := m.newTable(t.B, m.newLineage(), false)
	m.root.Store(nt)
	m.clears.Add(1)
	m.mirror()
	if m.tq != nil && m.tracer.Reseed != nil {
		m.tq.add(event{kind: evReseed, reseed: ReseedEvent{Old: uint64(t.lin.seed), New: uint64(nt.lin.seed), Clear: true}})
	}
	m.mu.Unlock()
	if m.tq != nil {
		m.tq.deliver(m.tracer)
	}
}
