//go:build hmapprobe

package table

import (
	"sync/atomic"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
)

// probesEnabled compiles in the per-lookup counters of Stats.Probes.
//
// Why a build tag and not an option: a per-map option would leave a
// branch, and the counters' cache line, in every probe of every map, and
// the probe loop is eight byte compares long. With the tag off the
// counting code does not exist, so it costs exactly nothing; with it on,
// every map counts. The counters are atomic because lookups may run
// concurrently.
const probesEnabled = true

type probeCounters struct {
	lookups, hits, misses             atomic.Int64
	keysHit, keysMiss, falsePositives atomic.Int64
	buckets, oldReads                 atomic.Int64
	touchEvac, pacedEvac              atomic.Int64
}

func (m *Map[K, V]) probeStats() Probes {
	p := &m.extra.probes
	return Probes{
		Enabled: true,
		Lookups: int(p.lookups.Load()), Hits: int(p.hits.Load()), Misses: int(p.misses.Load()),
		KeysComparedHit: int(p.keysHit.Load()), KeysComparedMiss: int(p.keysMiss.Load()),
		FalsePositives: int(p.falsePositives.Load()), BucketsVisited: int(p.buckets.Load()),
		OldArrayReads:    int(p.oldReads.Load()),
		TouchEvacuations: int(p.touchEvac.Load()), PacedEvacuations: int(p.pacedEvac.Load()),
	}
}

func (p *probeCounters) evacuation(paced bool) {
	if paced {
		p.pacedEvac.Add(1)
	} else {
		p.touchEvac.Add(1)
	}
}

// findProbed is find's search, counting as it goes.
func (m *Map[K, V]) findProbed(key K) (*K, *V) {
	p := &m.extra.probes
	flags := atomic.LoadUint32(&m.flags)
	h := m.hash(&key)
	b := m.readBucket(h, flags)
	p.lookups.Add(1)
	if m.oldArray() != nil && b == &m.oldArray()[h&m.oldbucketMask()] {
		p.oldReads.Add(1)
	}
	top := asm.Tophash(h)
	var compared, buckets int64
	for ; b != nil; b = b.Overflow() {
		buckets++
		for i, t := range &b.Tophash {
			if t != top {
				if t == bucket.EmptyRest {
					p.miss(compared, buckets)
					return nil, nil
				}
				continue
			}
			compared++
			if b.Keys[i] == key {
				p.hits.Add(1)
				p.keysHit.Add(compared)
				p.falsePositives.Add(compared - 1)
				p.buckets.Add(buckets)
				return &b.Keys[i], &b.Elems[i]
			}
		}
	}
	p.miss(compared, buckets)
	return nil, nil
}

func (p *probeCounters) miss(compared, buckets int64) {
	p.misses.Add(1)
	p.keysMiss.Add(compared)
	p.falsePositives.Add(compared)
	p.buckets.Add(buckets)
}
