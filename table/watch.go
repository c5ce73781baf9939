package table

import (
	"reflect"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/internal/option"
	"github.com/hmaplab/hmap/internal/registry"
)

// WithName registers the map with package watch under name, so that its
// figures appear wherever watch's registry is exported (Prometheus,
// expvar, the hmap pprof profile) and in the dump of a misuse panic. A
// named map publishes its figures at the end of each write (see
// package watch for the cost); a map without a name is watched only if
// sampling picks it. name must be 1 to 128 bytes of printable UTF-8. Names
// need not be unique.
func WithName(name string) Option {
	return func(c *config) { option.SetName(&c.Config, name) }
}

// The frames of a watched map's creation stack that are hmap's own: the
// constructors, and the methods that set up a zero Map on first write.
// encoding/json's are left out too: a map it fills, through
// UnmarshalJSON, was created by the code that called json.Unmarshal.
var ownFrames = []string{
	"github.com/hmaplab/hmap/table.New[",
	"github.com/hmaplab/hmap/table.TryNew[",
	"github.com/hmaplab/hmap/table.(*Map[",
	"github.com/hmaplab/hmap/table.Collect[",
	"github.com/hmaplab/hmap/internal/registry.",
	"encoding/json.",
}

// watch registers the map, named name ("" if sampled).
func (m *Map[K, V]) watch(name string) {
	x := m.x()
	x.watch = registry.Register("table", name,
		reflect.TypeFor[K]().String(), reflect.TypeFor[V]().String(), nil, ownFrames...)
	m.flags |= flagWatched
}

// watchNew ends the set-up of a map that is named, or may be sampled: an
// unnamed map joins the registry if sampling picks it, and a watched map
// publishes its first figures.
//
//go:noinline
func (m *Map[K, V]) watchNew() {
	if m.flags&flagWatched == 0 {
		if !registry.Sample() {
			return
		}
		m.watch("")
	}
	m.publish(nil)
}

// afterWrite is the end of a write that has tracer events to deliver or
// figures to publish: key is the key the write stored (nil for a write
// that stores none). Its hash is computed again, if needed, rather than
// passed: keeping it live to the end of every write would cost the writes
// of unwatched maps a register. Publishing comes first, so that a tracer
// that panics leaves the registry up to date.
func (m *Map[K, V]) afterWrite(key *K) {
	if m.flags&flagWatched != 0 && !m.unchanged(key) {
		m.publish(key)
	}
	if m.flags&flagPending != 0 {
		m.deliver()
	}
}

// unchanged reports whether the write that stored key (nil for other
// writes) was an update, which changes none of the published figures:
// only an insert links overflow buckets or starts a growth, and only a
// write to a growing map moves the growth on.
func (m *Map[K, V]) unchanged(key *K) bool {
	p := &m.extra.published
	return key != nil && m.entries() == p.count && m.growth == nil && !p.growing && m.logB == p.logB
}

// published is what a watched map last published, kept by its writer so
// that a write that changed none of it (an update, a delete of an absent
// key) publishes nothing, and one that changed only the count does not
// recompute the memory figure.
type published struct {
	count, overflow, oldOverflow int
	logB                         uint8
	noverflow                    uint16
	growing                      bool
	nevacuate                    uintptr
	clears                       int
	bytes                        int
}

// publish hands the map's figures to its registry entry if they changed,
// with the hash and probe length of key if the write inserted it.
func (m *Map[K, V]) publish(key *K) {
	x := m.extra
	p := &x.published
	n := m.entries()
	now := published{
		count: n, overflow: m.overflowBuckets(), oldOverflow: m.oldOverflowBuckets(),
		logB: m.logB, noverflow: m.noverflow, growing: m.growing(), nevacuate: m.evacMark(),
		clears: x.events.Clears, bytes: p.bytes,
	}
	if now == *p {
		return // an update, or a delete of an absent key: nothing changed
	}
	if now.logB != p.logB || now.overflow != p.overflow || now.oldOverflow != p.oldOverflow ||
		now.growing != p.growing || now.clears != p.clears || p.bytes == 0 {
		now.bytes = m.bytesAllocated()
	}
	probe, h := 0, uintptr(0)
	if key != nil && n > p.count && *key == *key { // (a NaN's hash is random: not recorded)
		h = m.hash(key)
		probe = m.probeLength(key, h)
	}
	*p = now
	s := registry.Stats{
		Count: n, B: m.logB, OverflowBuckets: now.overflow, BytesAllocated: now.bytes,
		Growing: now.growing,
		Growths: x.events.Growths, SameSizeGrowths: x.events.SameSizeGrowths,
		BucketsEvacuated: x.events.BucketsEvacuated, Clears: x.events.Clears, Shrinks: x.events.Shrinks,
	}
	if m.buckets != nil {
		s.Buckets = 1 << m.logB
		s.LoadFactor = float64(n) / float64(s.Buckets)
	}
	if now.growing {
		s.SameSizeGrowing = m.sameSizeGrow()
		s.OldBuckets = int(m.noldbuckets())
		s.Evacuated = int(now.nevacuate)
	}
	x.watch.Handle().Publish(s, uint64(h), probe)
}

// probeLength returns the number of buckets a lookup of key reads: its
// position in its chain, from 1.
func (m *Map[K, V]) probeLength(key *K, h uintptr) int {
	n, top := 0, asm.Tophash(h)
	for b := m.at(h & m.bucketMask()); b != nil; b = b.Overflow() {
		n++
		for i := range b.Keys {
			if b.Tophash[i] == top && b.Keys[i] == *key {
				return n
			}
		}
	}
	return n
}
