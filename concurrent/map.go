package concurrent

import (
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/grow"
	"github.com/hmaplab/hmap/internal/option"
	"github.com/hmaplab/hmap/internal/registry"
	"github.com/hmaplab/hmap/internal/rng"
	"github.com/hmaplab/hmap/internal/rt"
)

// Map is a concurrent hash map from K to V. All its methods may be called
// from any number of goroutines at once. The zero Map is empty and ready to
// use. A Map must not be copied after first use (go vet reports copies);
// pass *Map.
//
// See the package documentation for the design and for what each operation
// guarantees.
type Map[K comparable, V any] struct {
	_ noCopy

	// Read on every operation, written rarely (root on growth and Clear):
	// kept together, on cache lines of their own.
	root           atomic.Pointer[table[K, V]] // the current table; nil until first use
	marker         *body[K, V]                 // shared evacuation marker, stamp 0
	probes         []probeStripe               // nil unless WithProbeCounting
	probeThreshold uint64                      // a Load is counted when a random uint64 is at most this
	probeEvery     int
	nstripes       int
	vmode          uint8       // how values are read: valueWhole, valueBits or valuePtr
	hitMode        uint8       // how a Load reads the value it finds: hitWord, hitPointer or hitProbed
	inplace        bool        // a Store to a present key overwrites its value (see valueMode)
	plainEntries   bool        // entries hold no pointer (see evacuate)
	policy         grow.Policy // load factor and evacuation pace
	tracer         *Tracer     // nil unless WithTracer
	tq             *traceQueue // the tracer's events; nil unless WithTracer
	hashfn         rt.HashFunc
	wordHash       bool // hash keys with hashWord, not hashfn (see hash)
	source         rng.Source
	initDone       atomic.Bool
	_              [64]byte

	// Written by every Snapshot and its Close, read by writers: apart from
	// the fields above, so that snapshots taken back to back do not take
	// the cache line every Load reads away from the readers' cores.
	epoch    atomicUint64 // snapshot epoch: bumped by each Snapshot
	snapLive atomic.Int64 // snapshots not yet closed
	snapMin  atomicUint64 // smallest epoch of a live snapshot, MaxUint64 if none
	mu       sync.Mutex   // serialises growth starts and ends, Clear, Snapshot and Close
	live     []uint64     // epochs of the live snapshots, ascending (under mu)
	swept    uint64       // kept() at the last sweep started with no snapshot alive (under mu)
	// liveEpochs is a copy of live for writers, which trim the versions
	// no live snapshot reads (see trimVersions); nil if none is live.
	liveEpochs atomic.Pointer[[]uint64]
	growths    atomicUint64
	evacTotal  atomicUint64
	clears     atomicUint64
	shrinks    atomicUint64
	snapshots  atomicUint64

	// A watched map's registry entry (see WithName): what it reads, and
	// the Owner whose collection, with the Map's, removes it.
	watched    *watched[K, V]
	watchOwner *registry.Owner
}

// noCopy lets go vet's copylocks check flag copies of a Map.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// entry is one key and its value. Entries are immutable: a write publishes
// a new entry, so a reader that loaded an entry pointer reads a consistent
// key and value without a lock.
type entry[K comparable, V any] struct {
	key   K
	value V
}

// Values of a word-sized type are overwritten in place by a Store to a
// key that is present while no snapshot is alive, instead of being
// published in a new entry: the write then allocates nothing. The value
// word is then read and written atomically, as a uint64 for a type
// without pointers, as an unsafe.Pointer (through the write barrier) for
// one with: an 8-byte type that holds a pointer is that pointer. Other
// value types are only ever written by publishing a new entry.
const (
	valueWhole = iota // V is not one aligned word: entries are immutable
	valueBits         // V is 8 bytes, 8-aligned, without pointers
	valuePtr          // V is 8 bytes holding a pointer: it is one pointer word
)

// valueMode returns how a value of type V is read: valueBits or valuePtr
// if it is one word, else valueWhole.
func valueMode[V any]() uint8 {
	t := reflect.TypeFor[V]()
	if t.Size() != 8 || t.Align() != 8 || unsafe.Sizeof(uintptr(0)) != 8 {
		return valueWhole
	}
	if pointerFree(t) {
		return valueBits
	}
	return valuePtr
}

// inPlace reports whether a map from K to V overwrites values in place. A
// Store also replaces the key, as an assignment to a builtin map does (+0
// by -0, a string by an equal one with other bytes behind it): so only if
// equal keys of type K are identical.
func inPlace[K, V any]() bool {
	return valueMode[V]() != valueWhole && keyExact(reflect.TypeFor[K]())
}

// keyExact reports whether two equal keys of type t are always identical,
// so that keeping the stored key in place of the one written changes
// nothing: not for floats (+0 and -0), strings (their bytes' address),
// interfaces, or what holds them.
func keyExact(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Pointer, reflect.UnsafePointer, reflect.Chan:
		return true
	case reflect.Array:
		return t.Len() == 0 || keyExact(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !keyExact(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

// pointerFree reports whether values of type t hold no pointer.
func pointerFree(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return t.Len() == 0 || pointerFree(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !pointerFree(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

// storeValue writes v into e in place. mode is valueBits or valuePtr.
func (e *entry[K, V]) storeValue(v V, mode uint8) {
	if mode == valueBits {
		atomic.StoreUint64((*uint64)(unsafe.Pointer(&e.value)), *(*uint64)(unsafe.Pointer(&v)))
		return
	}
	atomic.StorePointer((*unsafe.Pointer)(unsafe.Pointer(&e.value)), *(*unsafe.Pointer)(unsafe.Pointer(&v)))
}

// valueOf reads e's value, where a write may be overwriting it in place.
// For a type of another size or alignment the test is a constant; a value
// of one word is read atomically, whether the map overwrites values in
// place or not.
func (m *Map[K, V]) valueOf(e *entry[K, V]) V {
	var zero V
	if unsafe.Sizeof(zero) == 8 && unsafe.Alignof(zero) == 8 && m.vmode == valuePtr {
		return e.pointerValue()
	}
	return e.wordValue()
}

// A Load that finds its key reads the value by one test of the map's
// hitMode, where valueOf and probe counting would take two:
const (
	hitWord    = iota // valueOf reads a valueBits or valueWhole value, no probe counting: wordValue
	hitPointer        // V is a pointer word (valuePtr), no probe counting: pointerValue
	hitProbed         // probe counting: Load counts the hit, reading the value with valueOf
)

// wordValue is valueOf for a map whose values are not pointer words.
func (e *entry[K, V]) wordValue() V {
	var zero V
	if unsafe.Sizeof(zero) != 8 || unsafe.Alignof(zero) != 8 {
		return e.value
	}
	u := atomic.LoadUint64((*uint64)(unsafe.Pointer(&e.value)))
	return *(*V)(unsafe.Pointer(&u))
}

// pointerValue is valueOf for a map whose values are pointer words.
func (e *entry[K, V]) pointerValue() V {
	var zero V
	if unsafe.Sizeof(zero) != 8 || unsafe.Alignof(zero) != 8 {
		return e.value
	}
	p := atomic.LoadPointer((*unsafe.Pointer)(unsafe.Pointer(&e.value)))
	return *(*V)(unsafe.Pointer(&p))
}

// markBit, set in a body's stamp, makes the body an evacuation marker: the
// bucket's entries have moved to the next table.
const markBit = 1 << 63

// body is one version of a bucket's chain: the head body holds the version's
// stamp (the epoch it was created in) and the link to the version before it,
// which live snapshots may still read; overflow bodies only use tophash,
// slots and overflow.
//
// tophash holds the eight tophash bytes, byte i for slot i, 0 for an empty
// slot. A writer stores a slot before its tophash byte when it inserts, and
// clears the slot before the byte when it deletes, so a reader that matches
// a byte and then loads the slot sees the entry or nil, never a torn pair.
//
// stamp is set before the body is published, and not changed while it is
// reachable, but for a bucket's first body (see slot), which is stamped
// again when it starts a new chain: hence an atomic word. Loads read it
// only after a miss (isMarker), and snapshots read it: it comes after the
// slots, which every Load reads.
type body[K comparable, V any] struct {
	tophash  atomicUint64
	slots    [asm.SlotCount]atomic.Pointer[entry[K, V]]
	overflow atomic.Pointer[body[K, V]]
	stamp    atomicUint64 // the version's epoch; markBit for a marker
	prev     atomic.Pointer[body[K, V]]
}

// newMarker returns an evacuation marker stamped e.
func newMarker[K comparable, V any](e uint64) *body[K, V] {
	p := new(body[K, V])
	p.stamp.Store(e | markBit)
	return p
}

func (p *body[K, V]) isMarker() bool { return p != nil && p.stamp.Load()&markBit != 0 }

// epochOf returns the epoch of a head body's version.
func (p *body[K, V]) epochOf() uint64 { return p.stamp.Load() &^ markBit }

// slot is one bucket of a table: the lock its writers take, the current
// version of its chain (nil: empty), and first, a body that the chain
// starts with when the bucket has one of its own to give.
//
// first is there for Load: a chain that starts in the bucket array is
// read with the bucket's own cache lines, one miss on a large map where
// a body allocated apart is a second, and Load finds it without waiting
// for the chain pointer (see Load). A chain starts in first when the
// bucket's chain is nil: a growth or a Shrink fills the new table's
// buckets so, and an insert into an empty bucket. The versions that a
// write copies for a live snapshot are allocated apart, and first keeps
// the version the snapshot reads, unchanged, until no snapshot reads it;
// then (at a write, or at the snapshot's Close) it is cleared, so that
// it keeps nothing alive, and waits, unused, until the chain is nil again.
//
// A Load that found its key's chain in first and misses it may have read
// it while it was being cleared, or started again: it looks again unless
// the chain is still first (see stale). A chain that is first again has
// been nil in between, when the key was absent, so the miss stands.
//
// The fields are in the order a Load reads them: the chain pointer, then
// first's tophash word and slots; the lock, which only writes take, comes
// last. A Load reads the pointer, the tophash word and one slot: with the
// stride of 112 bytes, a bucket starts at one of four offsets in a cache
// line, and those three words share one line when the slot is among the
// first six, four, two or none, respectively. Inserts fill the low slots
// first, so they mostly do but at the last offset: on a 1M map of int64
// keys, a Load's bucket misses on 1.5 lines where xsync's, of 64 bytes,
// misses on one (see Costs in the package doc).
type slot[K comparable, V any] struct {
	body  atomic.Pointer[body[K, V]]
	first body[K, V]
	mu    sync.Mutex
}

// marked reports whether b's chain p, loaded from b.body, is an evacuation
// marker. A first body never is one: the test then reads nothing more.
func (b *slot[K, V]) marked(p *body[K, V]) bool {
	return p != &b.first && p.isMarker()
}

// stale reports whether a search of chain p of b that missed must look
// again: p was first and is not b's chain any more, or p is a marker.
func (b *slot[K, V]) stale(p *body[K, V]) bool {
	if p == &b.first {
		return b.body.Load() != p
	}
	return p.isMarker()
}

// table is one bucket array, allocated in segments (see segment.go).
// While it grows, old is the array it replaces; the old array's buckets
// below nevacuate have been claimed for evacuation and evacuated counts
// those done.
//
// The struct is a whole number of cache lines: 320 bytes on 64-bit
// platforms, a size class whose objects start on a line (on 32-bit ones,
// the runtime puts a header of 8 bytes before an object of pointers this
// large, and the lines are off by that). The fields a Load reads come
// first, in the first line, the segments next; then what writes read,
// apart from nevacuate, which every write of a growth adds to, in a line
// of its own.
type table[K comparable, V any] struct {
	jmask   uintptr // bucket i is in segment i&jmask: 2^segBits-1
	kmask   uintptr // mask&^jmask
	kmul    uintptr // the slot's size >> segBits: (i&kmask)*kmul is bucket i's offset in its segment
	mask    uintptr
	seed    uintptr // lin.seed, here so that a Load does not wait for lin
	wseed   uint64  // seed^hashWordSeedMix, for hashWordFolded
	old     atomic.Pointer[table[K, V]]
	B       uint8
	segBits uint8 // log2 of the number of segments: bucket i is in segment i mod 2^segBits
	_       [(cacheLine - (6*ptrBytes+8+2)%cacheLine) % cacheLine]byte
	// segs are the array's segments: 1<<segBits of them, the rest nil.
	// Each points to its first bucket. A growing table's are nil until
	// the first evacuation into them.
	segs      [maxSegments]unsafe.Pointer
	segMu     sync.Mutex // held to publish a segment (see reach)
	maxCount  int        // entries above which an insert starts a growth (grow.Policy.MaxCount)
	stripeMax int64      // maxCount / the number of stripes: a stripe over it sums them all (see maybeGrow)
	lin       *lineage
	_         [(cacheLine - (maxSegments*ptrBytes+2*ptrBytes+16)%cacheLine) % cacheLine]byte
	nevacuate atomic.Uintptr
	// evacuated is allocated on its own, so that a watched map's registry
	// entry can read a growth's progress without holding the table, and
	// through it the entries (see watched).
	evacuated *atomic.Uintptr
	_         [cacheLine - 2*ptrBytes]byte
}

// cacheLine is the size the table's layout assumes for a cache line, and
// ptrBytes a pointer's.
const (
	cacheLine = 64
	ptrBytes  = unsafe.Sizeof(uintptr(0))
)

// lineage is what a table shares with the tables it grows into, and what
// Clear replaces: the hash seed and the striped counters.
type lineage struct {
	seed    uintptr
	stripes []stripe
	smask   uintptr
}

// stripe is one cache-line-padded set of counters. A write uses the stripe
// its key's hash selects, so writers of different keys rarely share one.
type stripe struct {
	// sect[p] holds two counters in one word, so that a write's last
	// atomic addition both ends its epoch section and counts the entry it
	// added or removed: the low sectBits bits count the writers inside a
	// section of epoch parity p, and the bits above them, signed, sum the
	// entry count changes of the writes that landed in a version of
	// parity p (see sectionEnd).
	sect       [2]atomic.Int64
	base       atomic.Int64 // entry count folded in by snapshots
	overflow   atomic.Int64 // overflow bodies in current chains
	contention atomicUint64 // lock acquisitions that had to wait
	copies     atomicUint64 // chains copied because a snapshot holds them
	// kept counts what writes left in place for live snapshots, for a
	// Close to sweep: chain versions (copies, evacuations) and chains
	// that deletes emptied.
	kept atomicUint64
	// To 128 bytes: a stripe's index is then a shift, and as the array
	// is allocated whole (8 to 64 stripes: 1 to 8 KiB, size classes
	// aligned to their size), each stripe has two cache lines of its own.
	_ [128 - 7*8]byte
}

// sectBits is the width of a section word's count of writers: the
// writers inside sections of one parity of one stripe stay below 2^30,
// as sync.RWMutex's readers do, and the entry count change above them
// has 34 bits, more than the entries of one stripe can reach.
const sectBits = 30

// sectWriters masks a section word's count of writers.
const sectWriters = 1<<sectBits - 1

type probeStripe struct {
	hits, misses, keysHit, keysMiss, buckets, falsePos atomicUint64
	_                                                  [80]byte
}

// New returns an empty map with room for hint entries before it grows. It
// panics, like make, if hint is negative, and if an option is invalid, with
// an error naming the option and its valid range; TryNew returns that
// error instead.
func New[K comparable, V any](hint int, opts ...Option) *Map[K, V] {
	if hint < 0 {
		panic(errNegativeHint)
	}
	m, err := TryNew[K, V](hint, opts...)
	if err != nil {
		panic(err)
	}
	return m
}

// TryNew is New returning an error for a negative hint or an invalid
// option, for options that come from a user or a configuration file.
func TryNew[K comparable, V any](hint int, opts ...Option) (*Map[K, V], error) {
	if hint < 0 {
		return nil, fmt.Errorf("concurrent: size hint %d out of range: want 0 or more", hint)
	}
	m := new(Map[K, V])
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.initLocked(hint, opts); err != nil {
		return nil, err
	}
	return m, nil
}

// Panic values: the runtime's words for the same mistakes with a builtin
// map, as runtime errors (see rt.PlainError).
const (
	errNegativeHint = rt.PlainError("makemap: size out of range")
	errNilAssign    = rt.PlainError("assignment to entry in nil map")
)

// initLocked sets up a new or zero map. m.mu is held.
func (m *Map[K, V]) initLocked(hint int, opts []Option) error {
	cfg := config{policy: grow.Default()}
	if err := option.Apply(&cfg, &cfg.Config, "concurrent", opts); err != nil {
		return err
	}
	_, fn, err := option.Hasher[K](&cfg.Config)
	if err != nil {
		return err
	}
	m.hashfn = fn
	m.wordHash = cfg.Hasher == nil && wordKey(reflect.TypeFor[K]())
	m.source = cfg.Source
	m.vmode, m.inplace = valueMode[V](), inPlace[K, V]()
	m.plainEntries = pointerFree(reflect.TypeFor[entry[K, V]]())
	if m.vmode == valuePtr {
		m.hitMode = hitPointer
	}
	m.nstripes = stripeCount()
	if cfg.probeEvery > 0 {
		m.probes = make([]probeStripe, m.nstripes)
		m.probeEvery = cfg.probeEvery
		m.probeThreshold = math.MaxUint64 / uint64(cfg.probeEvery)
		m.hitMode = hitProbed
	}
	m.marker = newMarker[K, V](0)
	m.snapMin.Store(math.MaxUint64)
	m.policy = cfg.policy
	if cfg.tracer != nil {
		m.tracer, m.tq = cfg.tracer, new(traceQueue)
	}
	policy := &m.policy
	if hi, mem := bits.Mul64(uint64(hint), uint64(unsafe.Sizeof(slot[K, V]{}))); hi != 0 || mem > 1<<40 {
		hint = 0
	}
	m.root.Store(m.newTable(policy.BForHint(hint), m.newLineage(), false))
	if cfg.Name != "" {
		m.watch(cfg.Name)
	} else if atomic.LoadInt64(&registry.Rate) != 0 && registry.Sample() {
		m.watch("")
	}
	m.mirror()
	m.initDone.Store(true)
	return nil
}

// stripeCount: four stripes per P, a power of two between 8 and 64.
func stripeCount() int {
	n := 8
	for n < 4*runtime.GOMAXPROCS(0) && n < 64 {
		n *= 2
	}
	return n
}

func (m *Map[K, V]) newLineage() *lineage {
	return &lineage{
		seed:    uintptr(m.source.Next()),
		stripes: make([]stripe, m.nstripes),
		smask:   uintptr(m.nstripes - 1),
	}
}

// newTable returns a table of 2^B buckets with every segment allocated,
// or, if lazy (a growth's), none.
func (m *Map[K, V]) newTable(B uint8, lin *lineage, lazy bool) *table[K, V] {
	n := uintptr(1) << B
	bits := segmentBitsFor(B)
	if unsafe.Sizeof(slot[K, V]{})%maxSegments != 0 {
		bits = 0 // a platform whose bucket is no multiple of 16 bytes: one segment (see kmul)
	}
	jmask := uintptr(1)<<bits - 1
	t := &table[K, V]{mask: n - 1, jmask: jmask, kmask: (n - 1) &^ jmask, kmul: unsafe.Sizeof(slot[K, V]{}) >> bits,
		B: B, segBits: bits, lin: lin, seed: lin.seed,
		wseed:    uint64(lin.seed) ^ hashWordSeedMix,
		maxCount: m.policy.MaxCount(B), stripeMax: int64(m.policy.MaxCount(B) / len(lin.stripes)),
		evacuated: new(atomic.Uintptr)}
	if !lazy {
		for j := range uintptr(1) << t.segBits {
			t.reach(j)
		}
	}
	return t
}

// table returns the current table, setting up a zero Map first. (It does
// not inline in the user's package, cost 84 there: mutate, the hot caller,
// has it written out.)
func (m *Map[K, V]) table() *table[K, V] {
	if t := m.root.Load(); t != nil {
		return t
	}
	return m.setUp()
}

// setUp sets up a zero Map and returns its table.
func (m *Map[K, V]) setUp() *table[K, V] {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.initDone.Load() {
		if err := m.initLocked(0, nil); err != nil {
			panic(err)
		}
	}
	return m.root.Load()
}

// hash hashes *key with seed. The pointer does not escape. It does not
// inline (hashWord and the indirect call together are over the budget):
// Load and mutate have it written out.
func (m *Map[K, V]) hash(key *K, seed uintptr) uintptr {
	if unsafe.Sizeof(*key) == 8 && m.wordHash {
		return hashWord(*(*uint64)(unsafe.Pointer(key)), seed)
	}
	return m.hashfn(rt.NoEscape(unsafe.Pointer(key)), seed)
}

// wordKey reports whether K is an integer of 8 bytes, whose equality is
// that of its bits, so that hashWord may hash it.
func wordKey(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return t.Size() == 8
	}
	return false
}

// hashWord hashes an 8-byte key with a seed: the construction of the
// runtime's portable hash for 8-byte keys (wyhash: two 64×64→128-bit
// multiplies, each folded by xor), with fixed odd constants in place of
// the runtime's per-process ones (the seed is drawn per table). The
// runtime's own hash for such a key is an indirect call (to AES code on
// amd64): written here, it inlines into Load and the write path, which
// then call nothing and spill nothing around the call. Every bit of the
// result depends on every bit of the key and of the seed: the bucket
// index (low bits), the tophash (top byte) and the stripe (bits 32 up) are
// all well mixed.
func hashWord(k uint64, seed uintptr) uintptr {
	return hashWordFolded(k, uint64(seed)^hashWordSeedMix)
}

// hashWordSeedMix is what hashWord xors into the seed: a table keeps its
// seed so mixed (table.wseed), and the hot paths call hashWordFolded with
// it, one constant and one xor fewer per hash.
const hashWordSeedMix = 0xa0761d6478bd642f

// hashWordFolded is hashWord(k, seed) for folded = seed^hashWordSeedMix.
func hashWordFolded(k, folded uint64) uintptr {
	hi, lo := bits.Mul64(k^folded, k^0xe7037ed1a0b428db)
	hi, lo = bits.Mul64(hi^lo, 0x8ebc6af09c88c6e3^8)
	return uintptr(hi ^ lo)
}

// stripe returns the stripe of a hash: bits far from the bucket index and
// from the tophash byte (bits 32 up of a 64-bit hash, 16 up of a 32-bit
// one).
func (l *lineage) stripe(h uintptr) *stripe {
	// l.stripes has smask+1 elements: the index needs no bounds check.
	return (*stripe)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(l.stripes)), ((h>>stripeShift)&l.smask)*unsafe.Sizeof(stripe{})))
}

// stripeShift is half a hash's width.
const stripeShift = bits.UintSize / 2

// entries returns the stripe's share of the entry count: its base and
// both parities' count changes (the arithmetic shift drops the count of
// writers, which is never negative, and keeps the change's sign).
func (s *stripe) entries() int64 {
	return s.base.Load() + s.sect[0].Load()>>sectBits + s.sect[1].Load()>>sectBits
}

// count sums the striped entry counters.
func (l *lineage) count() int64 {
	var n int64
	for i := range l.stripes {
		n += l.stripes[i].entries()
	}
	return n
}

// search looks for key in the chain that starts at p.
func search[K comparable, V any](p *body[K, V], top uint8, key K) *entry[K, V] {
	for ; p != nil; p = p.overflow.Load() {
		for s := asm.MatchCandidates(p.tophash.Load(), top); s != 0; s = asm.RemoveFirst(s) {
			if e := p.slots[asm.First(s)].Load(); e != nil && e.key == key {
				return e
			}
		}
	}
	return nil
}

// lookupChain finds the chain a Load of key reads, starting from table t,
// as Load does (which has the loop written out, for speed): the old
// table's bucket if a growth has not moved it yet, else the current
// table's, reloading the root if t was replaced meanwhile. It returns the
// key's hash, the table the chain was found through, its old table if it
// was growing then (nil if not), the bucket and its chain, and whether
// they are the old table's. A caller whose search of the chain misses
// looks again if b.stale(p).
func (m *Map[K, V]) lookupChain(t *table[K, V], key K) (h uintptr, tb, o *table[K, V], b *slot[K, V], p *body[K, V], inOld bool) {
	seed := t.seed
	h = m.hash(&key, seed)
	for {
		if o = t.old.Load(); o != nil {
			b = o.bucket(h)
			if p = b.body.Load(); !p.isMarker() {
				return h, t, o, b, p, true
			}
		}
		b = t.bucket(h)
		if p = b.body.Load(); !p.isMarker() {
			return h, t, o, b, p, false
		}
		// t has been replaced by a growth since we loaded it (or by a
		// Clear, which draws a new seed).
		t = m.root.Load()
		if t.seed != seed {
			seed = t.seed
			h = m.hash(&key, seed)
		}
	}
}

// find returns key's entry, nil if it has none: Load, for the cases Load
// leaves to a call.
func (m *Map[K, V]) find(key K) *entry[K, V] {
	t := m.root.Load()
	for {
		h, _, _, b, p, _ := m.lookupChain(t, key)
		if e := search(p, asm.Tophash(h), key); e != nil || !b.stale(p) {
			return e
		}
		t = m.root.Load()
	}
}

// Load returns the value stored for key, and whether there is one. It
// takes no lock and writes nothing to shared memory.
func (m *Map[K, V]) Load(key K) (value V, ok bool) {
	if m == nil {
		rt.CheckHashable(key)
		return value, false
	}
	t := m.root.Load()
	if t == nil {
		rt.CheckHashable(key)
		return value, false
	}
	var h uintptr
	if unsafe.Sizeof(key) == 8 && m.wordHash {
		h = hashWordFolded(*(*uint64)(unsafe.Pointer(&key)), t.wseed) // m.hash, written out
	} else {
		h = m.hashfn(rt.NoEscape(unsafe.Pointer(&key)), t.seed)
	}
	// The old table's bucket if a growth has not moved it yet, else the
	// current table's. If the current table's is a marker, t has been
	// replaced by a growth since we loaded it (or by a Clear, which draws
	// a new seed). A marker holds no entry, so the search below finds
	// nothing in it, and the test is made only after a miss: a hit does
	// not pay for it.
	var b *slot[K, V]
	if o := t.old.Load(); o == nil {
		b = t.bucket(h)
	} else if b = o.bucket(h); b.marked(b.body.Load()) {
		b = t.bucket(h) // moved, so its segment is allocated
	}
	top := asm.Tophash(h)
	// The chain is most often b.first. Searched from &b.first, which the
	// bucket's address gives, rather than from the chain pointer, its
	// tophash word and slots are loaded without waiting for that pointer:
	// on a large map, both misses are under way at once.
	p := b.body.Load()
	q := &b.first
	if p != q {
		if p == nil {
			goto miss
		}
		q = p
	}
	// search, written out: Load is the hot path, and the call would not
	// be inlined. Every call Load makes but the hasher's returns from
	// Load, so that nothing is kept across a call on the way here: probe
	// counting too comes last.
	for { // q is not nil: tested at the end only
		for s := asm.MatchCandidates(q.tophash.Load(), top); s != 0; s = asm.RemoveFirst(s) {
			if e := q.slots[asm.First(s)].Load(); e != nil && e.key == key {
				// (One test of hitMode here, and one of probes at the
				// miss: joining the returns costs two instructions.)
				if r := m.hitMode; r != hitWord {
					if r == hitPointer {
						return e.pointerValue(), true
					}
					return m.loadProbed(t, key, e)
				}
				return e.wordValue(), true
			}
		}
		if q = q.overflow.Load(); q == nil {
			break
		}
	}
miss:
	if b.stale(p) {
		return m.loadRetry(key) // rare, and out of line
	}
	if m.probes != nil {
		return m.loadProbed(t, key, nil)
	}
	return value, false
}

// loadRetry is Load from the current table, for a Load that found its
// table replaced.
//
//go:noinline
func (m *Map[K, V]) loadRetry(key K) (value V, ok bool) {
	if e := m.find(key); e != nil {
		return m.valueOf(e), true
	}
	return value, false
}

// Len returns the number of entries. It is exact when no write and no
// Snapshot is in progress; otherwise it is the sum of counters read one
// after the other, and may be off by the writes in flight (see the package
// documentation). Snapshot.Len is always exact.
func (m *Map[K, V]) Len() int {
	if m == nil {
		return 0
	}
	t := m.root.Load()
	if t == nil {
		return 0
	}
	return int(max(t.lin.count(), 0))
}
