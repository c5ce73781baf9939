// Package registry is the process-wide list of watched maps that package
// watch exposes: maps named with WithName, and maps picked by sampling.
//
// A map and its entry are joined by two small objects. The Handle is the
// entry: what the registry lists, holding the map's description and the
// figures the map publishes to it, and never a pointer to the map. The
// Owner is held by the map alone and points to the Handle; a finalizer on
// the Owner removes the entry once the map is unreachable. So the registry
// never keeps a map alive, and reading an entry never touches a map that
// another goroutine may be writing: a table.Map publishes its figures at
// the end of each write (under the Handle's lock, which only that map's
// writer and the readers of the registry take), and a concurrent.Map, safe
// for concurrent use, gives a function that reads its shared state without
// the Map header.
package registry

import (
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Stats are the counters both kinds of map have, as the registry lists
// them. Fields a kind does not have stay zero: BytesAllocated,
// SameSizeGrowing, SameSizeGrowths, Inserts and Deletes are table maps'.
type Stats struct {
	Count           int     `json:"count"`            // live entries
	B               uint8   `json:"b"`                // log2 of the number of buckets
	Buckets         int     `json:"buckets"`          // buckets of the current array
	OverflowBuckets int     `json:"overflow_buckets"` // overflow buckets in the current chains
	LoadFactor      float64 `json:"load_factor"`      // Count / Buckets
	BytesAllocated  int     `json:"bytes_allocated"`  // bucket memory held (table maps)

	Growing         bool `json:"growing"`           // a growth is in progress
	SameSizeGrowing bool `json:"same_size_growing"` // ... and it keeps the size (table maps)
	OldBuckets      int  `json:"old_buckets"`       // buckets of the array being evacuated, while growing
	// Evacuated is, while growing, the old buckets moved (concurrent
	// maps), or below the evacuation mark (table maps, whose writes also
	// move buckets above it): OldBuckets-Evacuated bounds the work left.
	Evacuated int `json:"evacuated"`

	Growths          int `json:"growths"`           // growths that doubled the table
	SameSizeGrowths  int `json:"same_size_growths"` // growths that rebuilt it at the same size (table maps)
	BucketsEvacuated int `json:"buckets_evacuated"` // old buckets moved by growths
	Clears           int `json:"clears"`            // Clear calls
	Shrinks          int `json:"shrinks"`           // Shrink calls that rebuilt the table
	Inserts          int `json:"inserts"`           // entries added (table maps)
	Deletes          int `json:"deletes"`           // entries removed, by Delete or Clear (table maps)
}

// Probe is what a map has recorded of its probe lengths: the number of
// buckets a lookup of an entry reads, 1 for an entry in its home bucket.
type Probe struct {
	Entries int // entries recorded
	Max     int // the longest probe recorded
	Sum     int // the sum of the probes recorded
}

// Add records the probe length of one entry.
func (p *Probe) Add(n int) {
	p.Entries++
	p.Sum += n
	p.Max = max(p.Max, n)
}

// Mean returns the mean probe length, 0 if none was recorded.
func (p Probe) Mean() float64 {
	if p.Entries == 0 {
		return 0
	}
	return float64(p.Sum) / float64(p.Entries)
}

// HashBits are the OR and the AND of the hashes a map has recorded. A bit
// set in AND, or clear in OR, was the same in every hash: a stuck bit,
// which a good hasher gives away only by chance after a few dozen hashes.
type HashBits struct {
	Seen    int    // hashes recorded
	Or, And uint64 // of those hashes, over the width of a uintptr
}

// Stuck returns the number of bits that were the same in every hash seen,
// or 0 before two hashes have been seen.
func (h HashBits) Stuck() int {
	if h.Seen < 2 {
		return 0
	}
	same := ^(h.Or ^ h.And)
	if bits.UintSize == 32 {
		same &= 1<<32 - 1
	}
	return bits.OnesCount64(same)
}

// Add records one hash.
func (h *HashBits) Add(x uint64) {
	if h.Seen == 0 {
		h.And = ^uint64(0)
	}
	h.Seen++
	h.Or |= x
	h.And &= x
}

// Info describes one watched map.
type Info struct {
	ID      uint64    // unique in the process, in order of registration
	Name    string    // from WithName; "" for a sampled map
	Sampled bool      // picked by sampling rather than named
	Kind    string    // "table" or "concurrent"
	Key     string    // the key type, as reflect prints it
	Elem    string    // the elem type
	Package string    // the import path of the code that created the map
	Created time.Time // when it was created
	Stack   []uintptr // where: the creating call first, hmap's frames left out

	Stats  Stats
	Probe  Probe
	Hashes HashBits
}

// Handle is a map's entry in the registry.
type Handle struct {
	info Info        // the fixed part
	read func(*Info) // for a map safe for concurrent use: fills in the figures

	mu     sync.Mutex // guards what follows, which a single writer publishes
	stats  Stats
	probe  Probe
	hashes HashBits
}

// Owner is held by the map a Handle describes, and by nothing else; when
// it is collected, the Handle leaves the registry.
type Owner struct {
	h *Handle
}

// Handle returns the entry o keeps registered.
func (o *Owner) Handle() *Handle { return o.h }

// Rate is the sampling rate: one map in Rate joins the registry; 0:
// none. It is a plain variable, read with atomic.LoadInt64, so that a
// map's constructor tests it without a call: the constructors are
// generic, compiled in the user's package, where a function of this one
// is not inlined (see DESIGN.md on hot-path helpers).
var Rate int64

var (
	mu      sync.Mutex
	entries = map[uint64]*Handle{}
	lastID  uint64
)

// SetRate makes one in n maps created from now on (at random) join the
// registry; 0 stops sampling.
func SetRate(n int) { atomic.StoreInt64(&Rate, int64(n)) }

// CurrentRate returns the sampling rate.
func CurrentRate() int { return int(atomic.LoadInt64(&Rate)) }

// Sample decides whether a map being created is sampled, when Rate is
// not 0: a map's constructor calls it only then.
func Sample() bool {
	r := atomic.LoadInt64(&Rate)
	return r == 1 || r > 1 && rand.Int64N(r) == 0
}

// Register adds a map to the registry and returns the Owner the map must
// hold. name is "" for a sampled map. read, if not nil, fills in an Info's
// figures from the map's shared state; otherwise the map publishes them
// with Publish. skip lists prefixes of function names (the map package's
// constructors and methods) left out of the creation stack.
func Register(kind, name, key, elem string, read func(*Info), skip ...string) *Owner {
	var pcs [64]uintptr
	n := runtime.Callers(2, pcs[:])
	stack, pkg := userStack(pcs[:n], skip)
	h := &Handle{
		info: Info{
			Name: name, Sampled: name == "", Kind: kind, Key: key, Elem: elem,
			Package: pkg, Created: time.Now(), Stack: stack,
		},
		read: read,
	}
	mu.Lock()
	lastID++
	h.info.ID = lastID
	entries[h.info.ID] = h
	mu.Unlock()
	o := &Owner{h: h}
	runtime.SetFinalizer(o, func(o *Owner) { remove(o.h.info.ID) })
	return o
}

func remove(id uint64) {
	mu.Lock()
	delete(entries, id)
	mu.Unlock()
}

// userStack drops the leading frames of pcs that belong to the registry
// or to functions whose names start with one of skip, and returns the
// rest with the import path of the first frame kept.
func userStack(pcs []uintptr, skip []string) ([]uintptr, string) {
	frames := runtime.CallersFrames(pcs)
	i := 0
	for {
		f, more := frames.Next()
		if !hasAnyPrefix(f.Function, skip) {
			return slices.Clone(pcs[i:]), packageOf(f.Function)
		}
		i++
		if !more || i >= len(pcs) {
			return slices.Clone(pcs), ""
		}
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// packageOf returns the import path in a function's full name:
// "example.com/a/b.(*T).M" is in "example.com/a/b".
func packageOf(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return fn
	}
	return fn[:slash+1+dot]
}

// Publish records a table map's figures after a write. hash and probe
// describe the entry the write inserted: probe is 0 for a write that
// inserted nothing, and then hash is ignored.
func (h *Handle) Publish(s Stats, hash uint64, probe int) {
	h.mu.Lock()
	if s.Count > h.stats.Count {
		s.Inserts = h.stats.Inserts + s.Count - h.stats.Count
	} else {
		s.Inserts = h.stats.Inserts
	}
	s.Deletes = h.stats.Deletes
	if s.Count < h.stats.Count {
		s.Deletes += h.stats.Count - s.Count // by Delete or Clear
	}
	h.stats = s
	if probe > 0 {
		h.hashes.Add(hash)
		h.probe.Add(probe)
	}
	h.mu.Unlock()
}

// Merge adds hashes and probe lengths recorded elsewhere. It is safe for
// concurrent use.
func (h *Handle) Merge(hb HashBits, p Probe) {
	if hb.Seen == 0 {
		return
	}
	h.mu.Lock()
	if h.hashes.Seen == 0 {
		h.hashes.And = ^uint64(0)
	}
	h.hashes.Seen += hb.Seen
	h.hashes.Or |= hb.Or
	h.hashes.And &= hb.And
	h.probe.Entries += p.Entries
	h.probe.Sum += p.Sum
	h.probe.Max = max(h.probe.Max, p.Max)
	h.mu.Unlock()
}

// Info returns the entry's description and latest figures.
func (h *Handle) Info() Info {
	info := h.info
	info.Stack = slices.Clone(info.Stack)
	h.mu.Lock()
	info.Stats, info.Probe, info.Hashes = h.stats, h.probe, h.hashes
	h.mu.Unlock()
	if h.read != nil {
		h.read(&info)
	}
	return info
}

// ID returns the entry's ID.
func (h *Handle) ID() uint64 { return h.info.ID }

// Listed reports whether the entry id is in the registry.
func Listed(id uint64) bool {
	mu.Lock()
	defer mu.Unlock()
	return entries[id] != nil
}

// Maps returns every registered map, in order of registration.
func Maps() []Info {
	mu.Lock()
	hs := make([]*Handle, 0, len(entries))
	for _, h := range entries {
		hs = append(hs, h)
	}
	mu.Unlock()
	slices.SortFunc(hs, func(a, b *Handle) int { return cmpID(a.info.ID, b.info.ID) })
	out := make([]Info, 0, len(hs))
	for _, h := range hs {
		out = append(out, h.Info())
	}
	return out
}

func cmpID(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
