package fuzz

import (
	"fmt"
	"math"
	"strings"
	"unsafe"

	"github.com/hmaplab/hmap/hash"
)

// hasherChoice is a hasher a map can be built with; nil means the default
// (the runtime's hash function).
type hasherChoice[K comparable] struct {
	name string
	h    hash.Hasher[K]
}

// golden spreads small integers over all 64 bits.
const golden = 0x9e3779b97f4a7c15

// Masks for hash.Masked: a few bucket bits and a few tophash bits, bucket
// bits only (every tophash is 0, bumped to MinTopHash), tophash bits only
// (everything in bucket 0).
const (
	maskFew    = 0xc000_0000_0000_0003
	maskLow    = 0x0000_0000_0000_0007
	maskTop    = 0xff00_0000_0000_0000
	maskOneBit = 0x0000_0000_0000_0001
)

// ---- int64 ----

// int64Key: mostly the byte itself, plus the extremes.
func int64Key(b byte) int64 {
	switch b {
	case 255:
		return math.MaxInt64
	case 254:
		return math.MinInt64
	case 253:
		return -1
	case 252:
		return 1 << 40
	}
	return int64(b)
}

var int64Keys = &keyType[int64]{
	name:   "int64",
	decode: int64Key,
	same:   func(a, b int64) bool { return a == b },
	hashers: []hasherChoice[int64]{
		{"runtime", nil},
		{"identity", hash.Identity[int64]{}},
		{"constant0", hash.Constant[int64]{Value: 0}},
		{"constant", hash.Constant[int64]{Value: 0xdead_beef_0000_0005}},
		{"masked-identity", hash.Masked[int64]{Inner: hash.Func[int64](func(k int64, _ uint64) uint64 { return uint64(k) * golden }), Mask: maskFew}},
		{"masked-runtime-low", hash.Masked[int64]{Inner: hash.NewRuntime[int64](), Mask: maskLow}},
		{"masked-runtime-top", hash.Masked[int64]{Inner: hash.NewRuntime[int64](), Mask: maskTop}},
		{"golden", hash.Func[int64](func(k int64, seed uint64) uint64 { return (uint64(k) ^ seed) * golden })},
	},
}

// ---- string ----

// stringTable holds the string keys: short and long (past the 32 bytes
// where hash functions change strategy), with common prefixes, non-ASCII,
// and the empty string.
var stringTable = func() [256]string {
	var t [256]string
	for i := range t {
		switch i % 4 {
		case 0:
			t[i] = fmt.Sprint(i)
		case 1:
			t[i] = strings.Repeat("long-key-with-a-shared-prefix/", 2) + fmt.Sprint(i)
		case 2:
			t[i] = "ключ" + string(rune(0x4e00+i))
		case 3:
			t[i] = strings.Repeat("x", i%37) + "." + fmt.Sprint(i)
		}
	}
	t[2] = ""
	return t
}()

// stringKey returns a fresh copy of the string for b, so that equal keys
// written at different times have different storage: the map must keep the
// one written last, as the builtin map does.
func stringKey(b byte) string { return strings.Clone(stringTable[b]) }

func sameString(a, b string) bool {
	return a == b && (len(a) == 0 || unsafe.StringData(a) == unsafe.StringData(b))
}

var stringKeys = &keyType[string]{
	name:   "string",
	decode: stringKey,
	same:   sameString,
	hashers: []hasherChoice[string]{
		{"runtime", nil},
		{"xxh3", hash.XXH3[string]{}},
		{"constant0", hash.Constant[string]{Value: 0}},
		{"constant", hash.Constant[string]{Value: 1 << 63}},
		{"masked-xxh3", hash.Masked[string]{Inner: hash.XXH3[string]{}, Mask: maskFew}},
		{"masked-runtime-bit", hash.Masked[string]{Inner: hash.NewRuntime[string](), Mask: maskOneBit}},
		{"length", hash.Func[string](func(k string, _ uint64) uint64 { return uint64(len(k))<<58 | uint64(len(k)) })},
		{"masked-xxh3-top", hash.Masked[string]{Inner: hash.XXH3[string]{}, Mask: maskTop}},
	},
}

// ---- float64 ----

var (
	nanQuiet     = math.NaN()
	nanPayload   = math.Float64frombits(0x7ff8_0000_0000_0001)
	nanNegative  = math.Float64frombits(0xfff8_0000_0000_0000)
	nanSignaling = math.Float64frombits(0x7ff0_0000_0000_0001)
	negZero      = math.Copysign(0, -1)
)

// floatKey: one byte in 16 decodes to a NaN (four kinds), one to +0, one to
// -0, one to an infinity; the rest to distinct ordinary values.
func floatKey(b byte) float64 {
	switch b % 16 {
	case 0:
		return [...]float64{nanQuiet, nanPayload, nanNegative, nanSignaling}[b/16%4]
	case 1:
		return 0
	case 2:
		return negZero
	case 3:
		if b/16%2 == 0 {
			return math.Inf(1)
		}
		return math.Inf(-1)
	case 4:
		if b == 4 {
			return math.SmallestNonzeroFloat64
		}
	}
	return float64(int(b)-128) / 4
}

func sameFloat(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

// floatBits hashes a float by its bits, ±0 alike; a NaN's hash is anything.
func floatBits(k float64, seed uint64) uint64 {
	if k == 0 {
		k = 0 // -0 becomes +0
	}
	return (math.Float64bits(k) ^ seed) * golden
}

var float64Keys = &keyType[float64]{
	name:   "float64",
	decode: floatKey,
	same:   sameFloat,
	hashers: []hasherChoice[float64]{
		{"runtime", nil},
		{"runtime-explicit", hash.NewRuntime[float64]()},
		{"constant0", hash.Constant[float64]{Value: 0}},
		{"constant", hash.Constant[float64]{Value: ^uint64(0)}},
		{"masked-runtime", hash.Masked[float64]{Inner: hash.NewRuntime[float64](), Mask: maskFew}},
		{"masked-runtime-low", hash.Masked[float64]{Inner: hash.NewRuntime[float64](), Mask: maskLow}},
		{"bits", hash.Func[float64](floatBits)},
		{"masked-bits-top", hash.Masked[float64]{Inner: hash.Func[float64](floatBits), Mask: maskTop}},
	},
}

// ---- interface ----

type smallStruct struct {
	A int8
	B string
}

type withAny struct {
	X any
}

var pointees [4]int

// anyKey: ints and int64s of the same values (different keys), strings,
// small structs, floats (NaN, ±0), booleans, nil, arrays, pointers; and,
// for one byte in 16, an unhashable value: a slice, a map, a func, or one of
// those inside a struct or an array, which makes every map operation panic.
func anyKey(b byte) any {
	i := int(b / 16)
	switch b % 16 {
	case 0, 8:
		return i + int(b%16)
	case 1, 9:
		return int64(i + int(b%16)) // equal numbers, different type: different keys
	case 2, 10:
		return stringKey(b)
	case 3, 11:
		return smallStruct{A: int8(i), B: stringTable[i]}
	case 4:
		return floatKey(byte(i) * 16) // the NaNs
	case 12:
		switch i % 3 {
		case 0:
			return 0.0
		case 1:
			return negZero
		}
		return float64(i) / 2
	case 5:
		switch i % 4 {
		case 0:
			return nil
		case 1:
			return i%8 == 1
		case 2:
			return [2]int{i, -i}
		}
		return &pointees[i%len(pointees)]
	case 13:
		return uint8(i)
	case 15:
		switch i % 5 {
		case 0:
			return []int{i}
		case 1:
			return map[int]int{i: i}
		case 2:
			return func() {}
		case 3:
			return withAny{X: []string{"x"}}
		}
		return [1]any{map[string]bool{}}
	}
	return withAny{X: i} // hashable: the interface holds an int
}

func sameAny(a, b any) bool {
	fa, okA := a.(float64)
	fb, okB := b.(float64)
	if okA || okB {
		return okA && okB && sameFloat(fa, fb)
	}
	sa, okA := a.(string)
	sb, okB := b.(string)
	if okA || okB {
		return okA && okB && sameString(sa, sb)
	}
	return a == b
}

var anyKeys = &keyType[any]{
	name:     "any",
	decode:   anyKey,
	same:     sameAny,
	mayPanic: true,
	hashers: []hasherChoice[any]{
		{"runtime", nil},
		{"runtime-explicit", hash.NewRuntime[any]()},
		{"constant0", hash.Constant[any]{Value: 0}},
		{"masked-runtime", hash.Masked[any]{Inner: hash.NewRuntime[any](), Mask: maskFew}},
		{"masked-runtime-bit", hash.Masked[any]{Inner: hash.NewRuntime[any](), Mask: maskOneBit}},
		{"type", hash.Func[any](func(k any, _ uint64) uint64 { return uint64(len(fmt.Sprintf("%T", k))) * golden })},
		{"constant", hash.Constant[any]{Value: 0x0400_0000_0000_0002}},
		{"masked-runtime-top", hash.Masked[any]{Inner: hash.NewRuntime[any](), Mask: maskTop}},
	},
}
