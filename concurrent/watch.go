package concurrent

import (
	"reflect"
	"sync/atomic"

	"github.com/hmaplab/hmap/internal/option"
	"github.com/hmaplab/hmap/internal/registry"
)

// WithName registers the map with package watch under name, as package
// table's WithName does, so that its figures appear wherever watch's
// registry is exported. A watched Map's Loads and Stores cost what they
// cost unwatched: reading the registry reads the map's shared counters,
// and hashes and probe lengths are recorded when growths move entries,
// from the hashes the move computes anyway. name must be 1 to 128 bytes
// of printable UTF-8.
func WithName(name string) Option {
	return func(c *config) { option.SetName(&c.Config, name) }
}

// watched is what a watched Map shares with its registry entry: copies of
// its shape and counters, updated where they change (under m.mu), and the
// parts of its state that hold no entry (the striped counters, a growth's
// progress), so that the entry reads them without a pointer to the Map,
// its tables or its entries. An entry can hold a value that points back
// to the Map, and through the registry, which is a global, that would
// keep the Map alive for good. For the same reason the registry entry is
// held here, not its Owner, which the Map alone holds.
type watched[K comparable, V any] struct {
	entry      *registry.Handle
	lin        atomic.Pointer[lineage]
	progress   atomic.Pointer[atomic.Uintptr] // the growth's, nil if none
	b          atomic.Uint32
	buckets    atomic.Int64
	oldBuckets atomic.Int64
	growths    atomic.Uint64
	evacuated  atomic.Uint64
	clears     atomic.Uint64
	shrinks    atomic.Uint64
}

// ownFrames are hmap's frames of a watched map's creation stack.
var ownFrames = []string{
	"github.com/hmaplab/hmap/concurrent.New[",
	"github.com/hmaplab/hmap/concurrent.TryNew[",
	"github.com/hmaplab/hmap/concurrent.(*Map[",
	"github.com/hmaplab/hmap/concurrent.CompareAndSwap[",
	"github.com/hmaplab/hmap/concurrent.CompareAndDelete[",
	"github.com/hmaplab/hmap/internal/registry.",
}

// watch registers the map, named name ("" if sampled). m.mu is held.
func (m *Map[K, V]) watch(name string) {
	w := &watched[K, V]{}
	m.watchOwner = registry.Register("concurrent", name,
		reflect.TypeFor[K]().String(), reflect.TypeFor[V]().String(), w.read, ownFrames...)
	w.entry = m.watchOwner.Handle()
	m.watched = w
}

// mirror copies what the registry reads after the root or a counter
// changed. m.mu is held.
func (m *Map[K, V]) mirror() {
	w := m.watched
	if w == nil {
		return
	}
	t := m.root.Load()
	w.lin.Store(t.lin)
	w.b.Store(uint32(t.B))
	w.buckets.Store(int64(t.len()))
	if o := t.old.Load(); o != nil {
		w.oldBuckets.Store(int64(o.len()))
		w.progress.Store(t.evacuated)
	} else {
		w.oldBuckets.Store(0)
		w.progress.Store(nil)
	}
	w.growths.Store(m.growths.Load())
	w.evacuated.Store(m.evacTotal.Load())
	w.clears.Store(m.clears.Load())
	w.shrinks.Store(m.shrinks.Load())
}

// read fills in info's figures from the copies, as Stats would.
func (w *watched[K, V]) read(info *registry.Info) {
	lin := w.lin.Load()
	if lin == nil {
		return
	}
	s := &info.Stats
	s.B, s.Buckets = uint8(w.b.Load()), int(w.buckets.Load())
	var n, ovf int64
	for i := range lin.stripes {
		st := &lin.stripes[i]
		n += st.entries()
		ovf += st.overflow.Load()
	}
	s.Count, s.OverflowBuckets = int(max(n, 0)), int(max(ovf, 0))
	s.LoadFactor = float64(s.Count) / float64(s.Buckets)
	if p := w.progress.Load(); p != nil {
		s.Growing, s.OldBuckets, s.Evacuated = true, int(w.oldBuckets.Load()), int(p.Load())
	}
	s.Growths = int(w.growths.Load())
	s.BucketsEvacuated = int(w.evacuated.Load())
	s.Clears = int(w.clears.Load())
	s.Shrinks = int(w.shrinks.Load())
}

// moved is what an evacuation of a watched map records of the entries it
// moves: their hashes, computed to split the chain anyway, and their
// positions in the new chains. It is merged into the registry's entry
// once the evacuation is complete, so that nothing it does can leave an
// evacuation half done.
type moved struct {
	hashes registry.HashBits
	probe  registry.Probe
}

func (w *moved) add(h uintptr, depth int) {
	w.hashes.Add(uint64(h))
	w.probe.Add(depth)
}
