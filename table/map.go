package table

import (
	"fmt"
	"math"
	"math/bits"
	"sync/atomic"
	"unsafe"

	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/grow"
	"github.com/hmaplab/hmap/internal/option"
	"github.com/hmaplab/hmap/internal/registry"
	"github.com/hmaplab/hmap/internal/rng"
	"github.com/hmaplab/hmap/internal/rt"
)

// Map is a hash map from K to V laid out and managed exactly as the Go 1.23
// runtime's map. The zero Map is empty and ready to use, and a nil *Map
// reads as an empty map, as a nil builtin map does (writing to it panics).
//
// A Map must not be copied after its first write: pass *Map, as New
// returns it. A copy would share the original's buckets, so a write through
// it would corrupt both; it panics instead, saying so (go vet reports the
// copy too). Reads through a stale copy are safe, but see what the
// original held at some point, not what it holds now.
//
// A Map is safe for concurrent reads (Get, At, Has, Len, iteration, Stats,
// Inspect), but not for a write concurrent with anything else. Like the
// builtin map it detects some such misuse on a best-effort basis and panics
// with "concurrent map writes" (or "concurrent map read and map write",
// "concurrent map iteration and map write"). Unlike the runtime's, these
// panics can be recovered, but the map may be inconsistent afterwards.
type Map[K comparable, V any] struct {
	_ noCopy

	// self is the map's own address once it is initialised: a copy of the
	// Map value carries its original's, which is how a write through a
	// copy is caught. (A pointer, not an address, so that it follows the
	// map when a goroutine's stack moves.)
	self *Map[K, V]

	// count is the number of live entries, or'ed with writing while a
	// write is in progress: one word, so that a lookup's first test,
	// count <= 0, sends both an empty map and one being written to its
	// slow path. (The runtime tests the count, then a flag.) Read it with
	// entries() wherever a write may be in progress.
	count int

	// flags holds the flag* bits and, from iterShift up, the number of
	// iterations in progress.
	flags     uint32
	logB      uint8  // log2 of the number of regular buckets (the runtime's B)
	noverflow uint16 // overflow buckets, counted as grow.CountOverflow does
	seed      uint32 // hash seed, redrawn when the map empties

	// The growth policy's thresholds for the current B, kept so that an
	// insert compares two numbers (see setB).
	ovfLimit uint16 // noverflow that calls for a same-size growth
	maxLoad  int    // the most entries before the table doubles

	// hashfn is the hasher in the runtime's calling convention, next to
	// the fields every lookup reads. It is nil until the map is
	// initialised.
	hashfn rt.HashFunc

	// buckets is the array: 2^B regular buckets followed by the spare
	// overflow buckets it was allocated with, grow.ArrayLen of them in all
	// (see array). overflow keeps the account of its overflow buckets (nil
	// for an array of one bucket, which never overflows: its ninth entry
	// doubles it).
	buckets  *bucket.Bucket[K, V]
	overflow *arrayOverflow[K, V]

	growth *growth[K, V]   // the old array and the evacuation mark, while growing
	extra  *mapExtra[K, V] // rarely used state, allocated when first needed
}

// arrayOverflow is the account of an array's overflow buckets. Bucket links
// are uintptrs (see package bucket), so list is what keeps the buckets
// allocated outside the array alive. It is made with its array and stays
// that array's for good, so whoever holds an array and its arrayOverflow —
// an iterator, or a stale copy of the Map — holds every bucket its chains
// link to, whatever the map does meanwhile.
type arrayOverflow[K comparable, V any] struct {
	spare uintptr                // the next free spare bucket of the array, by index
	n     int                    // overflow buckets linked into the array's chains
	list  []*bucket.Bucket[K, V] // those allocated outside the array
}

// growth is the state of a growth in progress: the array being evacuated,
// its overflow account, and the evacuation mark: old buckets below
// nevacuate have all been evacuated.
type growth[K comparable, V any] struct {
	old         []bucket.Bucket[K, V]
	oldOverflow *arrayOverflow[K, V]
	nevacuate   uintptr
}

// mapExtra holds what most maps never use, or use rarely, behind one
// pointer, as the runtime's mapextra does: a map that is only filled and
// read, with default options, never allocates it.
type mapExtra[K comparable, V any] struct {
	policy grow.Policy // the growth policy (grow.Default() if no extra)
	source rng.Source  // where random values come from (random if no extra)
	events Events      // cumulative counts, for Stats

	// nevacuate is the evacuation mark the last growth ended with, which
	// Stats reports, as the runtime's header keeps it, until the next one.
	nevacuate uintptr

	tracer  *Tracer // nil unless WithTracer
	traced  uint8   // 1<<kind for each event kind tracer receives
	pending []event // events of the current write, for tracer

	probes probeCounters // per-lookup counts, with -tags hmapprobe

	watch     *registry.Owner // the map's registry entry (flagWatched), or nil
	published published       // what the map last published to it
}

// Bits of Map.flags. The iterator bits, and the count of iterations in
// progress above them, change atomically because iterations may start and
// end on several goroutines at once; every other change happens inside a
// write.
const (
	flagIterator     = 1 // an iterator may be using buckets
	flagOldIterator  = 2 // an iterator may be using the old array
	flagSameSizeGrow = 8 // the growth in progress keeps the size

	// The flags that follow from the key and elem types, rt.Traits moved
	// up by traitShift (see flagsOf).
	flagPointers  = 16 // buckets hold pointers: clear what is evacuated
	flagSmallKeys = 32 // K is small regular memory (rt.TraitSmallRegularKey)
	// flagKeyUpdate: an update rewrites the stored key too, because equal
	// keys of K can differ (±0, a string's storage); for other keys it
	// would only dirty the key's cache line. The runtime's needkeyupdate.
	flagKeyUpdate = 64
	// flagStringKey: K's kind is string (rt.TraitStringKey), so an insert can
	// recognise the very key it holds (rt.SameWords) without comparing bytes,
	// as the runtime's mapassign_faststr does.
	flagStringKey = 128
	traitShift    = 4

	flagPending = 256 // tracer events wait for the end of the write
	// flagScan: lookups compare keys instead of hashing: flagSmallKeys, and
	// the table is one bucket, not growing (see setOneBucket). The runtime's
	// fast paths for 32- and 64-bit and string keys do the same.
	flagScan = 512
	// flagWatched: the map is in package watch's registry and publishes
	// its figures at the end of each write. It shares the test of
	// flagPending (see afterWrite), so an unwatched map pays nothing.
	flagWatched = 1024
	// flagUserHasher: the hasher came from WithHasher and may panic, so
	// evacuation hashes a chain before it changes anything (hashChain).
	// The runtime's hasher cannot panic on a key it has hashed before.
	flagUserHasher = 2048
	// flagAfterWrite: the bits that send a write through afterWrite.
	flagAfterWrite = flagPending | flagWatched

	// The runtime cannot know when an iteration ends and keeps only the
	// iterator flags, which a second growth during one iteration clears;
	// a range-over-func loop ends visibly, so hmap counts the iterations
	// in progress, and protects what they read.
	iterShift = 12
	iterOne   = 1 << iterShift
	iterMask  = 1<<32 - iterOne
)

// writing, or'ed into Map.count, marks a write in progress: the sign bit,
// so that count < 0 tests it.
const writing = math.MinInt

// Panic messages, the runtime's own words. Where the runtime panics with a
// runtime error (a nil map's write), the value is one (rt.PlainError), and
// so is a negative hint's, as make's for a channel; the runtime's misuse
// reports are fatal errors, and these panics are strings.
const (
	errWrites       = "concurrent map writes"
	errReadWrite    = "concurrent map read and map write"
	errIterWrite    = "concurrent map iteration and map write"
	errCloneWrite   = "concurrent map clone and map write"
	errNegativeHint = rt.PlainError("makemap: size out of range")
	errNilAssign    = rt.PlainError("assignment to entry in nil map")
	errCopied       = "table: write to a copied Map: a copy of a Map value shares the original's buckets; " +
		"pass *Map instead of copying the Map"

	// maxAlloc is the runtime's limit on one allocation: 2^48 bytes on a
	// 64-bit platform, 2^32-1 on a 32-bit one.
	maxAlloc = 1<<48*(ptrBits/64) + (1<<32-1)*(1-ptrBits/64)
	ptrBits  = bits.UintSize
)

// noCopy lets go vet's copylocks check flag copies of a Map.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// New returns an empty map with room for hint entries before it grows. A
// hint of 0 allocates no bucket until the first insert. New panics, like
// make, if hint is negative, and if an option is invalid, with an error
// naming the option and its valid range; TryNew returns that error instead.
func New[K comparable, V any](hint int, opts ...Option) *Map[K, V] {
	if hint < 0 {
		panic(errNegativeHint)
	}
	m := new(Map[K, V])
	if err := m.init(hint, opts); err != nil {
		panic(err)
	}
	return m
}

// TryNew is New returning an error for a negative hint or an invalid
// option, for options that come from a user or a configuration file.
func TryNew[K comparable, V any](hint int, opts ...Option) (*Map[K, V], error) {
	if hint < 0 {
		return nil, fmt.Errorf("table: size hint %d out of range: want 0 or more", hint)
	}
	m := new(Map[K, V])
	if err := m.init(hint, opts); err != nil {
		return nil, err
	}
	return m, nil
}

// init sets up a new or zero map: hasher, randomness, policy and, if hint
// calls for more than one bucket, the bucket array. With no option it
// allocates nothing but the array: the runtime's hash function and whether
// the buckets hold pointers come from the runtime's type descriptors.
func (m *Map[K, V]) init(hint int, opts []Option) error {
	fn, traits := rt.Describe[K, V]()
	if len(opts) > 0 {
		var err error
		if fn, err = m.applyOptions(opts); err != nil {
			return err
		}
	}
	if probesEnabled {
		m.x()
	}
	m.self = (*Map[K, V])(rt.NoEscape(unsafe.Pointer(m)))
	m.hashfn = fn
	m.flags |= flagsOf(traits)
	m.seed = uint32(m.draw())

	if hint <= grow.OneBucketMaxCount {
		m.setOneBucket() // no array until the first insert
	} else {
		// Like the runtime, ignore a hint whose buckets could not be
		// allocated.
		B := uint8(0)
		if mem, ok := mulNoOverflow(uintptr(hint), unsafe.Sizeof(bucket.Bucket[K, V]{})); ok && mem <= maxAlloc {
			B = m.policy().BForHint(hint)
		}
		m.setB(B)
		if m.logB != 0 {
			m.newArray(m.logB)
		}
	}
	// With sampling off, a test and a load are all an unnamed map pays
	// for package watch.
	if m.flags&flagWatched != 0 || atomic.LoadInt64(&registry.Rate) != 0 {
		m.watchNew()
	}
	return nil
}

// flagsOf returns the flags that follow from the key and elem types: their
// traits, which the flags copy bit for bit (TestFlagsOfTraits).
func flagsOf(t rt.Traits) uint32 { return uint32(t) << traitShift }

// applyOptions applies opts to a map being set up, registers it with
// package watch if it is named, and returns its hash function. It is out
// of line so that a map made without options does not pay for the room
// its locals take.
//
//go:noinline
func (m *Map[K, V]) applyOptions(opts []Option) (rt.HashFunc, error) {
	cfg := config{policy: grow.Default()}
	if err := option.Apply(&cfg, &cfg.Config, "table", opts); err != nil {
		return nil, err
	}
	_, fn, err := option.Hasher[K](&cfg.Config)
	if err != nil {
		return nil, err
	}
	if cfg.Hasher != nil {
		m.flags |= flagUserHasher
	}
	if cfg.policy != grow.Default() || cfg.Source.Deterministic() || cfg.tracer != nil {
		x := m.x()
		x.policy, x.source = cfg.policy, cfg.Source
		m.setTracer(cfg.tracer)
	}
	if cfg.Name != "" {
		m.watch(cfg.Name)
	}
	return fn, nil
}

// firstWrite is the slow path of a write's first check, m.self != m: a
// zero Map is initialised, and a write through a copy refused. (Out of
// line, so that the check is a compare and a branch.)
//
//go:noinline
func (m *Map[K, V]) firstWrite() {
	if m.self != nil {
		panic(errCopied)
	}
	_ = m.init(0, nil) // no options, no error
}

// copied panics for a write through a copy. It is out of line so that the
// check costs the write path a compare and a branch.
//
//go:noinline
func copied() {
	panic(errCopied)
}

// defaultPolicy stands for the policy of a map without an extra.
var defaultPolicy = grow.Default()

// x returns the map's extra, allocating it on first use (by a write).
func (m *Map[K, V]) x() *mapExtra[K, V] {
	if m.extra == nil {
		m.extra = &mapExtra[K, V]{policy: grow.Default()}
	}
	return m.extra
}

// policy returns the map's growth policy.
func (m *Map[K, V]) policy() *grow.Policy {
	if x := m.extra; x != nil {
		return &x.policy
	}
	return &defaultPolicy
}

// draw returns the next of the map's random values: from its extra's
// source, or from the runtime's generator for a map without an extra.
func (m *Map[K, V]) draw() uint64 {
	var s *rng.Source
	if x := m.extra; x != nil {
		s = &x.source
	}
	return rng.Draw(s)
}

// events returns the map's cumulative counts, to add to.
func (m *Map[K, V]) events() *Events { return &m.x().events }

// hasPointers reports whether the buckets hold pointers.
func (m *Map[K, V]) hasPointers() bool { return m.flags&flagPointers != 0 }

func mulNoOverflow(a, b uintptr) (uintptr, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	return p, p/b == a
}

// newArray makes a new array of 2^B regular buckets and its spare
// overflow buckets the current one, with the account of its overflow
// buckets. The caller keeps the previous array if it needs it.
func (m *Map[K, V]) newArray(B uint8) {
	m.overflow = nil
	if B == 0 {
		m.buckets = new(bucket.Bucket[K, V]) // the array of one, without makeslice
		return
	}
	m.buckets = unsafe.SliceData(make([]bucket.Bucket[K, V], m.arrayLen(B)))
	m.overflow = &arrayOverflow[K, V]{spare: uintptr(1) << B}
}

// arrayLen returns the length of an array of 2^B regular buckets with its
// spares, which follows from B and the bucket type: the header keeps
// neither.
func (m *Map[K, V]) arrayLen(B uint8) uintptr {
	return grow.ArrayLen(B, unsafe.Sizeof(bucket.Bucket[K, V]{}), !m.hasPointers())
}

// array returns the current array, spares included, or nil.
func (m *Map[K, V]) array() []bucket.Bucket[K, V] {
	if m.buckets == nil {
		return nil
	}
	return unsafe.Slice(m.buckets, m.arrayLen(m.logB))
}

// nextSpare returns the index of the current array's next free spare
// bucket (its length if none is left).
func (m *Map[K, V]) nextSpare() uintptr {
	if o := m.overflow; o != nil {
		return o.spare
	}
	return m.arrayLen(m.logB)
}

// overflowBuckets returns the number of overflow buckets in the current
// array's chains, oldOverflowBuckets in the old array's.
func (m *Map[K, V]) overflowBuckets() int {
	if o := m.overflow; o != nil {
		return o.n
	}
	return 0
}

func (m *Map[K, V]) oldOverflowBuckets() int {
	if g := m.growth; g != nil && g.oldOverflow != nil {
		return g.oldOverflow.n
	}
	return 0
}

// oldArray returns the array being evacuated, or nil.
func (m *Map[K, V]) oldArray() []bucket.Bucket[K, V] {
	if g := m.growth; g != nil {
		return g.old
	}
	return nil
}

// evacMark returns the evacuation mark: that of the growth in progress, or
// the one the last growth ended with.
func (m *Map[K, V]) evacMark() uintptr {
	if g := m.growth; g != nil {
		return g.nevacuate
	}
	if x := m.extra; x != nil {
		return x.nevacuate
	}
	return 0
}

// hash hashes *key with the map's seed. The pointer does not escape.
func (m *Map[K, V]) hash(key *K) uintptr {
	return m.hashfn(rt.NoEscape(unsafe.Pointer(key)), uintptr(m.seed))
}

// setB makes the table's size 2^B regular buckets as far as the header
// goes: B and the growth thresholds that depend on it.
func (m *Map[K, V]) setB(B uint8) {
	if B == 0 {
		m.setOneBucket()
		return
	}
	m.logB = B
	p := m.policy()
	m.maxLoad = p.MaxCount(B)
	m.ovfLimit = p.OverflowLimit(B)
	m.flags &^= flagScan
}

// setOneBucket is setB(0), which most maps start with: init calls it
// directly for a small hint. A table of one bucket never grows to the same
// size (its ninth insert doubles it), so it is one chain and never grows
// in place, and a lookup may scan it for a small key.
func (m *Map[K, V]) setOneBucket() {
	m.logB = 0
	m.maxLoad, m.ovfLimit = grow.OneBucketMaxCount, grow.OneBucketOverflowLimit
	f := m.flags &^ flagScan
	if f&flagSmallKeys != 0 {
		f |= flagScan
	}
	m.flags = f
}

// bucketMask returns the mask that takes a hash to its bucket's index.
// (logB is below 64, and saying so spares the shift a range check.)
func (m *Map[K, V]) bucketMask() uintptr { return uintptr(1)<<(m.logB&63) - 1 }

// growing reports whether a growth is in progress.
func (m *Map[K, V]) growing() bool { return m.growth != nil }

// sameSizeGrow reports whether the growth in progress keeps the size.
func (m *Map[K, V]) sameSizeGrow() bool { return m.flags&flagSameSizeGrow != 0 }

// noldbuckets returns the number of regular buckets of the old array.
func (m *Map[K, V]) noldbuckets() uintptr {
	oldB := m.logB
	if !m.sameSizeGrow() {
		oldB--
	}
	return uintptr(1) << oldB
}

func (m *Map[K, V]) oldbucketMask() uintptr { return m.noldbuckets() - 1 }

// Len returns the number of entries: len(m).
func (m *Map[K, V]) Len() int {
	if m == nil {
		return 0
	}
	return m.entries()
}

// entries returns the number of entries, without the write mark.
func (m *Map[K, V]) entries() int { return m.count &^ writing }

// beginWrite marks a write in progress, after the key has been hashed (a
// hash that panics must not leave the mark behind), and returns the number
// of entries, which the write keeps and hands to endWrite, changed by what
// it did. The caller has checked that no other write is in progress.
//
// The mark and the count share one word, and a write stores it twice, with
// values it computed: the mark, then the new count. Read-modify-writes of
// the word (set the mark, add one, clear the mark) would each load what
// the one before stored, so that each write of a loop of writes waited on
// the word's last store three times over, and through it on every earlier
// write's: one chain of store-to-load forwarding through the whole loop.
// With the count kept in a register, each write loads the word once. A
// write reads the count again after a call on its slow paths (growWork,
// newOverflow ...), rather than keeping it across the call: kept across
// it, the count was spilled to the stack on the fast path too. (The mask
// drops the mark of a write racing this one, caught by one of the two
// endWrites, so that the count stored at the end is a count.)
func (m *Map[K, V]) beginWrite() int {
	n := m.count &^ writing
	m.count = n | writing
	return n
}

// endWrite ends the write that beginWrite began, which leaves n entries,
// checking that no other write cleared the mark first.
func (m *Map[K, V]) endWrite(n int) {
	if m.count >= 0 {
		panic(m.misuse(errWrites))
	}
	m.count = n
	if debugInvariants {
		m.mustCheckInvariants()
	}
}

// reseed draws a new hash seed; the map must be empty.
func (m *Map[K, V]) reseed(byClear bool) {
	old := m.seed
	m.seed = uint32(m.draw())
	if m.seed == old {
		// Iterations tell that the map was emptied by the new seed.
		m.seed++
	}
	m.events().Reseeds++
	if m.traces(evReseed) {
		m.emit(event{kind: evReseed, reseed: ReseedEvent{Old: old, New: m.seed, Clear: byClear}})
	}
}

// at returns bucket i of the current array, for the hot paths: without a
// bounds check (with -tags hmapdebug, with one).
func (m *Map[K, V]) at(i uintptr) *bucket.Bucket[K, V] {
	if debugInvariants {
		return &m.array()[i]
	}
	return (*bucket.Bucket[K, V])(unsafe.Add(unsafe.Pointer(m.buckets), i*unsafe.Sizeof(bucket.Bucket[K, V]{})))
}

// bucketAt returns &arr[i] without the bounds check, for the hot paths.
// They index with a hash masked to the array's 2^B regular buckets, and an
// array always holds those (checkInvariants checks it), so the check could
// never fail; with -tags hmapdebug it is made anyway.
func bucketAt[K comparable, V any](arr []bucket.Bucket[K, V], i uintptr) *bucket.Bucket[K, V] {
	if debugInvariants {
		return &arr[i]
	}
	return (*bucket.Bucket[K, V])(unsafe.Add(unsafe.Pointer(unsafe.SliceData(arr)), i*unsafe.Sizeof(bucket.Bucket[K, V]{})))
}
