package hash

import (
	"math"
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/hmaplab/hmap/internal/rt"
	"github.com/zeebo/xxh3"
)

// Seeded is a reproducible hasher for every comparable key type: for the
// same key and seed it returns the same hash in every process, every run and
// on every platform (32- or 64-bit, little- or big-endian), where [Runtime]
// changes from one process to the next and [XXH3] takes only strings.
//
// It hashes a key's values, never its memory, so that neither padding nor
// byte order nor word size can change the result. A key is read as the
// sequence of its scalars: a struct's fields in order, blank (_) fields
// skipped as == skips them, and an array's elements. Each scalar becomes
// 64-bit words:
//
//   - a signed integer, sign-extended, and an unsigned one, zero-extended,
//     so that an int and an int64 holding the same value hash alike on
//     every word size; a bool is 0 or 1;
//   - a float as the bits of its float64 value, with -0 read as +0 so that
//     equal keys hash alike; a complex number as its two floats;
//   - a string as the XXH3-64 hash of its bytes under the seed, then its
//     length, so that moving a byte across the boundary of two adjacent
//     strings changes the hash;
//   - a pointer, channel or unsafe.Pointer as its address;
//   - an interface as one word naming its dynamic type (a fixed word for a
//     nil interface), then the dynamic value's words by these same rules.
//     The type is named by its package path and name if it has a name, by
//     its type literal (reflect.Type's String) otherwise, so that an int
//     and an int64 in an interface, which are not equal, hash apart.
//
// The words are folded into a state drawn from the seed, each by an xor
// and a full-avalanche bijective mixer (Evensen's moremur: two multiplies
// and three xor-shifts), so that every bit of the result depends on every
// bit of the key: the low bits that pick a bucket as much as the top eight
// that make the tophash. The state is an invertible function of
// the seed and each step is a bijection, so a different seed always gives
// a different hash for a key made of one word, and two keys that differ
// only in one integer field never collide.
//
// Exceptions:
//
//   - Addresses differ from one process to the next, so keys holding
//     pointers, channels or unsafe.Pointers hash alike when equal but are
//     not reproducible across processes.
//   - A NaN is not equal to itself, so the [Hasher] contract lets its hash
//     be anything; the runtime makes it random so that many NaN keys spread
//     over the buckets. Seeded does the same reproducibly: the n-th NaN
//     hashed in a process (counting every NaN any Seeded hasher meets, in
//     any key, either part of a complex number included) is read as the
//     n-th word of a fixed sequence drawn from the seed. A single
//     goroutine's run therefore replays exactly; concurrent hashing of NaNs
//     interleaves the sequence.
//   - Distinct types with the same name (local types declared in two
//     functions of one package, or one struct literal with unexported
//     fields in two packages) name the same interface word. Their values
//     are never equal, so this costs at most a collision.
//
// An interface whose dynamic type cannot be hashed (a slice, map or
// function, or a struct or array holding one) panics with the runtime's
// own error, as indexing a builtin map with the key does: under Go 1.23,
// "runtime error: hash of unhashable type []int" (later toolchains word
// it "hash of unhashable type: []int").
//
// NewSeeded compiles K's layout once, by reflection, into a plan that Hash
// follows without reflection or allocation; a key of one integer or one
// string takes a direct path. The zero Seeded is valid too, but looks its
// plan up on every call. Interfaces look the dynamic type's plan up in a
// cache, remembering the last type seen at each place in the key.
type Seeded[K comparable] struct {
	p *plan
}

// NewSeeded returns the seeded hasher for K, with K's plan compiled.
func NewSeeded[K comparable]() Seeded[K] {
	return Seeded[K]{p: planFor[K]()}
}

// Hash returns the hash of key under seed.
func (h Seeded[K]) Hash(key K, seed uint64) uint64 {
	p := h.p
	if p == nil {
		p = planFor[K]()
	}
	k := rt.NoEscape(unsafe.Pointer(&key))
	x := start(seed)
	// A key of one integer or one string (a named one, or one inside a
	// struct or array of one) needs no walk over the plan.
	v := unsafe.Add(k, p.off)
	switch p.fast {
	case opInt8:
		return mix(x ^ uint64(*(*int8)(v)))
	case opInt16:
		return mix(x ^ uint64(*(*int16)(v)))
	case opInt32:
		return mix(x ^ uint64(*(*int32)(v)))
	case opInt64:
		return mix(x ^ uint64(*(*int64)(v)))
	case opUint8:
		return mix(x ^ uint64(*(*uint8)(v)))
	case opUint16:
		return mix(x ^ uint64(*(*uint16)(v)))
	case opUint32:
		return mix(x ^ uint64(*(*uint32)(v)))
	case opUint64:
		return mix(x ^ *(*uint64)(v))
	case opString:
		s := *(*string)(v)
		return mix(mix(x^xxh3.HashStringSeed(s, seed)) ^ uint64(len(s)))
	}
	r, ok := walk(p.steps, k, x, seed)
	if !ok {
		// An interface in the key holds an unhashable type. The builtin
		// map's key check panics with the runtime's own error for it.
		rt.CheckHashable(key)
		panic("hash: Seeded: unhashable key of type " + reflect.TypeFor[K]().String())
	}
	return r
}

// Mixing constants. seedMul is odd, so start is a bijection of the seed;
// mulA and mulB are moremur's multipliers; nanStep is 2^64 divided by the
// golden ratio, the usual Weyl-sequence increment.
const (
	seedMul = 0x9e3779b97f4a7c15
	mulA    = 0x3c79ac492ba7b653
	mulB    = 0x1c69b3f74ac4ae35
	nanStep = 0x9e3779b97f4a7c15
)

// start turns the seed into the initial state. It is a bijection, so
// distinct seeds start distinct states; the multiply spreads nearby seeds
// far apart, so that the keys 0..n under seed 1 are not those under seed 0
// shifted by an xor.
func start(seed uint64) uint64 {
	return (seed ^ 0x243f6a8885a308d3) * seedMul
}

// mix is Pelle Evensen's moremur, a bijective 64-bit finalizer in which
// every input bit affects every output bit: sequential integers come out
// evenly spread in both the low bits and the top byte.
func mix(x uint64) uint64 {
	x ^= x >> 27
	x *= mulA
	x ^= x >> 33
	x *= mulB
	x ^= x >> 27
	return x
}

// nanCount counts the NaNs hashed in this process: the n-th draws the n-th
// word of the NaN sequence.
var nanCount atomic.Uint64

// floatWord is the word a float hashes as: its float64 bits, with ±0 alike
// and each NaN the next word of a sequence that depends on the seed.
func floatWord(f float64, seed uint64) uint64 {
	switch {
	case f == 0:
		return 0
	case f != f:
		return mix(nanCount.Add(1)*nanStep ^ seed)
	}
	return math.Float64bits(f)
}

// nilWord is the word a nil interface hashes as. A dynamic type's word is
// the XXH3 hash of its name, which is practically never zero.
const nilWord = 0

// op says how to read one scalar of a key, or what else a step does.
type op uint8

const (
	opWalk op = iota // as plan.fast: follow the steps
	opInt8
	opInt16
	opInt32
	opInt64
	opUint8 // also bool, whose byte is 0 or 1
	opUint16
	opUint32
	opUint64
	opString
	opUintptr // also pointers, channels and unsafe.Pointer: the address
	opFloat32
	opFloat64
	opComplex64
	opComplex128
	opEface  // an empty interface: type word, data word
	opIface  // a non-empty interface: itab word, data word
	opRepeat // an array too long to unroll: sub, n times, stride apart
)

// step reads one scalar at off bytes into the value, or repeats a sub-plan
// over an array's elements, or hashes an interface's dynamic value.
type step struct {
	op     op
	off    uintptr
	n      int     // opRepeat: the element count
	stride uintptr // opRepeat: the element size
	sub    []step  // opRepeat: the element's steps, from its start
	// last remembers, for an interface step, the dynamic type it met last,
	// so that a key whose interfaces keep one dynamic type (the common
	// case) skips the cache lookup. Copies of a step share it.
	last *atomic.Pointer[dynPlan]
}

// plan is a compiled key type: its steps, and, when they are one integer
// or one string, that scalar's op and offset for Hash's direct path.
type plan struct {
	steps []step
	fast  op
	off   uintptr
}

// unrollMax bounds the steps an array unrolls into; longer arrays loop.
const unrollMax = 16

// walk folds the words of the value at base, described by steps, into the
// state h. It reports false if an interface holds an unhashable type.
func walk(steps []step, base unsafe.Pointer, h, seed uint64) (uint64, bool) {
	for i := range steps {
		s := &steps[i]
		v := unsafe.Add(base, s.off)
		var w uint64
		switch s.op {
		case opInt8:
			w = uint64(*(*int8)(v))
		case opInt16:
			w = uint64(*(*int16)(v))
		case opInt32:
			w = uint64(*(*int32)(v))
		case opInt64:
			w = uint64(*(*int64)(v))
		case opUint8:
			w = uint64(*(*uint8)(v))
		case opUint16:
			w = uint64(*(*uint16)(v))
		case opUint32:
			w = uint64(*(*uint32)(v))
		case opUint64:
			w = *(*uint64)(v)
		case opUintptr:
			w = uint64(*(*uintptr)(v))
		case opString:
			str := *(*string)(v)
			h = mix(h ^ xxh3.HashStringSeed(str, seed))
			w = uint64(len(str))
		case opFloat32:
			w = floatWord(float64(*(*float32)(v)), seed)
		case opFloat64:
			w = floatWord(*(*float64)(v), seed)
		case opComplex64:
			c := *(*complex64)(v)
			h = mix(h ^ floatWord(float64(real(c)), seed))
			w = floatWord(float64(imag(c)), seed)
		case opComplex128:
			c := *(*complex128)(v)
			h = mix(h ^ floatWord(real(c), seed))
			w = floatWord(imag(c), seed)
		case opEface, opIface:
			var ok bool
			if h, ok = walkInterface(s, v, h, seed); !ok {
				return h, false
			}
			continue
		case opRepeat:
			for j := range s.n {
				var ok bool
				if h, ok = walk(s.sub, unsafe.Add(v, uintptr(j)*s.stride), h, seed); !ok {
					return h, false
				}
			}
			continue
		}
		h = mix(h ^ w)
	}
	return h, true
}

// walkInterface folds the interface at v into h: its dynamic type's word,
// then its dynamic value's words.
func walkInterface(s *step, v unsafe.Pointer, h, seed uint64) (uint64, bool) {
	// Both interface layouts are two words, the second the data word. An
	// empty interface's first word is the dynamic type's descriptor; a
	// non-empty one's is an itab, whose second word is that descriptor.
	typ := *(*unsafe.Pointer)(v)
	if typ == nil {
		return mix(h ^ nilWord), true
	}
	if s.op == opIface {
		typ = *(*unsafe.Pointer)(unsafe.Add(typ, unsafe.Sizeof(uintptr(0))))
	}
	data := *(*unsafe.Pointer)(unsafe.Add(v, unsafe.Sizeof(uintptr(0))))
	d := s.last.Load()
	if d == nil || d.typ != typ {
		d = dynamicPlan(typ)
		s.last.Store(d)
	}
	if d.p == nil {
		return h, false
	}
	h = mix(h ^ d.id)
	if d.direct {
		// A pointer-shaped value is stored in the data word itself.
		return walk(d.p.steps, unsafe.Pointer(&data), h, seed)
	}
	return walk(d.p.steps, data, h, seed)
}

// dynPlan is what hashing a value of one dynamic type needs.
type dynPlan struct {
	typ    unsafe.Pointer // the runtime's descriptor of the type
	id     uint64         // the word naming the type
	direct bool           // an interface holds the value in its data word
	p      *plan          // nil if the type is not comparable
}

// eface is the layout of an empty interface.
type eface struct {
	typ, data unsafe.Pointer
}

var (
	plans    sync.Map // reflect.Type → *plan
	dynPlans sync.Map // type descriptor (unsafe.Pointer) → *dynPlan
)

// dynamicPlan returns the plan of the dynamic type whose descriptor is typ,
// building and caching it on first use.
func dynamicPlan(typ unsafe.Pointer) *dynPlan {
	if d, ok := dynPlans.Load(typ); ok {
		return d.(*dynPlan)
	}
	var a any
	(*eface)(unsafe.Pointer(&a)).typ = typ
	t := reflect.TypeOf(a)
	d := &dynPlan{typ: typ, id: xxh3.HashString(typeName(t))}
	if t.Comparable() {
		d.p = planOf(t)
		// Whether the compiler stores a type's values in the data word is
		// its own rule (pointer-shaped types); ask reflect rather than
		// restate it: a zero value in an interface has a nil data word
		// exactly when the data word holds the value.
		z := reflect.Zero(t).Interface()
		d.direct = (*eface)(unsafe.Pointer(&z)).data == nil
	}
	actual, _ := dynPlans.LoadOrStore(typ, d)
	return actual.(*dynPlan)
}

// typeName names a dynamic type for its interface word: the same string in
// every process and on every platform.
func typeName(t reflect.Type) string {
	if t.Name() == "" {
		return t.String()
	}
	if t.PkgPath() == "" {
		return t.Name() // a predeclared type
	}
	return t.PkgPath() + "." + t.Name()
}

// planFor returns K's plan from the cache, building it on first use.
func planFor[K comparable]() *plan {
	return planOf(reflect.TypeFor[K]())
}

// planOf returns t's plan from the cache, building it on first use.
func planOf(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := &plan{steps: compile(t, 0, nil)}
	if len(p.steps) == 1 {
		switch s := p.steps[0]; s.op {
		case opInt8, opInt16, opInt32, opInt64, opUint8, opUint16, opUint32, opUint64, opString:
			p.fast, p.off = s.op, s.off
		}
	}
	actual, _ := plans.LoadOrStore(t, p)
	return actual.(*plan)
}

// compile appends the steps that read a value of type t at off to steps.
// t is comparable.
func compile(t reflect.Type, off uintptr, steps []step) []step {
	add := func(o op) []step { return append(steps, step{op: o, off: off}) }
	switch t.Kind() {
	case reflect.Bool:
		return add(opUint8)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return add(intOp(t.Size(), opInt8))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return add(intOp(t.Size(), opUint8))
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer:
		return add(opUintptr)
	case reflect.Float32:
		return add(opFloat32)
	case reflect.Float64:
		return add(opFloat64)
	case reflect.Complex64:
		return add(opComplex64)
	case reflect.Complex128:
		return add(opComplex128)
	case reflect.String:
		return add(opString)
	case reflect.Interface:
		o := opIface
		if t.NumMethod() == 0 {
			o = opEface
		}
		return append(steps, step{op: o, off: off, last: new(atomic.Pointer[dynPlan])})
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.Name != "_" {
				steps = compile(f.Type, off+f.Offset, steps)
			}
		}
		return steps
	case reflect.Array:
		elem := compile(t.Elem(), 0, nil)
		n := t.Len()
		if n == 0 || len(elem) == 0 {
			return steps
		}
		stride := t.Elem().Size()
		if n*len(elem) > unrollMax {
			return append(steps, step{op: opRepeat, off: off, n: n, stride: stride, sub: elem})
		}
		for i := range n {
			for _, s := range elem {
				s.off += off + uintptr(i)*stride
				steps = append(steps, s)
			}
		}
		return steps
	}
	panic("hash: Seeded: not a comparable type: " + t.String())
}

// intOp returns the op reading an integer of size bytes, from the signed
// or unsigned family whose 1-byte op is base.
func intOp(size uintptr, base op) op {
	switch size {
	case 1:
		return base
	case 2:
		return base + 1
	case 4:
		return base + 2
	}
	return base + 3
}
