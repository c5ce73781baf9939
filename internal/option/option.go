// Package option is the option plumbing that packages table and concurrent
// share: the settings both maps take (hasher, seed), how an option records
// the first invalid setting, and how a hasher given for some key type is
// checked against the map's and turned into the hot path's hash function.
//
// Each map package keeps an Option type of its own (the two take different
// settings); both embed Config.
package option

import (
	"fmt"
	"reflect"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/grow"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/internal/rng"
	"github.com/hmaplab/hmap/internal/rt"
)

// Config holds the settings common to every map, and the first error.
type Config struct {
	// Hasher is a hash.Hasher[K] for the K of the WithHasher call, which
	// Hasher checks against the map's; nil means the runtime's.
	Hasher any
	// Source is where the map's random values come from.
	Source rng.Source
	// Name registers the map with package watch under this name.
	Name string

	pkg string // the package whose options these are, for messages
	err error
}

// Apply runs opts on c (whose Config is base) for package pkg, and returns
// the first invalid setting, a nil option included.
func Apply[C any, O ~func(*C)](c *C, base *Config, pkg string, opts []O) error {
	base.pkg = pkg
	for _, o := range opts {
		if o == nil {
			base.Failf("nil Option")
			break
		}
		o(c)
	}
	return base.err
}

// Failf records an invalid setting, unless one was recorded first. The
// message names the option and its valid range.
func (c *Config) Failf(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(c.pkg+": "+format, args...)
	}
}

// SetName is WithName: a name must be 1 to 128 bytes of printable
// UTF-8, so that it reads well as a label in any exporter.
func SetName(c *Config, name string) {
	if len(name) == 0 || len(name) > 128 {
		c.Failf("WithName(%q): %d bytes: want 1 to 128", name, len(name))
		return
	}
	if !utf8.ValidString(name) {
		c.Failf("WithName(%q): not valid UTF-8", name)
		return
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			c.Failf("WithName(%q): holds %U, which does not print: want printable characters", name, r)
			return
		}
	}
	c.Name = name
}

// SetLoadFactor is WithLoadFactor, for both maps: the ratio num/den of
// entries per bucket above which the table doubles, more than 0 and at
// most a bucket's slots, with num and den at most 65536.
func SetLoadFactor(c *Config, p *grow.Policy, num, den int) {
	if num <= 0 || den <= 0 || num > asm.SlotCount*den || num > 1<<16 || den > 1<<16 {
		c.Failf("WithLoadFactor(%d, %d): load factor out of range: want 0 < num/den <= %d, with 0 < num, den <= 65536",
			num, den, asm.SlotCount)
		return
	}
	p.LoadNum, p.LoadDen = uint64(num), uint64(den)
}

// SetEvacuationPace is WithEvacuationPace, for both maps: the old buckets
// each write to a growing table moves besides its own, 0 for all of them.
func SetEvacuationPace(c *Config, p *grow.Policy, n int) {
	if n < 0 {
		c.Failf("WithEvacuationPace(%d): out of range: want 0 (all at once) or more", n)
		return
	}
	p.Pace = n
}

// SetHasher is WithHasher.
func SetHasher[K any](c *Config, h hash.Hasher[K]) {
	if h == nil {
		c.Failf("WithHasher(nil): want a non-nil hash.Hasher")
		return
	}
	c.Hasher = h
}

// Hasher returns the map's hasher and its hash function, checking that
// the hasher set hashes K and can be called.
func Hasher[K comparable](c *Config) (hash.Hasher[K], rt.HashFunc, error) {
	if c.Hasher == nil {
		return hash.Runtime[K]{}, rt.RuntimeHash[K](), nil
	}
	h, ok := c.Hasher.(hash.Hasher[K])
	if !ok {
		return nil, nil, fmt.Errorf("%s: WithHasher(%T): does not hash the map's keys; want a hash.Hasher[%v]",
			c.pkg, c.Hasher, reflect.TypeFor[K]())
	}
	if bad, inner := invalid(h); bad {
		where := ""
		if inner {
			where = " as Inner"
		}
		return nil, nil, fmt.Errorf("%s: WithHasher(%s): want a non-nil hash.Hasher[%v]%s",
			c.pkg, describe(h), reflect.TypeFor[K](), where)
	}
	return h, hashFunc(h), nil
}

// invalid reports whether h would fail on its first call: a nil function,
// pointer or other reference, or a Masked hasher whose Inner is invalid
// (inner reports the latter).
func invalid[K any](h hash.Hasher[K]) (bad, inner bool) {
	switch m := h.(type) {
	case hash.Masked[K]:
		bad, _ := invalid(m.Inner)
		return bad, bad
	case *hash.Masked[K]:
		if m == nil {
			return true, false
		}
		bad, _ := invalid(m.Inner)
		return bad, bad
	}
	if h == nil {
		return true, false
	}
	switch v := reflect.ValueOf(h); v.Kind() {
	case reflect.Pointer, reflect.Func, reflect.Map, reflect.Chan, reflect.Slice, reflect.Interface:
		return v.IsNil(), false
	}
	return false, false
}

// describe writes h the way an error message should show it: nil values
// as Go conversions, Masked hashers with their Inner.
func describe[K any](h hash.Hasher[K]) string {
	switch m := h.(type) {
	case hash.Masked[K]:
		return fmt.Sprintf("%T{Inner: %s}", m, describe(m.Inner))
	case *hash.Masked[K]:
		if m != nil {
			return fmt.Sprintf("&%T{Inner: %s}", *m, describe(m.Inner))
		}
	}
	if h == nil {
		return "nil"
	}
	v := reflect.ValueOf(h)
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return fmt.Sprintf("(%T)(nil)", h)
		}
	case reflect.Func, reflect.Map, reflect.Chan, reflect.Slice, reflect.Interface:
		if v.IsNil() {
			return fmt.Sprintf("%T(nil)", h)
		}
	}
	return fmt.Sprintf("%T", h)
}

// hashFunc returns h in the hot path's calling convention. For the runtime
// hasher it is the runtime's function itself, so hashing costs one
// indirect call, as in the builtin map; other hashers are wrapped. For key
// types whose hashing can fail at run time (interfaces, or structs and
// arrays holding them) the wrapper first runs the runtime's function on
// the key, so every hasher panics on an unhashable key exactly as the
// builtin map does.
func hashFunc[K comparable](h hash.Hasher[K]) rt.HashFunc {
	switch h.(type) {
	case hash.Runtime[K], *hash.Runtime[K]:
		return rt.RuntimeHash[K]()
	}
	if rt.MayPanicOnHash(reflect.TypeFor[K]()) {
		check := rt.RuntimeHash[K]()
		return func(p unsafe.Pointer, seed uintptr) uintptr {
			check(p, 0)
			return rt.TableHash(h.Hash(*(*K)(p), uint64(seed)))
		}
	}
	return func(p unsafe.Pointer, seed uintptr) uintptr {
		return rt.TableHash(h.Hash(*(*K)(p), uint64(seed)))
	}
}
