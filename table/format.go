package table

import "fmt"

// Printing. A *Map prints as a builtin map with the same entries would:
// fmt.Println(m) writes map[a:1 b:2], keys sorted. Rather than reimplement
// fmt's rules (key order for every kind, NaN keys, flags, nested values),
// Format copies the entries into a builtin map and hands that to fmt, so the
// output is the builtin's by construction.

// String returns the entries as fmt's %v prints a builtin map[K]V holding
// them: "map[k1:v1 k2:v2]", keys in fmt's sorted order. A nil *Map gives
// "map[]", as a nil builtin map does. Like Format, it copies the entries:
// O(Len) time and memory.
func (m *Map[K, V]) String() string {
	return fmt.Sprint(m.builtinCopy())
}

// Format implements fmt.Formatter, so that every verb, flag, width and
// precision prints a *Map exactly as it prints a builtin map[K]V with the
// same entries: %v and %+v give map[k:v ...] with sorted keys, %d and %x
// apply to each key and value, and so on. %#v prints the builtin's Go
// syntax for the same contents, map[K]V{k:v, ...}, which is not Go syntax
// for a *Map: no literal builds one. A nil *Map prints as a nil builtin map
// (map[], and map[K]V(nil) for %#v). %T and %p are handled by fmt before it
// calls Format: they give the *Map's type and address. And fmt cannot call
// methods through an unexported struct field, so a *Map held in one prints
// as a pointer (0xc000...), where a builtin map would print its entries.
//
// Each call copies the entries into a new builtin map, O(Len) time and
// memory; the bucket array itself is neither copied nor inspected.
func (m *Map[K, V]) Format(f fmt.State, verb rune) {
	// FormatString rebuilds the directive with its flags, width and
	// precision, so fmt sees exactly what the caller wrote.
	fmt.Fprintf(f, fmt.FormatString(f, verb), m.builtinCopy())
}

// builtinCopy returns a builtin map holding m's entries, or nil if m is
// nil, so that printing and encoding can defer to the standard library's
// handling of builtin maps. Keys that are not equal to themselves (NaN)
// all survive the copy: each assignment of one adds an entry, in the copy
// as in m.
func (m *Map[K, V]) builtinCopy() map[K]V {
	if m == nil {
		return nil
	}
	mm := make(map[K]V, m.Len())
	for k, v := range m.All() {
		mm[k] = v
	}
	return mm
}
