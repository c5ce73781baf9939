package concurrent

import (
	"math/rand/v2"

	"github.com/hmaplab/hmap/asm"
)

// Stats is a map's counters at one moment. Taking them reads a few dozen
// words; it takes no bucket lock. While writes are in progress the figures
// are read one after the other, each exact but not all at the same
// instant. Fields that package table's Stats also has carry the same name,
// type and meaning.
type Stats struct {
	Count           int   // live entries (Len)
	B               uint8 // log2 of the number of buckets of the current table
	Buckets         int   // buckets of the current table
	OverflowBuckets int   // overflow bodies linked in the current chains

	Growing    bool // an incremental growth is under way
	OldBuckets int  // buckets of the table being evacuated (0 unless Growing)
	Evacuated  int  // of those, how many have moved

	SnapshotsAlive int    // snapshots not yet closed
	Epoch          uint64 // the snapshot epoch

	Events Events // cumulative counts since the map was created

	// Probes are Load's counts, with WithProbeCounting; zero otherwise.
	// They cover the sampled Loads only: one in Probes.Every.
	Probes Probes
}

// Events are cumulative counts of what happened to a map since it was
// created.
type Events struct {
	Growths          int // growths that doubled the table
	BucketsEvacuated int // old buckets moved by completed growths
	Clears           int // calls to Clear
	Shrinks          int // calls to Shrink that rebuilt the table
	Snapshots        int // snapshots taken (Range and All take one too)
	BucketCopies     int // chains copied because a live snapshot held them
	// LockContention counts bucket lock acquisitions that found the lock
	// taken and had to wait.
	LockContention int
}

// Probes counts Load's work.
type Probes struct {
	Enabled bool // WithProbeCounting is on
	Every   int  // one Load in Every is counted (WithProbeCounting's argument)

	Lookups, Hits, Misses int // Loads counted
	// Keys compared (tophash matched) during hits and during misses.
	KeysComparedHit, KeysComparedMiss int
	// FalsePositives counts tophash matches whose key differed.
	FalsePositives int
	// BucketsVisited counts bodies read, chains included.
	BucketsVisited int
}

// Stats returns the map's counters. A nil *Map has none.
func (m *Map[K, V]) Stats() Stats {
	if m == nil {
		return Stats{}
	}
	t := m.root.Load()
	if t == nil {
		return Stats{}
	}
	s := Stats{
		B:              t.B,
		Buckets:        t.len(),
		SnapshotsAlive: int(m.snapLive.Load()),
		Epoch:          m.epoch.Load(),
		Events: Events{
			Growths:          int(m.growths.Load()),
			BucketsEvacuated: int(m.evacTotal.Load()),
			Clears:           int(m.clears.Load()),
			Shrinks:          int(m.shrinks.Load()),
			Snapshots:        int(m.snapshots.Load()),
		},
	}
	var n, ovf int64
	for i := range t.lin.stripes {
		st := &t.lin.stripes[i]
		n += st.entries()
		ovf += st.overflow.Load()
		s.Events.LockContention += int(st.contention.Load())
		s.Events.BucketCopies += int(st.copies.Load())
	}
	s.Count, s.OverflowBuckets = int(max(n, 0)), int(max(ovf, 0))
	if o := t.old.Load(); o != nil {
		s.Growing = true
		s.OldBuckets = o.len()
		s.Evacuated = int(t.evacuated.Load())
	}
	s.Probes.Enabled, s.Probes.Every = m.probes != nil, m.probeEvery
	for i := range m.probes {
		p := &m.probes[i]
		s.Probes.Hits += int(p.hits.Load())
		s.Probes.Misses += int(p.misses.Load())
		s.Probes.BucketsVisited += int(p.buckets.Load())
		s.Probes.KeysComparedHit += int(p.keysHit.Load())
		s.Probes.KeysComparedMiss += int(p.keysMiss.Load())
		s.Probes.FalsePositives += int(p.falsePos.Load())
	}
	s.Probes.Lookups = s.Probes.Hits + s.Probes.Misses
	return s
}

// loadProbed ends a Load of a map that counts probes, which found the
// entry e (nil: none) through t: drawn at random, one Load in probeEvery
// searches again, counting, and returns what that search finds (as valid
// a result as the first: the Load takes effect at the second search).
//
//go:noinline
func (m *Map[K, V]) loadProbed(t *table[K, V], key K, e *entry[K, V]) (value V, ok bool) {
	if rand.Uint64() > m.probeThreshold {
		if e != nil {
			return m.valueOf(e), true
		}
		return value, false
	}
	h, _, _, b, p, _ := m.lookupChain(t, key)
	if v, ok := m.searchCounted(p, h, key); ok || !b.stale(p) {
		return v, ok
	}
	// The chain changed under the search (see slot): looked for again,
	// uncounted.
	if e := m.find(key); e != nil {
		return m.valueOf(e), true
	}
	return value, false
}

func (m *Map[K, V]) searchCounted(p *body[K, V], h uintptr, key K) (value V, ok bool) {
	top := asm.Tophash(h)
	var visited, compared, fp uint64
	hit := false
	defer func() {
		ps := &m.probes[(h>>stripeShift)&uintptr(len(m.probes)-1)]
		if hit {
			ps.hits.Add(1)
			ps.keysHit.Add(compared)
		} else {
			ps.misses.Add(1)
			ps.keysMiss.Add(compared)
		}
		ps.buckets.Add(visited)
		ps.falsePos.Add(fp)
	}()
	for ; p != nil; p = p.overflow.Load() {
		visited++
		w := p.tophash.Load()
		for i := range asm.SlotCount {
			if uint8(w>>(8*i)) != top {
				continue
			}
			e := p.slots[i].Load()
			if e == nil {
				continue
			}
			compared++
			if e.key == key {
				hit = true
				return m.valueOf(e), true
			}
			fp++
		}
	}
	return value, false
}

// Sub returns the events counted since prev, an earlier reading of the
// same map's Events: a study reads Stats before and after what it measures
// and takes the difference.
func (e Events) Sub(prev Events) Events {
	return Events{
		Growths:          e.Growths - prev.Growths,
		BucketsEvacuated: e.BucketsEvacuated - prev.BucketsEvacuated,
		Clears:           e.Clears - prev.Clears,
		Shrinks:          e.Shrinks - prev.Shrinks,
		Snapshots:        e.Snapshots - prev.Snapshots,
		BucketCopies:     e.BucketCopies - prev.BucketCopies,
		LockContention:   e.LockContention - prev.LockContention,
	}
}

// Sub returns the counts since prev, an earlier reading of the same map's
// Probes; Enabled and Every are p's.
func (p Probes) Sub(prev Probes) Probes {
	return Probes{
		Enabled:          p.Enabled,
		Every:            p.Every,
		Lookups:          p.Lookups - prev.Lookups,
		Hits:             p.Hits - prev.Hits,
		Misses:           p.Misses - prev.Misses,
		KeysComparedHit:  p.KeysComparedHit - prev.KeysComparedHit,
		KeysComparedMiss: p.KeysComparedMiss - prev.KeysComparedMiss,
		FalsePositives:   p.FalsePositives - prev.FalsePositives,
		BucketsVisited:   p.BucketsVisited - prev.BucketsVisited,
	}
}
