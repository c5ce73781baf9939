//go:build !go1.24

// This file compares hmap with the live builtin map of the Go 1.23
// toolchain, whose map is the classic hmap that package table reproduces.
// The builtin map's internals are read through unsafe, using mirrors of the
// runtime's header and type descriptor, so it only builds before Go 1.24
// (whose builtin map is a different design).
//
// Run it with: GOTOOLCHAIN=go1.23.12 go test ./table -run RuntimeDiff

package table

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/hash"
)

// rtHmap has the layout of the Go 1.23 runtime's map header. A map value is
// a pointer to one.
type rtHmap struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
	nevacuate  uintptr
	extra      *rtMapextra
}

// rtMapextra has the layout of the runtime's optional map fields.
type rtMapextra struct {
	overflow     unsafe.Pointer // *[]*bmap, for pointer-free buckets
	oldoverflow  unsafe.Pointer // the same for the old array
	nextOverflow unsafe.Pointer // next free preallocated overflow bucket
}

// Runtime flag bits in rtHmap.flags.
const (
	rtIterator     = 1
	rtOldIterator  = 2
	rtWriting      = 4
	rtSameSizeGrow = 8
)

// rtType has the layout of Go 1.23's internal/abi.Type.
type rtType struct {
	size       uintptr
	ptrBytes   uintptr
	hash       uint32
	tflag      uint8
	align      uint8
	fieldAlign uint8
	kind       uint8
	equal      func(unsafe.Pointer, unsafe.Pointer) bool
	gcData     *byte
	str        int32
	ptrToThis  int32
}

// rtMapType has the layout of Go 1.23's internal/abi.MapType.
type rtMapType struct {
	rtType
	key, elem, bucket *rtType
	hasher            func(unsafe.Pointer, uintptr) uintptr
	keySize           uint8
	valueSize         uint8
	bucketSize        uint16
	flags             uint32
}

// rtHeader returns the header of a live map.
func rtHeader[K comparable, V any](m map[K]V) *rtHmap {
	return *(**rtHmap)(unsafe.Pointer(&m))
}

// rtTypeOf returns the runtime type descriptor of a map type: the first
// word of an interface holding the map.
func rtTypeOf[K comparable, V any](m map[K]V) *rtMapType {
	var e any = m
	return (*rtMapType)((*[2]unsafe.Pointer)(unsafe.Pointer(&e))[0])
}

// rtMakeLive makes a builtin map with a hint only known at run time (so the
// compiler calls makemap, never makemap_small), and returns it so that it
// lives on the heap.
//
//go:noinline
func rtMakeLive[K comparable, V any](hint int) map[K]V {
	return make(map[K]V, hint)
}

// rtDiffConfig describes one key/elem type under test. put, del and clr
// are written for the concrete map type, so that the compiler picks the
// same runtime entry points (mapassign_fast64, mapassign_faststr, generic
// mapassign, ...) as ordinary code would.
type rtDiffConfig[K comparable, V comparable] struct {
	key func(n int) K // the key numbered n; distinct n give distinct keys
	// variant, if set, returns a key equal to k but possibly stored
	// differently (-0 for +0, another copy of a string), to check that an
	// update rewrites the stored key in both maps.
	variant func(k K, r *rand.Rand) K
	val     func(r *rand.Rand) V
	eqKey   func(a, b K) bool // exact: bits of floats, identity of strings
	eqElem  func(a, b V) bool
	put     func(m map[K]V, k K, v V)
	del     func(m map[K]V, k K)
	clr     func(m map[K]V)

	bigKeys int // distinct keys in the growth phase
}

// rtView is one bucket as both sides are compared: its tophash bytes,
// keys, elems, and whether it is a preallocated overflow bucket.
type rtView[K comparable, V any] struct {
	top   *[asm.SlotCount]uint8
	keys  *[asm.SlotCount]K
	elems *[asm.SlotCount]V
	spare bool
}

// rtSnap is what the harness remembers of the live header before an
// operation.
type rtSnap struct {
	B                   uint8
	buckets, oldbuckets unsafe.Pointer
	nevacuate           uintptr
	hash0               uint32
	count               int
	sameSize            bool
}

const (
	rtOpPut = iota
	rtOpDel
	rtOpClear
)

// rtDiff drives one hmap and one live builtin map through the same
// operations and compares their states.
type rtDiff[K comparable, V comparable] struct {
	t    *testing.T
	name string
	cfg  *rtDiffConfig[K, V]

	live map[K]V
	h    *rtHmap // live's header
	m    *Map[K, V]
	rt   hash.Runtime[K]
	size uintptr // bucket size, the same on both sides (checked)

	// arrayLen caches, per B, how many buckets (regular and spare) the
	// runtime allocates for an array of 2^B buckets of this type.
	arrayLen map[uint8]uintptr

	op      int // operations applied so far
	lastOp  int
	lastKey K
	phase   string
	pre     rtSnap
	errs    int
	fullLim int // compare every chain after every op while 2^B <= fullLim
	every   int // ... and every this many ops above

	cloneEvery int // compare clones of both maps every this many ops
	clones     int // clones compared

	// Events seen on the live map.
	growths, sameSizeGrowths, reseeds, emptied, clears int
	maxB                                               uint8

	want, got []rtView[K, V]
}

func newRTDiff[K comparable, V comparable](t *testing.T, name string, cfg *rtDiffConfig[K, V], hint int) *rtDiff[K, V] {
	t.Helper()
	d := &rtDiff[K, V]{
		t: t, name: name, cfg: cfg,
		rt:         hash.NewRuntime[K](),
		size:       unsafe.Sizeof(bucket.Bucket[K, V]{}),
		arrayLen:   map[uint8]uintptr{},
		fullLim:    64,
		every:      61,
		cloneEvery: 499,
	}
	d.live = rtMakeLive[K, V](hint)
	d.h = rtHeader(d.live)
	// The hasher: the runtime's hash function for K, under the live map's
	// seed as it is at call time. Every operation is applied to hmap
	// first, so hmap always hashes with the seed the live map is about to
	// use; in particular a delete that empties the map hashes with the
	// old seed on both sides (the runtime draws the new one after).
	// hmap's own seed is then irrelevant: the hasher ignores it.
	d.m = New[K, V](hint, WithHasher[K](hash.Func[K](func(k K, _ uint64) uint64 {
		return d.rt.Hash(k, uint64(d.h.hash0))
	})))
	d.lastOp = -1
	d.checkTypes()
	d.snapshot()
	d.maxB = d.h.B
	if !d.checkHeader() {
		t.FailNow()
	}
	d.endPhase()
	return d
}

// checkTypes verifies that the mirrors and hmap's bucket agree with the
// runtime's type descriptor for map[K]V.
func (d *rtDiff[K, V]) checkTypes() {
	t := d.t
	t.Helper()
	// The runtime's hmap: 48 bytes with 64-bit pointers, 28 with 32-bit.
	if got, want := unsafe.Sizeof(rtHmap{}), uintptr(utWidth(48, 28)); got != want {
		t.Fatalf("rtHmap is %d bytes, want %d (the runtime's hmap)", got, want)
	}
	mt := rtTypeOf(d.live)
	if mt.kind&0x1f != uint8(reflect.Map) || mt.size != unsafe.Sizeof(uintptr(0)) {
		t.Fatalf("type descriptor mirror is off: kind %d size %d", mt.kind&0x1f, mt.size)
	}
	var k K
	var v V
	if uintptr(mt.keySize) != unsafe.Sizeof(k) || uintptr(mt.valueSize) != unsafe.Sizeof(v) {
		t.Fatalf("runtime key/elem slot sizes %d/%d, want %d/%d (keys and elems stored in place)",
			mt.keySize, mt.valueSize, unsafe.Sizeof(k), unsafe.Sizeof(v))
	}
	if mt.flags&3 != 0 {
		t.Fatalf("runtime stores keys or elems indirectly (flags %#x): not comparable with hmap", mt.flags)
	}
	if uintptr(mt.bucketSize) != d.size || mt.bucket.size != d.size {
		t.Fatalf("runtime bucket size %d (type size %d), hmap's %d", mt.bucketSize, mt.bucket.size, d.size)
	}
	l := bucket.LayoutOf[K, V]()
	const ptr = unsafe.Sizeof(uintptr(0))
	// The runtime puts keys right after the 8 tophash bytes, elems right
	// after the keys, and the overflow link in the bucket's last word.
	if l.KeysOffset != 8 || l.ElemsOffset != 8+8*l.KeySize || l.OverflowOffset != d.size-ptr {
		t.Fatalf("bucket layout differs from the runtime's:\n%v", l)
	}
	if rtPtr := mt.bucket.ptrBytes != 0; rtPtr != d.m.hasPointers() {
		t.Fatalf("runtime bucket has pointers: %v; hmap's: %v", rtPtr, d.m.hasPointers())
	}
	// hash.NewRuntime must be the live map's own hash function.
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 100; i++ {
		key := d.cfg.key(r.IntN(1 << 20))
		seed := uintptr(r.Uint32())
		if got, want := uintptr(d.rt.Hash(key, uint64(seed))), mt.hasher(unsafe.Pointer(&key), seed); got != want {
			t.Fatalf("hash.NewRuntime[%T] hashes %v to %#x with seed %#x; the map type's hasher: %#x", key, key, got, seed, want)
		}
	}
}

// liveBucket returns bucket i of a live array.
func (d *rtDiff[K, V]) liveBucket(base unsafe.Pointer, i uintptr) *bucket.Bucket[K, V] {
	return (*bucket.Bucket[K, V])(unsafe.Add(base, i*d.size))
}

// liveNext returns the overflow link of a live bucket, its last word.
func (d *rtDiff[K, V]) liveNext(b *bucket.Bucket[K, V]) *bucket.Bucket[K, V] {
	return *(**bucket.Bucket[K, V])(unsafe.Add(unsafe.Pointer(b), d.size-unsafe.Sizeof(uintptr(0))))
}

// liveArrayLen returns the number of buckets the runtime allocates for an
// array of 2^B buckets of this type: 2^B, plus for B >= 4 the spare
// overflow buckets after them. It measures a fresh builtin map made for
// 2^B buckets: its free spares run from extra.nextOverflow to the last
// one, which the runtime marks with a non-nil overflow link.
func (d *rtDiff[K, V]) liveArrayLen(B uint8) uintptr {
	if B < 4 {
		return 1 << B
	}
	if n, ok := d.arrayLen[B]; ok {
		return n
	}
	probe := rtMakeLive[K, V](13 << (B - 1)) // the most entries 2^B buckets take
	ph := rtHeader(probe)
	if ph.B != B || ph.extra == nil || ph.extra.nextOverflow == nil {
		d.t.Fatalf("probe map for B=%d: B=%d, no preallocated overflow buckets", B, ph.B)
	}
	first := ph.extra.nextOverflow
	if want := unsafe.Add(ph.buckets, uintptr(1)<<B*d.size); first != want {
		d.t.Fatalf("probe map for B=%d: first spare at offset %d, want %d",
			B, uintptr(first)-uintptr(ph.buckets), uintptr(want)-uintptr(ph.buckets))
	}
	n := uintptr(1)<<B + 1
	for b := (*bucket.Bucket[K, V])(first); d.liveNext(b) == nil; b = d.liveBucket(unsafe.Pointer(b), 1) {
		n++
	}
	runtime.KeepAlive(probe)
	d.arrayLen[B] = n
	return n
}

// liveSpare reports whether live bucket b lies in the spare part of the
// array at base with 2^B regular buckets.
func (d *rtDiff[K, V]) liveSpare(base unsafe.Pointer, B uint8, b *bucket.Bucket[K, V]) bool {
	p, lo := uintptr(unsafe.Pointer(b)), uintptr(base)
	return p >= lo+uintptr(1)<<B*d.size && p < lo+d.liveArrayLen(B)*d.size
}

// liveFreeSpares returns how many preallocated overflow buckets the live
// map has not handed out yet.
func (d *rtDiff[K, V]) liveFreeSpares() int {
	h := d.h
	if h.extra == nil || h.extra.nextOverflow == nil {
		return 0
	}
	next, base := uintptr(h.extra.nextOverflow), uintptr(h.buckets)
	lo, hi := base+uintptr(1)<<h.B*d.size, base+d.liveArrayLen(h.B)*d.size
	if next < lo || next >= hi || (next-lo)%d.size != 0 {
		d.fail("live extra.nextOverflow at offset %d is not a spare of the current array [%d, %d)", next-base, lo-base, hi-base)
		return 0
	}
	return int((hi - next) / d.size)
}

func (d *rtDiff[K, V]) where() string {
	s := fmt.Sprintf("%s/%s: after op %d", d.name, d.phase, d.op)
	switch d.lastOp {
	case rtOpPut:
		s += fmt.Sprintf(" (put %#v)", d.lastKey)
	case rtOpDel:
		s += fmt.Sprintf(" (delete %#v)", d.lastKey)
	case rtOpClear:
		s += " (clear)"
	}
	return s
}

func (d *rtDiff[K, V]) fail(format string, args ...any) {
	d.t.Helper()
	d.errs++
	if d.errs <= 20 {
		d.t.Errorf("%s: %s", d.where(), fmt.Sprintf(format, args...))
	}
}

func (d *rtDiff[K, V]) snapshot() {
	h := d.h
	d.pre = rtSnap{
		B: h.B, buckets: h.buckets, oldbuckets: h.oldbuckets, nevacuate: h.nevacuate,
		hash0: h.hash0, count: h.count, sameSize: h.flags&rtSameSizeGrow != 0,
	}
}

// put applies m[k] = v to both maps, hmap first, and compares.
func (d *rtDiff[K, V]) put(k K, v V) {
	hv := uintptr(d.rt.Hash(k, uint64(d.h.hash0))) // the hash both maps use
	d.m.Put(k, v)
	d.cfg.put(d.live, k, v)
	d.after(rtOpPut, k, hv)
	if got, ok := d.m.Get(k); !ok || !d.cfg.eqElem(got, v) {
		d.fail("hmap Get = %#v, %v; want %#v, true", got, ok, v)
	}
}

// del applies delete(m, k) to both maps, hmap first, and compares.
func (d *rtDiff[K, V]) del(k K) {
	hv := uintptr(d.rt.Hash(k, uint64(d.h.hash0)))
	d.m.Delete(k)
	d.cfg.del(d.live, k)
	d.after(rtOpDel, k, hv)
	if got, ok := d.m.Get(k); ok {
		d.fail("hmap Get of a deleted key = %#v, true", got)
	}
}

// clear applies clear(m) to both maps and compares.
func (d *rtDiff[K, V]) clear() {
	d.m.Clear()
	d.cfg.clr(d.live)
	var zero K
	d.after(rtOpClear, zero, 0)
}

// after records what the operation did to the live map and compares the
// two maps: the header always; every chain if the table is small, the
// operation started a growth or cleared the map, or every d.every ops;
// otherwise the chains the operation can have changed.
func (d *rtDiff[K, V]) after(op int, k K, hv uintptr) {
	d.t.Helper()
	d.op++
	d.lastOp, d.lastKey = op, k
	h, pre := d.h, d.pre

	newArray := h.buckets != pre.buckets && pre.buckets != nil && op != rtOpClear
	if newArray {
		d.growths++
		if h.B == pre.B {
			d.sameSizeGrowths++
		}
	}
	if h.hash0 != pre.hash0 {
		d.reseeds++
	}
	if op == rtOpDel && pre.count == 1 && h.count == 0 {
		d.emptied++
	}
	if op == rtOpClear && pre.count > 0 {
		d.clears++
	}
	if h.B > d.maxB {
		d.maxB = h.B
	}
	if !d.checkHeader() {
		d.t.FailNow()
	}

	full := op == rtOpClear || newArray || h.buckets != pre.buckets ||
		uintptr(1)<<h.B <= uintptr(d.fullLim) || d.op%d.every == 0
	if full {
		d.compareAll()
	} else {
		d.compareDirty(hv)
	}
	if d.op%d.cloneEvery == 0 {
		d.checkClone()
	}
	if d.errs > 0 {
		d.t.FailNow()
	}
	d.snapshot()
}

// compareDirty compares the chains an insert or delete of a key with hash
// hv can have changed, given that it did not start a growth: the key's
// bucket, and if a growth was under way, the old buckets it evacuated (the
// key's own and those from the evacuation mark on) and their X and Y
// destinations.
func (d *rtDiff[K, V]) compareDirty(hv uintptr) {
	h, pre := d.h, d.pre
	d.compareChain(false, hv&(uintptr(1)<<h.B-1))
	if pre.oldbuckets == nil {
		return
	}
	oldN := uintptr(1) << pre.B
	if !pre.sameSize {
		oldN >>= 1
	}
	end := h.nevacuate
	if h.oldbuckets == nil {
		end = oldN
	}
	visit := func(o uintptr) {
		if h.oldbuckets != nil {
			d.compareChain(true, o)
		}
		d.compareChain(false, o)
		if !pre.sameSize {
			d.compareChain(false, o+oldN)
		}
	}
	own := hv & (oldN - 1)
	if own < pre.nevacuate || own > end {
		visit(own)
	}
	for o := pre.nevacuate; o <= end && o < oldN; o++ {
		visit(o)
	}
}

// checkHeader compares the header fields and reports whether they match.
func (d *rtDiff[K, V]) checkHeader() bool {
	h, s := d.h, d.m.Stats()
	errs := d.errs
	if h.count != len(d.live) {
		d.fail("mirror broken: live header count %d, len %d", h.count, len(d.live))
	}
	if s.Count != h.count {
		d.fail("count: hmap %d, runtime %d", s.Count, h.count)
	}
	if s.B != h.B {
		d.fail("B: hmap %d, runtime %d", s.B, h.B)
	}
	if h.B < 16 && s.Noverflow != h.noverflow {
		d.fail("noverflow: hmap %d, runtime %d", s.Noverflow, h.noverflow)
	}
	if s.Growing != (h.oldbuckets != nil) {
		d.fail("growing: hmap %v, runtime %v", s.Growing, h.oldbuckets != nil)
	}
	if rtSame := h.flags&rtSameSizeGrow != 0; s.SameSizeGrow != rtSame {
		d.fail("same-size growth: hmap %v, runtime %v", s.SameSizeGrow, rtSame)
	}
	if uintptr(s.Nevacuate) != h.nevacuate {
		d.fail("nevacuate: hmap %d, runtime %d", s.Nevacuate, h.nevacuate)
	}
	if h.flags&(rtIterator|rtOldIterator|rtWriting) != 0 || s.Iterator || s.OldIterator {
		d.fail("unexpected flags: runtime %#x, hmap iterator %v/%v", h.flags, s.Iterator, s.OldIterator)
	}
	if (h.buckets == nil) != (d.m.buckets == nil) {
		d.fail("bucket array allocated: hmap %v, runtime %v", d.m.buckets != nil, h.buckets != nil)
	}
	liveN := 0
	if h.buckets != nil {
		liveN = 1 << h.B
	}
	if s.Buckets != liveN {
		d.fail("regular buckets: hmap %d, runtime %d", s.Buckets, liveN)
	}
	if h.oldbuckets != nil {
		n := 1 << h.B
		if h.flags&rtSameSizeGrow == 0 {
			n >>= 1
		}
		if s.OldBuckets != n {
			d.fail("old buckets: hmap %d, runtime %d", s.OldBuckets, n)
		}
	}
	if d.errs == errs && h.buckets != nil {
		// The arrays themselves: regular plus spare buckets.
		if got, want := uintptr(len(d.m.array())), d.liveArrayLen(h.B); got != want {
			d.fail("bucket array of 2^%d: hmap allocated %d buckets, runtime %d", h.B, got, want)
		}
		if free := d.liveFreeSpares(); s.SpareBuckets != free {
			d.fail("free preallocated overflow buckets: hmap %d, runtime %d", s.SpareBuckets, free)
		}
	}
	return d.errs == errs
}

// compareAll compares every chain of both arrays.
func (d *rtDiff[K, V]) compareAll() {
	h := d.h
	if h.buckets == nil {
		return
	}
	for i := uintptr(0); i < uintptr(1)<<h.B; i++ {
		d.compareChain(false, i)
	}
	if h.oldbuckets != nil {
		for i := uintptr(0); i < d.m.noldbuckets(); i++ {
			d.compareChain(true, i)
		}
	}
}

// liveChain collects chain i of the live current (old false) or old array
// into d.want.
func (d *rtDiff[K, V]) liveChain(old bool, i uintptr) {
	h := d.h
	base, B := h.buckets, h.B
	if old {
		base = h.oldbuckets
		if h.flags&rtSameSizeGrow == 0 {
			B--
		}
	}
	d.want = d.want[:0]
	for b := d.liveBucket(base, i); b != nil; b = d.liveNext(b) {
		d.want = append(d.want, rtView[K, V]{&b.Tophash, &b.Keys, &b.Elems, len(d.want) > 0 && d.liveSpare(base, B, b)})
		if len(d.want) > 1<<20 {
			d.fail("live chain %d does not end", i)
			return
		}
	}
}

// compareChain compares chain i of the current (old false) or old array,
// reading hmap's buckets directly.
func (d *rtDiff[K, V]) compareChain(old bool, i uintptr) {
	d.liveChain(old, i)
	arr, n := d.m.array(), 1<<d.m.logB
	if old {
		arr, n = d.m.oldArray(), int(d.m.noldbuckets())
	}
	d.got = d.got[:0]
	if i < uintptr(n) && i < uintptr(len(arr)) {
		for b := &arr[i]; b != nil; b = b.Overflow() {
			d.got = append(d.got, rtView[K, V]{&b.Tophash, &b.Keys, &b.Elems, isSpare(arr, n, b)})
			if len(d.got) > 1<<20 {
				d.fail("hmap chain %d does not end", i)
				return
			}
		}
	}
	d.compareViews(old, i)
}

// compareViews compares d.got (hmap) with d.want (runtime) for chain i.
func (d *rtDiff[K, V]) compareViews(old bool, i uintptr) {
	which := "bucket"
	if old {
		which = "old bucket"
	}
	if len(d.got) != len(d.want) {
		d.fail("%s %d: chain length: hmap %d, runtime %d", which, i, len(d.got), len(d.want))
		return
	}
	for j := range d.want {
		g, w := d.got[j], d.want[j]
		if *g.top != *w.top {
			d.fail("%s %d, chain position %d: tophash: hmap %v, runtime %v", which, i, j, *g.top, *w.top)
			return
		}
		if g.spare != w.spare {
			d.fail("%s %d, chain position %d: preallocated overflow bucket: hmap %v, runtime %v", which, i, j, g.spare, w.spare)
		}
		for s, top := range w.top {
			if top < asm.MinTopHash {
				continue
			}
			if !d.cfg.eqKey(g.keys[s], w.keys[s]) {
				how := ""
				if g.keys[s] == w.keys[s] {
					how = " (equal keys, stored differently: the key was not rewritten on update?)"
				}
				d.fail("%s %d, chain position %d, slot %d: key: hmap %#v, runtime %#v%s", which, i, j, s, g.keys[s], w.keys[s], how)
			}
			if !d.cfg.eqElem(g.elems[s], w.elems[s]) {
				d.fail("%s %d, chain position %d, slot %d (key %#v): elem: hmap %#v, runtime %#v", which, i, j, s, w.keys[s], g.elems[s], w.elems[s])
			}
		}
	}
}

// checkInspect compares the whole table through hmap's public inspection
// API, Inspect, rather than its internals.
func (d *rtDiff[K, V]) checkInspect() {
	d.t.Helper()
	v := d.m.Inspect()
	h := d.h
	liveN := 0
	if h.buckets != nil {
		liveN = 1 << h.B
	}
	if len(v.Buckets) != liveN || v.Count != h.count || v.B != h.B || v.Nevacuate != int(h.nevacuate) {
		d.fail("Inspect: %d chains, count %d, B %d, nevacuate %d; runtime %d, %d, %d, %d",
			len(v.Buckets), v.Count, v.B, v.Nevacuate, liveN, h.count, h.B, h.nevacuate)
		d.t.FailNow()
	}
	cmp := func(old bool, chains []Chain[K, V]) {
		for i := range chains {
			d.liveChain(old, uintptr(i))
			d.got = d.got[:0]
			for j := range chains[i] {
				bv := &chains[i][j]
				d.got = append(d.got, rtView[K, V]{&bv.Tophash, &bv.Keys, &bv.Elems, bv.Spare})
			}
			d.compareViews(old, uintptr(i))
		}
	}
	cmp(false, v.Buckets)
	if (v.OldBuckets != nil) != (h.oldbuckets != nil) {
		d.fail("Inspect: old buckets present %v, runtime %v", v.OldBuckets != nil, h.oldbuckets != nil)
	} else if h.oldbuckets != nil {
		if len(v.OldBuckets) != int(d.m.noldbuckets()) {
			d.fail("Inspect: %d old chains, want %d", len(v.OldBuckets), d.m.noldbuckets())
		}
		cmp(true, v.OldBuckets)
	}
	if d.errs > 0 {
		d.t.FailNow()
	}
}

// endPhase compares everything, through both paths.
func (d *rtDiff[K, V]) endPhase() {
	d.t.Helper()
	d.compareAll()
	if d.errs > 0 {
		d.t.FailNow()
	}
	d.checkInspect()
	d.checkClone()
}

// checkClone copies both maps, the live one with maps.Clone and hmap's
// with Clone, and compares the copies as it compares the maps: header,
// arrays and every chain.
func (d *rtDiff[K, V]) checkClone() {
	d.t.Helper()
	c := &rtDiff[K, V]{
		t: d.t, name: d.name + "/clone", cfg: d.cfg, rt: d.rt, size: d.size,
		arrayLen: d.arrayLen, op: d.op, lastOp: d.lastOp, lastKey: d.lastKey, phase: d.phase,
	}
	c.live = maps.Clone(d.live)
	c.h = rtHeader(c.live)
	c.m = d.m.Clone()
	if c.checkHeader() {
		c.compareAll()
	}
	d.clones++
	if c.errs > 0 {
		d.t.FailNow()
	}
}

// rtKeySet tracks which key numbers are in the maps, for picking random
// present keys.
type rtKeySet struct {
	keys []int
	pos  map[int]int
}

func newRTKeySet() *rtKeySet { return &rtKeySet{pos: map[int]int{}} }

func (s *rtKeySet) has(n int) bool { _, ok := s.pos[n]; return ok }

func (s *rtKeySet) add(n int) {
	if !s.has(n) {
		s.pos[n] = len(s.keys)
		s.keys = append(s.keys, n)
	}
}

func (s *rtKeySet) remove(n int) {
	i, ok := s.pos[n]
	if !ok {
		return
	}
	last := s.keys[len(s.keys)-1]
	s.keys[i] = last
	s.pos[last] = i
	s.keys = s.keys[:len(s.keys)-1]
	delete(s.pos, n)
}

func (s *rtKeySet) random(r *rand.Rand) int { return s.keys[r.IntN(len(s.keys))] }

func (s *rtKeySet) reset() {
	s.keys = s.keys[:0]
	clear(s.pos)
}

// rtDriver runs operation sequences on an rtDiff, tracking the keys.
type rtDriver[K comparable, V comparable] struct {
	d    *rtDiff[K, V]
	r    *rand.Rand
	set  *rtKeySet
	next int // next fresh key number
}

func (x *rtDriver[K, V]) key(n int) K {
	k := x.d.cfg.key(n)
	if x.d.cfg.variant != nil && x.r.IntN(2) == 0 {
		k = x.d.cfg.variant(k, x.r)
	}
	return k
}

func (x *rtDriver[K, V]) putNew() {
	n := x.next
	x.next++
	x.d.put(x.key(n), x.d.cfg.val(x.r))
	x.set.add(n)
}

func (x *rtDriver[K, V]) update() {
	if x.r.IntN(4) == 0 {
		// Key number 0 is a hot key (the float keys' zero, which the
		// variant stores as +0 or -0): put it, present or not.
		x.d.put(x.key(0), x.d.cfg.val(x.r))
		x.set.add(0)
		return
	}
	if len(x.set.keys) == 0 {
		x.putNew()
		return
	}
	x.d.put(x.key(x.set.random(x.r)), x.d.cfg.val(x.r))
}

func (x *rtDriver[K, V]) delPresent() {
	if len(x.set.keys) == 0 {
		x.delAbsent()
		return
	}
	n := x.set.random(x.r)
	x.d.del(x.key(n))
	x.set.remove(n)
}

func (x *rtDriver[K, V]) delAbsent() {
	x.d.del(x.key(x.next + 1 + x.r.IntN(1000)))
}

func (x *rtDriver[K, V]) clear() {
	x.d.clear()
	x.set.reset()
}

// mixed runs n random operations with the given per-mille weights of new
// inserts, updates, deletes of present keys and deletes of absent keys
// (the rest, if any, are clears).
func (x *rtDriver[K, V]) mixed(n int, putNew, update, delPresent, delAbsent int) {
	for range n {
		c := x.r.IntN(1000)
		switch {
		case c < putNew:
			x.putNew()
		case c < putNew+update:
			x.update()
		case c < putNew+update+delPresent:
			x.delPresent()
		case c < putNew+update+delPresent+delAbsent:
			x.delAbsent()
		default:
			x.clear()
		}
	}
}

func (d *rtDiff[K, V]) logSummary() {
	d.t.Logf("%s: %d ops, max B %d, %d growths (%d same-size), %d emptied by delete, %d clears, %d seed changes, %d clones compared",
		d.name, d.op, d.maxB, d.growths, d.sameSizeGrowths, d.emptied, d.clears, d.reseeds, d.clones)
}

// runRuntimeDiff runs the operation sequences for one key/elem type.
func runRuntimeDiff[K comparable, V comparable](t *testing.T, cfg *rtDiffConfig[K, V], seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))

	// Phase 1: grow far, with updates and deletes along the way; empty
	// the map by deletes; refill; clear; refill and clear at random.
	d := newRTDiff(t, "grow", cfg, 0)
	x := &rtDriver[K, V]{d: d, r: r, set: newRTKeySet()}
	d.phase = "grow"
	for len(x.set.keys) < cfg.bigKeys {
		x.mixed(1, 850, 80, 50, 20)
	}
	d.endPhase()
	d.phase = "shrink"
	x.mixed(cfg.bigKeys/2, 100, 100, 800, 0)
	d.phase = "empty"
	for len(x.set.keys) > 0 {
		x.delPresent()
	}
	x.delAbsent() // on an empty map
	d.endPhase()
	d.phase = "refill"
	x.mixed(cfg.bigKeys/3, 900, 50, 50, 0)
	d.phase = "clear"
	x.clear()
	x.clear() // already empty
	d.endPhase()
	d.phase = "after-clear"
	x.mixed(cfg.bigKeys/4, 700, 100, 150, 49) // ~1 clear per 1000 ops
	d.endPhase()
	if d.emptied == 0 || d.clears == 0 || d.maxB < 10 {
		t.Errorf("grow phase did not exercise enough: max B %d, emptied %d, clears %d", d.maxB, d.emptied, d.clears)
	}
	d.logSummary()

	// Phase 2: steady size with churn (delete a key, insert a fresh
	// one). Holes left in overflow buckets make chains longer until the
	// runtime starts a same-size growth; do it at a few sizes.
	// The count stays at size, just under the load factor, so the table
	// never doubles. The first same-size growth typically comes after
	// about 10*size rounds (at most about 30*size in trials).
	for _, size := range []int{100, 400, 1600} {
		d := newRTDiff(t, fmt.Sprintf("churn%d", size), cfg, 0)
		x := &rtDriver[K, V]{d: d, r: r, set: newRTKeySet()}
		d.phase = "fill"
		for len(x.set.keys) < size {
			x.putNew()
		}
		d.phase = "churn"
		for i := 0; i < 100*size && d.sameSizeGrowths < 2; i++ {
			x.delPresent()
			x.putNew()
			if i%50 == 0 {
				// An update of a present key, keeping the count.
				x.d.put(x.key(x.set.random(r)), cfg.val(r))
			}
		}
		// And run on through the growth it may have started.
		x.mixed(size/2, 500, 0, 500, 0)
		d.endPhase()
		d.logSummary()
		if d.sameSizeGrowths == 0 {
			t.Errorf("churn at size %d: no same-size growth observed in the runtime map", size)
		}
	}

	// Phase 3: a small key space hammered with everything, clears
	// included, so that growths, deletes during growth and emptying
	// interleave in many ways.
	d = newRTDiff(t, "small", cfg, 0)
	x = &rtDriver[K, V]{d: d, r: r, set: newRTKeySet()}
	d.phase = "mixed"
	for round := range 20 {
		x.mixed(300, 450, 100, 400, 49)
		for len(x.set.keys) > 0 && round%3 == 0 {
			x.delPresent()
		}
	}
	d.endPhase()
	d.logSummary()
}

// Key and elem types under test.

type rtStructKey struct {
	a int32
	b string
}

func rtSameString(a, b string) bool {
	return a == b && unsafe.StringData(a) == unsafe.StringData(b)
}

func rtKeyString(n int) string {
	return strings.Repeat("k", n%11) + strconv.Itoa(n)
}

func rtInt64Config() *rtDiffConfig[int64, int64] {
	return &rtDiffConfig[int64, int64]{
		key:     func(n int) int64 { return int64(n)*0x9e3779b1 - 1<<40 },
		val:     func(r *rand.Rand) int64 { return r.Int64() },
		eqKey:   func(a, b int64) bool { return a == b },
		eqElem:  func(a, b int64) bool { return a == b },
		put:     func(m map[int64]int64, k, v int64) { m[k] = v },
		del:     func(m map[int64]int64, k int64) { delete(m, k) },
		clr:     func(m map[int64]int64) { clear(m) },
		bigKeys: 14000, // B reaches 12
	}
}

func rtStringConfig() *rtDiffConfig[string, int64] {
	return &rtDiffConfig[string, int64]{
		key: rtKeyString,
		// A copy with its own bytes: equal, stored differently.
		variant: func(k string, _ *rand.Rand) string { return strings.Clone(k) },
		val:     func(r *rand.Rand) int64 { return r.Int64() },
		eqKey:   rtSameString,
		eqElem:  func(a, b int64) bool { return a == b },
		put:     func(m map[string]int64, k string, v int64) { m[k] = v },
		del:     func(m map[string]int64, k string) { delete(m, k) },
		clr:     func(m map[string]int64) { clear(m) },
		bigKeys: 7000, // B reaches 11
	}
}

func rtStructConfig() *rtDiffConfig[rtStructKey, string] {
	return &rtDiffConfig[rtStructKey, string]{
		key: func(n int) rtStructKey { return rtStructKey{int32(n % 97), rtKeyString(n / 97 * 97)} },
		variant: func(k rtStructKey, _ *rand.Rand) rtStructKey {
			return rtStructKey{k.a, strings.Clone(k.b)}
		},
		val:     func(r *rand.Rand) string { return strconv.Itoa(r.IntN(1000)) },
		eqKey:   func(a, b rtStructKey) bool { return a.a == b.a && rtSameString(a.b, b.b) },
		eqElem:  rtSameString,
		put:     func(m map[rtStructKey]string, k rtStructKey, v string) { m[k] = v },
		del:     func(m map[rtStructKey]string, k rtStructKey) { delete(m, k) },
		clr:     func(m map[rtStructKey]string) { clear(m) },
		bigKeys: 5000, // B reaches 10
	}
}

func rtFloat64Config() *rtDiffConfig[float64, int64] {
	return &rtDiffConfig[float64, int64]{
		// Multiples of 1/4 around 0, +0 among them; never NaN.
		key: func(n int) float64 {
			if n%2 == 0 {
				return float64(n/2) * 0.25
			}
			return -float64(n/2+1) * 0.25
		},
		// -0 for +0 (equal keys, different bits): the stored key must be
		// the last one written, in both maps.
		variant: func(k float64, r *rand.Rand) float64 {
			if k == 0 && r.IntN(2) == 0 {
				return math.Copysign(0, -1)
			}
			return k
		},
		val:     func(r *rand.Rand) int64 { return r.Int64() },
		eqKey:   func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) },
		eqElem:  func(a, b int64) bool { return a == b },
		put:     func(m map[float64]int64, k float64, v int64) { m[k] = v },
		del:     func(m map[float64]int64, k float64) { delete(m, k) },
		clr:     func(m map[float64]int64) { clear(m) },
		bigKeys: 7000,
	}
}

func TestRuntimeDiffInt64(t *testing.T) {
	t.Parallel()
	runRuntimeDiff(t, rtInt64Config(), 1)
}

func TestRuntimeDiffString(t *testing.T) {
	t.Parallel()
	runRuntimeDiff(t, rtStringConfig(), 2)
}

func TestRuntimeDiffStruct(t *testing.T) {
	t.Parallel()
	runRuntimeDiff(t, rtStructConfig(), 3)
}

func TestRuntimeDiffFloat64(t *testing.T) {
	t.Parallel()
	runRuntimeDiff(t, rtFloat64Config(), 4)
}

// TestRuntimeDiffHint compares maps made with a size hint: B, the bucket
// array (regular and preallocated overflow buckets), and then, filling the
// table up to its load factor, the order in which overflow buckets come
// from the preallocated ones and then from new allocations.
func TestRuntimeDiffHint(t *testing.T) {
	t.Parallel()
	hints := []int{0, 8, 9, 13, 14, 100, 1000, 100000}
	if DebugInvariants {
		// With -tags hmapdebug every write checks the whole table, and
		// filling 16384 buckets that way takes longer than the test
		// timeout; the default build runs the large hint.
		hints = hints[:len(hints)-1]
	}
	t.Run("int64", func(t *testing.T) { runRTHintDiff(t, rtInt64Config(), hints) })
	t.Run("string", func(t *testing.T) { runRTHintDiff(t, rtStringConfig(), hints) })
	t.Run("struct", func(t *testing.T) { runRTHintDiff(t, rtStructConfig(), hints) })
}

func runRTHintDiff[K comparable, V comparable](t *testing.T, cfg *rtDiffConfig[K, V], hints []int) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, hint := range hints {
		d := newRTDiff(t, fmt.Sprintf("hint%d", hint), cfg, hint)
		d.phase = "new"
		d.fullLim, d.every = 64, 1009
		// newRTDiff has compared the header: B, buckets, spares.
		B := d.h.B
		spares := d.m.Stats().SpareBuckets
		if (d.h.buckets == nil) != (B == 0) {
			t.Errorf("hint %d: runtime B %d, buckets allocated %v", hint, B, d.h.buckets != nil)
		}
		if B < 4 && spares != 0 {
			t.Errorf("hint %d: B %d with %d spare buckets", hint, B, spares)
		}

		// Fill to the load factor without growing. Count overflow buckets
		// as the runtime links them: from its spares, then allocated.
		x := &rtDriver[K, V]{d: d, r: r, set: newRTKeySet()}
		d.phase = "fill"
		limit := d.m.policy().MaxCount(B)
		fromSpares, allocated, inOrderErr := 0, 0, false
		for d.h.count < limit {
			freeBefore := d.liveFreeSpares()
			novBefore := d.h.noverflow
			x.putNew()
			if d.h.B != B {
				t.Fatalf("hint %d: grew from B %d at count %d", hint, B, d.h.count)
			}
			if d.h.noverflow != novBefore {
				if d.liveFreeSpares() < freeBefore {
					fromSpares++
					if allocated > 0 {
						inOrderErr = true
					}
				} else {
					allocated++
				}
			}
		}
		d.endPhase()
		if inOrderErr {
			t.Errorf("hint %d: runtime took a spare after allocating an overflow bucket", hint)
		}
		if allocated > 0 && fromSpares != spares {
			t.Errorf("hint %d: %d spares handed out before the first allocation, want all %d", hint, fromSpares, spares)
		}
		t.Logf("hint %d: B %d, %d buckets + %d spares; filled to %d: %d overflow buckets from spares, %d allocated",
			hint, B, 1<<B, spares, d.h.count, fromSpares, allocated)
	}
}
