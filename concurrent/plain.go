package concurrent

import (
	"unsafe"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/internal/rt"
)

// Plain writes. Most Stores and Deletes find no snapshot alive and no
// tracer to tell: such a write helps a growth under way if there is one,
// then changes its chain in place and counts itself, nothing more.
// writePlain is that write, apart from mutate and apply, which take every
// case and pay for it on every write: a call between them with ten
// arguments, a result of four words, and a frame holding what the other
// cases need. Measured with callgrind
// (bench/internal/concops built with Go 1.26, a Delete and a Store back of
// keys of a 1K map, alignment padding excluded), the general way spends 963
// instructions per pair, the plain way 739; the entry's allocation is
// about 180 of either.

// writePlain stores value for key, or deletes key if del, in table t, the
// map's root when the caller loaded it, if no snapshot is alive and the
// map has no tracer; if t is growing, it first helps the growth as mutate
// does. It reports whether it wrote; if it did not, it changed nothing
// but the growth it helped, and the caller takes the general way
// (mutate), which handles every case: so does a t that a growth has
// replaced since.
//
// What it does is what mutate and apply do in that case: see there.
func (m *Map[K, V]) writePlain(t *table[K, V], key K, value V, del bool) bool {
	// The snapshot test here only spares a write that would decline below
	// the growth help it would do again in mutate, so that each write
	// moves what the evacuation pace says; the test that decides is below.
	if t == nil || m.tq != nil || m.snapLive.Load() != 0 {
		return false
	}
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
	if p.isMarker() || m.snapLive.Load() != 0 {
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
			p.prev.Store(nil) // no snapshot reads older versions any more
		}
		landing = max(landing, p.stamp)
	}
	top := asm.Tophash(h)
	var (
		eb, last *body[K, V]
		ei       uint
	)
	found := false
search:
	for q := p; q != nil; q = q.overflow.Load() {
		w := q.tophash.Load()
		for s := asm.MatchBits(w, top); s != 0; s = asm.RemoveFirst(s) {
			i := asm.First(s)
			x := q.slots[i].Load()
			if x == nil || x.key != key {
				continue
			}
			switch {
			case del:
				// As apply deletes (written out: a helper does not inline).
				q.slots[i].Store(nil)
				q.tophash.Store(q.tophash.Load() &^ (0xff << (8 * i)))
				if chainEmpty(p) {
					dropChain(b, p, st)
				}
				st.delta[landing&1].Add(-1)
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
		if insert(b, p, eb, last, ei, top, &entry[K, V]{key, value}, e) {
			st.overflow.Add(1)
		}
		st.delta[landing&1].Add(1)
	}
	b.mu.Unlock()
	exit(st, e)
	if finish != nil {
		m.finishGrow(t, finish)
	}
	if inserted && st.entries() > t.stripeMax {
		m.growIfOver(t) // m.maybeGrow, written out
	}
	return true
}
