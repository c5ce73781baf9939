package table

import (
	"fmt"
	"math"
	"reflect"
	"sync/atomic"
	"unsafe"

	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/grow"
	"github.com/hmaplab/hmap/internal/option"
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
	count     int
	flags     uint32 // flag* bits
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

	// buckets holds 2^B regular buckets followed by the spare overflow
	// buckets the array was allocated with; those from nextSpare on are
	// still free. oldbuckets is the previous array while a growth is in
	// progress; its buckets below nevacuate have all been evacuated.
	buckets    []bucket.Bucket[K, V]
	oldbuckets []bucket.Bucket[K, V]
	nevacuate  uintptr
	nextSpare  uintptr

	// Overflow buckets allocated outside an array, one list per array.
	// Bucket links are uintptrs (see package bucket), so these lists are
	// what keeps such buckets alive. A list is made with its array (of two
	// buckets or more: a one-bucket array never overflows) and stays that
	// array's for good, so whoever holds an array and its list — an
	// iterator, or a stale copy of the Map — holds every bucket its chains
	// link to, whatever the map does meanwhile.
	overflow, oldoverflow *[]*bucket.Bucket[K, V]

	// nOverflow and nOldOverflow count the overflow buckets of each
	// array's chains exactly; noverflow is the runtime's estimate.
	nOverflow, nOldOverflow int

	// iterators counts the iterations in progress. The runtime cannot know
	// when an iteration ends and keeps only the iterator flags, which a
	// second growth during one iteration clears; a range-over-func loop
	// ends visibly, so hmap counts them, and protects what they read.
	iterators atomic.Int32

	events  Events        // cumulative counts, for Stats
	probes  probeCounters // per-lookup counts, with -tags hmapprobe
	tracer  *Tracer       // nil unless WithTracer
	traced  uint8         // 1<<kind for each event kind tracer receives
	pending []event       // events of the current write, for tracer

	source      rng.Source
	policy      grow.Policy
	hasPointers bool // buckets hold pointers: clear what is evacuated
}

// Bits of Map.flags. The iterator bits are set with an atomic OR because
// iterations may start on several goroutines at once; every other change
// happens inside a write.
const (
	flagIterator     = 1 // an iterator may be using buckets
	flagOldIterator  = 2 // an iterator may be using oldbuckets
	flagSameSizeGrow = 8 // the growth in progress keeps the size
)

// writing, or'ed into Map.count, marks a write in progress: the sign bit,
// so that count < 0 tests it.
const writing = math.MinInt

// Panic messages, the runtime's own words.
const (
	errWrites       = "concurrent map writes"
	errReadWrite    = "concurrent map read and map write"
	errIterWrite    = "concurrent map iteration and map write"
	errCloneWrite   = "concurrent map clone and map write"
	errNegativeHint = "makemap: size out of range"
	errNilAssign    = "assignment to entry in nil map"
	errCopied       = "table: write to a copied Map: a copy of a Map value shares the original's buckets; " +
		"pass *Map instead of copying the Map"

	maxAlloc = 1 << 48 // the runtime's limit on one allocation (64-bit)
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
// calls for more than one bucket, the bucket array.
func (m *Map[K, V]) init(hint int, opts []Option) error {
	cfg := config{policy: grow.Default()}
	if err := option.Apply(&cfg, &cfg.Config, "table", opts); err != nil {
		return err
	}
	_, fn, err := option.Hasher[K](&cfg.Config)
	if err != nil {
		return err
	}
	m.self = (*Map[K, V])(rt.NoEscape(unsafe.Pointer(m)))
	m.hashfn = fn
	m.source = cfg.Source
	m.policy = cfg.policy
	m.setTracer(cfg.tracer)
	m.hasPointers = rt.HasPointers(reflect.TypeFor[bucket.Bucket[K, V]]())
	m.seed = uint32(m.source.Next())

	// Like the runtime, ignore a hint whose buckets could not be allocated.
	if mem, ok := mulNoOverflow(uintptr(hint), unsafe.Sizeof(bucket.Bucket[K, V]{})); !ok || mem > maxAlloc {
		hint = 0
	}
	m.setB(m.policy.BForHint(hint))
	if m.logB != 0 {
		m.newArray(m.logB)
	}
	return nil
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

func mulNoOverflow(a, b uintptr) (uintptr, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	return p, p/b == a
}

// newArray makes a new array of 2^B regular buckets and its spare
// overflow buckets the current one, with a list for the overflow buckets
// its chains will allocate. The caller keeps the previous array if it
// needs it.
func (m *Map[K, V]) newArray(B uint8) {
	n := grow.ArrayLen(B, unsafe.Sizeof(bucket.Bucket[K, V]{}), !m.hasPointers)
	m.buckets, m.nextSpare = make([]bucket.Bucket[K, V], n), uintptr(1)<<B
	m.overflow = nil
	if B > 0 {
		m.overflow = new([]*bucket.Bucket[K, V])
	}
}

// hash hashes *key with the map's seed. The pointer does not escape.
func (m *Map[K, V]) hash(key *K) uintptr {
	return m.hashfn(rt.NoEscape(unsafe.Pointer(key)), uintptr(m.seed))
}

// setB makes the table's size 2^B regular buckets as far as the header
// goes: B and the growth thresholds that depend on it.
func (m *Map[K, V]) setB(B uint8) {
	m.logB = B
	m.maxLoad = m.policy.MaxCount(B)
	m.ovfLimit = m.policy.OverflowLimit(B)
}

// bucketMask returns the mask that takes a hash to its bucket's index.
// (logB is below 64, and saying so spares the shift a range check.)
func (m *Map[K, V]) bucketMask() uintptr { return uintptr(1)<<(m.logB&63) - 1 }

// growing reports whether a growth is in progress.
func (m *Map[K, V]) growing() bool { return m.oldbuckets != nil }

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
// hash that panics must not leave the mark behind).
func (m *Map[K, V]) beginWrite() {
	m.count |= writing
}

// endWrite clears the mark, checking that no other write cleared it first.
func (m *Map[K, V]) endWrite() {
	if m.count >= 0 {
		panic(errWrites)
	}
	m.count &^= writing
	if debugInvariants {
		m.mustCheckInvariants()
	}
}

// reseed draws a new hash seed; the map must be empty.
func (m *Map[K, V]) reseed(byClear bool) {
	old := m.seed
	m.seed = uint32(m.source.Next())
	m.events.Reseeds++
	if m.traces(evReseed) {
		m.emit(event{kind: evReseed, reseed: ReseedEvent{Old: old, New: m.seed, Clear: byClear}})
	}
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
