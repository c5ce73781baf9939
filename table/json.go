package table

import (
	"bytes"
	"encoding/json"
	"errors"
)

// JSON. encoding/json treats a *Map as it treats a builtin map[K]V: a JSON
// object whose keys are strings, integers, or encoding.TextMarshaler /
// TextUnmarshaler values, in sorted order. Both methods go through a
// builtin map holding the same entries, so the key conversions, the order,
// the escaping and the error messages are encoding/json's own.
//
// These differences cannot be removed, because they come from the
// Marshaler/Unmarshaler interfaces themselves:
//
//   - An error from MarshalJSON reaches json.Marshal's caller wrapped in a
//     *json.MarshalerError, so an unsupported key type gives "json: error
//     calling MarshalJSON for type *table.Map[...]: json: unsupported type:
//     map[...]" rather than the bare *json.UnsupportedTypeError; errors.As
//     finds the latter inside.
//   - The decoder's settings (UseNumber, DisallowUnknownFields) do not reach
//     an Unmarshaler, so values are decoded with the defaults; and an error
//     returned by UnmarshalJSON, type errors included, ends the enclosing
//     decode, where the builtin map records a type error and goes on with
//     the rest of the document.
//   - An Unmarshaler cannot make itself nil: json.Unmarshal of null into a
//     *Map leaves it as it is, where a builtin map is set to nil. (A *Map
//     struct field or variable is set to nil, as a map would be.)

// MarshalJSON encodes the entries as json.Marshal encodes a builtin
// map[K]V holding them: json.Marshal(m) and an Encoder's Encode(m) write
// the same bytes as for the builtin map, whatever the Encoder's
// SetEscapeHTML. A nil *Map encodes as null. It copies the entries, O(Len)
// time and memory.
func (m *Map[K, V]) MarshalJSON() ([]byte, error) {
	if m == nil {
		return []byte("null"), nil
	}
	// encoding/json rewrites a Marshaler's output with its own caller's
	// HTML escaping (json.Marshal escapes <, > and &; an Encoder with
	// SetEscapeHTML(false) does not). Producing the unescaped form lets
	// that single pass decide, as it does for the builtin map; escaping
	// here too would be harmless for Marshal but wrong for such an Encoder.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m.builtinCopy()); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil // Encode ends each value with a newline
}

// UnmarshalJSON decodes a JSON object into m as json.Unmarshal decodes it
// into an existing builtin map[K]V: entries already in m stay, unless the
// object has their key, whose value replaces theirs. It works on a zero
// Map, and encoding/json allocates one for a nil *Map field. The JSON null
// leaves m unchanged, encoding/json's convention for Unmarshalers (a *Map
// field is set to nil by encoding/json itself, without calling this).
//
// On a type error the entries that decoded are stored, as the builtin map
// stores them (a value that does not fit as the zero value, an entry whose
// key does not fit not at all), and the error is returned: the same
// *json.UnmarshalTypeError, with the same message, as json.Unmarshal into
// the builtin map gives. Malformed JSON stores nothing.
func (m *Map[K, V]) UnmarshalJSON(data []byte) error {
	if isJSONNull(data) {
		return nil
	}
	if m == nil {
		return errors.New("table: UnmarshalJSON on a nil *Map")
	}
	// Decode into a fresh builtin map, then merge: json.Unmarshal gives a
	// reused map each value decoded into a zero V, never into the old one,
	// and a fresh map does the same.
	var mm map[K]V
	err := json.Unmarshal(data, &mm)
	for k, v := range mm {
		m.Put(k, v)
	}
	return err
}

// isJSONNull reports whether data is the literal null. encoding/json passes
// exactly the value's bytes; a direct caller may leave space around them.
func isJSONNull(data []byte) bool {
	return string(bytes.TrimSpace(data)) == "null"
}
