package concurrent

import (
	"unsafe"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/internal/rt"
)

// Plain writes. Most Stores, Swaps, Deletes and inserting LoadOrStores
// find no snapshot alive and no tracer to tell: such a write helps a
// growth under way if there is one, then changes its chain in place and
// counts itself, nothing more. writePlain is that write, apart from
// mutate and apply, which take every case and pay for it on every write:
// a call between them with ten arguments, a result of four words, and a
// frame holding what the other cases need. Measured with callgrind
// (bench/internal/concops built with Go 1.26, keys of a 1K map, alignment
// padding excluded), the general way spends 963 instructions on a Delete
// and a Store back, the plain way 732 (the entry's allocation is about
// 180 of either); a Swap of a present key, 583 the general way (which
// allocates a new entry), 257 the plain way, which writes the value in
// place where the map does so for Stores.

// plainOp is what writePlain does.
type plainOp uint8

const (
	plainStore       plainOp = iota
	plainDelete              // key is deleted; no value is stored
	plainLoadOrStore         // value is stored if key is absent
)

// swapped is what a plainStore replaced, for Swap: the key's value before
// it, if the key was present.
type swapped[V any] struct {
	prev   V
	loaded bool
}

// writePlain does op for key (storing value, but for plainDelete) in
// table t, the map's root when the caller loaded it, if no snapshot is
// alive and the map has no tracer; if t is growing, it first helps the
// growth as mutate does. It reports whether it did; if it did not, it
// changed nothing but the growth it helped, and the caller takes the
// general way (mutate), which handles every case: so does a t that a
// growth has replaced since. A plainLoadOrStore that finds key present
// (stored since the caller's Load missed it) does not do it either. A
// plainStore that did it reports the value it replaced in sw, unless sw
// is nil (Swap passes one; the other writes do not).
//
// What it does is what mutate and apply do in that case: see there.
func (m *Map[K, V]) writePlain(t *table[K, V], key K, value V, op plainOp, sw *swapped[V]) bool {
	// The snapshot test here only spares a write that would decline below
	// the growth help it would do again in mutate, so that each write
	// moves what the evacuation pace says; the test that decides is below.
	if t == nil || m.tq != nil || m.snapLive.Load() != 0 {
		return false
	}
	del := op == plainDelete
	var h uintptr // m.hash, written out; may panic (unhashable key): nothing is held yet
	if unsafe.Sizeof(key) == 8 && m.wordHash {
		h = hashWordFolded(*(*uint64)(unsafe.Pointer(&key)), t.wseed)
	} else {
		h = m.hashfn(rt.NoEscape(unsafe.Pointer(&key)), t.seed)
	}
	st := t.lin.stripe(h)
	e := m.enter(st)
	var finish *table[K, V] // the old table, if this write moved its last bucket
	if o := t.old.Load(); o != nil && m.helpGrowGuarded(t, o, h, e, st) {
		finish = o
	}
	b := t.bucket(h)
	if !b.mu.TryLock() { // lock, written out: it does not inline here (cost 122)
		st.contention.Add(1)
		b.mu.Lock()
	}
	p := b.body.Load()
	// Read after the chain, as apply reads it (see Memory ordering in the
	// package doc). A marker means that t was replaced by a growth since
	// it was loaded.
	if b.marked(p) || m.snapLive.Load() != 0 {
		b.mu.Unlock()
		exit(st, e)
		if finish != nil {
			m.finishGrow(t, finish)
		}
		return false
	}
	landing := e // the parity the write counts in (see apply)
	if p != nil {
		if p.prev.Load() != nil {
			unlinkVersions(b, p) // no snapshot reads them any more
		}
		landing = max(landing, p.stamp.Load())
	}
	top := asm.Tophash(h)
	var (
		eb, last *body[K, V]
		ei       uint
	)
	found := false
	var counted int64 // the entry count change, for sectionEnd
search:
	for q := p; q != nil; q = q.overflow.Load() {
		w := q.tophash.Load()
		for s := asm.MatchCandidates(w, top); s != 0; s = asm.RemoveFirst(s) {
			i := asm.First(s)
			x := q.slots[i].Load()
			if x == nil || x.key != key {
				continue
			}
			if sw != nil {
				// Read under the lock, which every write of x holds: the
				// value the write below replaces.
				sw.prev, sw.loaded = x.value, true
			}
			switch {
			case op == plainLoadOrStore:
				// Present: LoadOrStore loads it the general way (rare: its
				// Load has just missed the key).
				b.mu.Unlock()
				exit(st, e)
				if finish != nil {
					m.finishGrow(t, finish)
				}
				return false
			case del:
				// As apply deletes (written out: a helper does not inline).
				q.slots[i].Store(nil)
				q.tophash.Store(q.tophash.Load() &^ (0xff << (8 * i)))
				if chainEmpty(p) {
					dropChain(b, p, st)
				}
				counted = -1
			case m.inplace:
				x.storeValue(value, m.vmode)
			default:
				q.slots[i].Store(&entry[K, V]{key, value})
			}
			found = true
			break search
		}
		if eb == nil {
			if em := asm.EmptyBits(w); em != 0 {
				eb, ei = q, asm.First(em)
			}
		}
		last = q
	}
	inserted := !found && !del
	if inserted {
		put := &entry[K, V]{key, value}
		if eb != nil {
			// insert's usual case, written out: the call would not be
			// inlined, nor would a method holding these two stores (its
			// cost is 86 against the inliner's 80). The slot before the
			// byte, as there.
			eb.slots[ei].Store(put)
			eb.tophash.Store(eb.tophash.Load() | uint64(top)<<(8*ei))
		} else if insert(b, p, eb, last, ei, top, put, e) {
			st.overflow.Add(1)
		}
		counted = 1
	}
	b.mu.Unlock()
	sectionEnd(st, e, landing, counted)
	if finish != nil {
		m.finishGrow(t, finish)
	}
	if inserted && st.entries() > t.stripeMax {
		m.growIfOver(t) // m.maybeGrow, written out
	}
	return true
}

// inChain reports whether q is one of the bodies of the chain p.
func inChain[K comparable, V any](p, q *body[K, V]) bool {
	for ; p != q; p = p.overflow.Load() {
		if p == nil {
			return false
		}
	}
	return true
}

// deletePlain deletes key from table t, the map's root when the caller
// loaded it, if t is not growing, no snapshot is alive and the map has no
// tracer. It reports whether it did the Delete, and returns the entry it
// deleted (nil if key was absent); if it did not, it changed nothing, and
// the caller takes the general way.
//
// It searches key's chain first without the lock, as Load does. A Delete
// of a key that is absent changes nothing: it is a read, as a Load that
// misses is (see Reads in the package doc), and takes neither the epoch
// section nor the bucket's lock, nor writes a word another core reads.
// A key that is present is deleted in the slot where the search found it,
// once the bucket is locked, if that slot is still in the bucket's chain
// and still holds the key (a write never moves an entry within a version;
// an update may have replaced it): the search is not made again.
func (m *Map[K, V]) deletePlain(t *table[K, V], key K) (old *entry[K, V], done bool) {
	if t == nil || m.tq != nil || m.snapLive.Load() != 0 || t.old.Load() != nil {
		return nil, false
	}
	var h uintptr // m.hash, written out; may panic (unhashable key): nothing is held yet
	if unsafe.Sizeof(key) == 8 && m.wordHash {
		h = hashWordFolded(*(*uint64)(unsafe.Pointer(&key)), t.wseed)
	} else {
		h = m.hashfn(rt.NoEscape(unsafe.Pointer(&key)), t.seed)
	}
	b := t.bucket(h)
	p := b.body.Load()
	top := asm.Tophash(h)
	for q := p; q != nil; q = q.overflow.Load() {
		for s := asm.MatchCandidates(q.tophash.Load(), top); s != 0; s = asm.RemoveFirst(s) {
			i := asm.First(s)
			if x := q.slots[i].Load(); x != nil && x.key == key {
				if x = m.deleteFound(t, b, h, p, q, i, x, key); x != nil {
					return x, true
				}
				return nil, false
			}
		}
	}
	// A marker holds no entry: t has been replaced, and the key is looked
	// for the general way; so it is if the chain changed under the search
	// (see slot).
	return nil, !b.stale(p)
}

// deleteFound is deletePlain's write: with bucket b of t locked, if its
// chain is still p, q is still one of its bodies, and slot i of q still
// holds key (in found, the entry the search found there, or in one that
// replaced it), it deletes that entry and returns it; otherwise it returns
// nil, having changed nothing.
//
// The chain being p does not make it the version searched: p may be b's
// first body, which may have been replaced, cleared (cutting its overflow
// link) and started again since the search (see slot). Its overflow
// bodies are then out of the chain, though they hold what they held: q
// must be in the chain. A body of the chain, whichever version it was
// searched in, holds key in slot i only if key is there now.
func (m *Map[K, V]) deleteFound(t *table[K, V], b *slot[K, V], h uintptr, p, q *body[K, V], i uint, found *entry[K, V], key K) *entry[K, V] {
	st := t.lin.stripe(h)
	e := m.enter(st)
	if !b.mu.TryLock() { // lock, written out: it does not inline here
		st.contention.Add(1)
		b.mu.Lock()
	}
	// The snapshot test is read after the chain, as in writePlain.
	x := q.slots[i].Load()
	if b.body.Load() != p || !inChain(p, q) || x != found && (x == nil || x.key != key) || m.snapLive.Load() != 0 {
		b.mu.Unlock()
		exit(st, e)
		return nil
	}
	if p.prev.Load() != nil {
		unlinkVersions(b, p) // no snapshot reads them any more
	}
	// As apply deletes (written out: a helper does not inline).
	landing := max(e, p.stamp.Load())
	q.slots[i].Store(nil)
	q.tophash.Store(q.tophash.Load() &^ (0xff << (8 * i)))
	if chainEmpty(p) {
		dropChain(b, p, st)
	}
	b.mu.Unlock()
	sectionEnd(st, e, landing, -1)
	return x
}
