package concurrent

import (
	"iter"
	"math"
	"runtime"
	"runtime/trace"
	"slices"
	"sync/atomic"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/internal/rt"
)

// Snapshot is a read-only, point-in-time view of a Map: it holds exactly
// the entries the map held at one instant during the call to
// [Map.Snapshot], each with the value it had then, whatever is written to
// the map afterwards. It may be read by many goroutines at once.
//
// A Snapshot keeps the versions of buckets written since it was taken
// alive, and makes the first write to each bucket copy it; Close it when
// done. A Snapshot that becomes unreachable without being closed is closed
// by a finalizer, later. Methods of a closed Snapshot panic.
type Snapshot[K comparable, V any] struct {
	m      *Map[K, V]
	t, old *table[K, V]
	epoch  uint64
	n      int
	kept   uint64 // the map's kept() when it was taken
	closed atomic.Bool
}

const errClosed = "concurrent: use of a closed Snapshot"

// Snapshot returns a consistent point-in-time view of the map.
//
// Taking one costs no copy: it bumps the map's epoch and waits for the
// writes already in progress (each a bounded amount of work) to end. From
// then on, the first write to each bucket copies the bucket's chain instead
// of writing over the version the snapshot reads.
func (m *Map[K, V]) Snapshot() *Snapshot[K, V] {
	if m == nil {
		return &Snapshot[K, V]{} // of nothing
	}
	m.table()
	m.mu.Lock()
	e := m.epoch.Load() + 1
	// Register before the bump: a writer that sees the new epoch must also
	// see a live snapshot, and keep the versions it replaces.
	m.live = append(m.live, e)
	m.publishLive()
	m.snapLive.Add(1)
	m.snapMin.Store(m.live[0])
	m.epoch.Store(e)
	t := m.root.Load()
	lin := t.lin
	// Wait for the writers of epoch e-1. Those that enter from now on see
	// epoch e; those counted under e-1's parity have already validated it.
	par := (e - 1) & 1
	for i := range lin.stripes {
		for spins := 0; lin.stripes[i].sect[par].Load()&sectWriters != 0; spins++ {
			if spins > 64 {
				runtime.Gosched()
			}
		}
	}
	// Every write that landed in a version older than e is done; writes of
	// epoch e land in parity e&1. Fold parity e-1 into the bases: their sum
	// is the number of entries at the cut.
	var n int64
	for i := range lin.stripes {
		s := &lin.stripes[i]
		if d := s.sect[par].Load() >> sectBits; d != 0 {
			s.sect[par].Add(-d << sectBits)
			s.base.Add(d)
		}
		n += s.base.Load()
	}
	s := &Snapshot[K, V]{m: m, t: t, old: t.old.Load(), epoch: e, n: int(n), kept: m.kept()}
	m.mu.Unlock()
	m.snapshots.Add(1)
	runtime.SetFinalizer(s, (*Snapshot[K, V]).finalize)
	return s
}

// Close releases the snapshot. Closing twice does nothing. The versions
// of buckets that writes copied while it was open, and that no other live
// snapshot reads, are unlinked then, so that what they held (deleted or
// overwritten values) can be collected.
func (s *Snapshot[K, V]) Close() {
	if s.release() {
		runtime.SetFinalizer(s, nil)
		s.m.sweep()
	}
}

// finalize releases a snapshot that was never closed. The sweep, which
// takes bucket locks, runs on a goroutine of its own rather than on the
// finalizers'.
func (s *Snapshot[K, V]) finalize() {
	if s.release() {
		go s.m.sweep()
	}
}

// release unregisters the snapshot, and reports whether it had to: it
// was open, and of a map, and writes copied chains while it was.
func (s *Snapshot[K, V]) release() bool {
	if s.closed.Swap(true) || s.m == nil {
		return false
	}
	m := s.m
	m.mu.Lock()
	if i := slices.Index(m.live, s.epoch); i >= 0 {
		m.live = slices.Delete(m.live, i, i+1)
	}
	m.publishLive()
	m.snapLive.Add(-1)
	if len(m.live) > 0 {
		m.snapMin.Store(m.live[0])
	} else {
		m.snapMin.Store(math.MaxUint64)
	}
	// Sweep if writes copied chains while s was open (a Clear starts a new
	// lineage), or, when s is the last snapshot, if any did since the last
	// sweep: a chain that deletes emptied while other snapshots were open
	// is dropped only once none is.
	n := m.kept()
	copied := m.root.Load().lin != s.t.lin || n != s.kept || len(m.live) == 0 && n != m.swept
	if copied && len(m.live) == 0 {
		m.swept = n // a sweep with no snapshot alive: it drops what it can
	}
	m.mu.Unlock()
	return copied
}

// publishLive gives writers a copy of the live epochs. m.mu is held.
func (m *Map[K, V]) publishLive() {
	if len(m.live) == 0 {
		m.liveEpochs.Store(nil)
		return
	}
	live := slices.Clone(m.live)
	m.liveEpochs.Store(&live)
}

// kept returns what writes left for live snapshots in the current table's
// lineage (a Clear starts a new one): see stripe.kept.
func (m *Map[K, V]) kept() uint64 {
	var n uint64
	lin := m.root.Load().lin
	for i := range lin.stripes {
		n += lin.stripes[i].kept.Load()
	}
	return n
}

// sweep unlinks, in every bucket of the current table and of the one it
// grows from, the versions no live snapshot reads, and drops the chains
// that deletes emptied while snapshots were live, if none is left. Each
// bucket is swept as a write would be, locked inside an epoch section, so
// that a snapshot taken meanwhile waits for it.
func (m *Map[K, V]) sweep() {
	t := m.root.Load()
	for _, tb := range []*table[K, V]{t, t.old.Load()} {
		if tb == nil {
			continue
		}
		for i := range tb.len() {
			b := tb.at(uintptr(i))
			if b == nil {
				continue // a segment a growth has not reached: nothing in it
			}
			p := b.body.Load()
			if !b.firstLeft(p) && (p == nil || p.prev.Load() == nil && (p.isMarker() || !chainEmpty(p))) {
				continue // nothing to unlink, drop or clear
			}
			st := &tb.lin.stripes[uintptr(i)&tb.lin.smask]
			e := m.enter(st)
			lock(b, st)
			if p := b.body.Load(); p != nil {
				trimVersions(p, m.liveEpochs.Load())
				if !p.isMarker() && chainEmpty(p) {
					if m.snapLive.Load() == 0 {
						dropChain(b, p, st)
					} else {
						st.kept.Add(1) // a snapshot taken since: its Close drops it
					}
				}
			}
			if p := b.body.Load(); b.firstLeft(p) && !linked(p, &b.first) {
				b.clearFirst()
			}
			b.mu.Unlock()
			exit(st, e)
		}
	}
}

// firstLeft reports whether b.first, which p, b's chain, is not, still
// holds what a chain left in it. A nil chain has left nothing there (see
// dropChain); its first may be filling, for a growth that has not
// published it yet.
func (b *slot[K, V]) firstLeft(p *body[K, V]) bool {
	return p != nil && p != &b.first && (b.first.tophash.Load() != 0 || b.first.overflow.Load() != nil)
}

// linked reports whether v is one of the versions before p.
func linked[K comparable, V any](p, v *body[K, V]) bool {
	for q := p; q != nil; {
		if q = q.prev.Load(); q == v {
			return true
		}
	}
	return false
}

func (s *Snapshot[K, V]) check() {
	if s.closed.Load() {
		panic(errClosed)
	}
}

// version returns the chain of b as of epoch e: the newest version stamped
// before e.
func version[K comparable, V any](b *slot[K, V], e uint64) *body[K, V] {
	p := b.body.Load()
	for p != nil && p.epochOf() >= e {
		p = p.prev.Load()
	}
	return p
}

// Len returns the number of entries in the snapshot, in O(1).
func (s *Snapshot[K, V]) Len() int {
	s.check()
	return s.n
}

// Get returns the value key had when the snapshot was taken.
func (s *Snapshot[K, V]) Get(key K) (value V, ok bool) {
	s.check()
	if s.t == nil {
		rt.CheckHashable(key) // a snapshot of a nil *Map
		return value, false
	}
	h := s.m.hash(&key, s.t.seed)
	var p *body[K, V]
	if s.old != nil {
		p = version(s.old.bucket(h), s.epoch)
	}
	if s.old == nil || p.isMarker() {
		p = version(s.t.bucket(h), s.epoch)
	}
	if e := search(p, asm.Tophash(h), key); e != nil {
		value, ok = s.m.valueOf(e), true
	}
	runtime.KeepAlive(s)
	return value, ok
}

// All returns an iterator over the snapshot's entries, in no particular
// order; every iteration yields the same entries.
func (s *Snapshot[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		s.check()
		defer runtime.KeepAlive(s)
		t, o, e := s.t, s.old, s.epoch
		if t == nil {
			return // a snapshot of a nil *Map
		}
		if o == nil {
			// Four buckets at a time: finding a bucket's version reads its
			// body's stamp, on a large map a cache miss, and the four
			// reads, apart from the yields, are under way together.
			// t was not growing, so its segments are all allocated. They
			// are walked one after the other, each in address order.
			n := t.segLen()
			for j := range uintptr(1) << t.segBits {
				seg := t.at(j) // bucket j is its segment's first
				i := uintptr(0)
				for ; i+4 <= n; i += 4 {
					b := seg.next(i)
					b1, b2, b3 := b.next(1), b.next(2), b.next(3)
					p0, p1 := version(b, e), version(b1, e)
					p2, p3 := version(b2, e), version(b3, e)
					if !s.m.yieldChain(p0, yield) || !s.m.yieldChain(p1, yield) ||
						!s.m.yieldChain(p2, yield) || !s.m.yieldChain(p3, yield) {
						return
					}
				}
				for ; i < n; i++ {
					if !s.m.yieldChain(version(seg.next(i), e), yield) {
						return
					}
				}
			}
			return
		}
		n := o.mask + 1
		for i := uintptr(0); i < n; i++ {
			p := version(o.at(i), e)
			if !p.isMarker() {
				if !s.m.yieldChain(p, yield) {
					return
				}
				continue
			}
			// Evacuated: the evacuation allocated the two buckets' segment.
			if !s.m.yieldChain(version(t.at(i), e), yield) || !s.m.yieldChain(version(t.at(i+n), e), yield) {
				return
			}
		}
	}
}

func (m *Map[K, V]) yieldChain(p *body[K, V], yield func(K, V) bool) bool {
	if p.isMarker() {
		return true
	}
	for ; p != nil; p = p.overflow.Load() {
		for i := range asm.SlotCount {
			if x := p.slots[i].Load(); x != nil && !yield(x.key, m.valueOf(x)) {
				return false
			}
		}
	}
	return true
}

// Range calls f for each entry of the map until f returns false.
//
// Its guarantee is sync.Map's: Range does not necessarily correspond to any
// consistent snapshot of the map's contents; no key is visited more than
// once, and a key stored or deleted during the call may or may not be
// visited. (The present implementation happens to iterate a Snapshot,
// taken and closed around the loop, but only the weaker guarantee is
// promised; use Snapshot for a consistent view.) f may call any method of
// the map.
func (m *Map[K, V]) Range(f func(key K, value V) bool) {
	for k, v := range m.All() {
		if !f(k, v) {
			return
		}
	}
}

// All returns an iterator over the map's entries with Range's guarantee.
func (m *Map[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		if m == nil {
			return
		}
		s := m.Snapshot()
		defer s.Close()
		if trace.IsEnabled() {
			traceRange(s, yield)
			return
		}
		s.All()(yield)
	}
}
