package concurrent

import (
	"github.com/hmaplab/hmap/bucket"
)

// Stats is a map's counters at one moment. Taking them reads a few dozen
// words; it takes no bucket lock. While writes are in progress the figures
// are read one after the other, each exact but not all at the same
// instant.
type Stats struct {
	Entries         int   // live entries (Len)
	B               uint8 // log2 of the number of buckets of the current table
	Buckets         int   // buckets of the current table
	OverflowBuckets int   // overflow bodies linked in the current chains

	Growing    bool // an incremental growth is under way
	OldBuckets int  // buckets of the table being evacuated (0 unless Growing)
	Evacuated  int  // of those, how many have moved

	Growths          uint64 // growths started
	BucketsEvacuated uint64 // old buckets moved by completed growths
	Clears           uint64 // calls to Clear

	Snapshots      uint64 // snapshots taken (Range and All take one too)
	SnapshotsAlive int    // snapshots not yet closed
	Epoch          uint64 // the snapshot epoch
	BucketCopies   uint64 // chains copied because a live snapshot held them

	// LockContention counts bucket lock acquisitions that found the lock
	// taken and had to wait.
	LockContention uint64

	// Probes are Load's counts, with WithProbeCounting; zero otherwise.
	// They cover the sampled Loads only: one in Probes.Every.
	Probes Probes
}

// Probes counts Load's work.
type Probes struct {
	Every         int    // one Load in Every is counted (WithProbeCounting's argument)
	Lookups       uint64 // Loads counted
	Buckets       uint64 // bodies visited
	Compared      uint64 // keys compared
	FalsePositive uint64 // tophash matches whose key differed
}

// Stats returns the map's counters.
func (m *Map[K, V]) Stats() Stats {
	t := m.root.Load()
	if t == nil {
		return Stats{}
	}
	s := Stats{
		B:                t.B,
		Buckets:          len(t.buckets),
		Growths:          m.growths.Load(),
		BucketsEvacuated: m.evacTotal.Load(),
		Clears:           m.clears.Load(),
		Snapshots:        m.snapshots.Load(),
		SnapshotsAlive:   int(m.snapLive.Load()),
		Epoch:            m.epoch.Load(),
	}
	var n, ovf int64
	for i := range t.lin.stripes {
		st := &t.lin.stripes[i]
		n += st.base.Load() + st.delta[0].Load() + st.delta[1].Load()
		ovf += st.overflow.Load()
		s.LockContention += st.contention.Load()
		s.BucketCopies += st.copies.Load()
	}
	s.Entries, s.OverflowBuckets = int(max(n, 0)), int(max(ovf, 0))
	if o := t.old.Load(); o != nil {
		s.Growing = true
		s.OldBuckets = len(o.buckets)
		s.Evacuated = int(t.evacuated.Load())
	}
	s.Probes.Every = m.probeEvery
	for i := range m.probes {
		p := &m.probes[i]
		s.Probes.Lookups += p.lookups.Load()
		s.Probes.Buckets += p.buckets.Load()
		s.Probes.Compared += p.compared.Load()
		s.Probes.FalsePositive += p.falsePos.Load()
	}
	return s
}

// loadCounted is Load with probe counting.
func (m *Map[K, V]) loadCounted(t *table[K, V], key K) (value V, ok bool) {
	lin := t.lin
	h := m.hash(&key, lin.seed)
	for {
		var p *body[K, V]
		if o := t.old.Load(); o != nil {
			p = o.buckets[h&o.mask].body.Load()
			if !p.isMarker() {
				return m.searchCounted(p, h, key)
			}
		}
		p = t.buckets[h&t.mask].body.Load()
		if !p.isMarker() {
			return m.searchCounted(p, h, key)
		}
		t = m.root.Load()
		if t.lin != lin {
			lin = t.lin
			h = m.hash(&key, lin.seed)
		}
	}
}

func (m *Map[K, V]) searchCounted(p *body[K, V], h uintptr, key K) (value V, ok bool) {
	top := bucket.Tophash(h)
	var visited, compared, fp uint64
	defer func() {
		ps := &m.probes[(h>>32)&uintptr(len(m.probes)-1)]
		ps.lookups.Add(1)
		ps.buckets.Add(visited)
		ps.compared.Add(compared)
		ps.falsePos.Add(fp)
	}()
	for ; p != nil; p = p.overflow.Load() {
		visited++
		w := p.tophash.Load()
		for i := range bucket.SlotCount {
			if uint8(w>>(8*i)) != top {
				continue
			}
			e := p.slots[i].Load()
			if e == nil {
				continue
			}
			compared++
			if e.key == key {
				return e.value, true
			}
			fp++
		}
	}
	return value, false
}
