package explore

import (
	"fmt"
	"strconv"
	"strings"
)

// OpKind is what an op does.
type OpKind string

// The kinds of op.
const (
	OpInsert OpKind = "insert" // Put(Key, Value)
	OpDelete OpKind = "delete" // Delete(Key)
	OpLookup OpKind = "lookup" // Get(Key), explained; the table does not change
	// OpBatch inserts N generated keys, each with its own text as elem:
	// for int keys the N smallest non-negative integers not in the map,
	// for string keys the N first of "k0", "k1", ... not in the map. It
	// always adds N entries, and what it adds depends only on the map.
	OpBatch OpKind = "batch"
	// OpIterate advances an iteration of the map by N entries, starting
	// one (as a range loop does, at a random bucket and slot offset) if
	// none is open. The iteration stays open across the ops that follow,
	// as a range loop whose body writes to the map, until it has yielded
	// its last entry and is advanced once more: then it ends, and the
	// next iterate starts a new one.
	OpIterate OpKind = "iterate"
)

// Op is one step of a session.
type Op struct {
	Kind  OpKind `json:"op"`
	Key   string `json:"key,omitempty"`   // insert, delete, lookup
	Value string `json:"value,omitempty"` // insert: the elem
	N     int    `json:"n,omitempty"`     // batch: how many keys; iterate: how many entries
}

// String describes the op as the page lists it.
func (o Op) String() string {
	switch o.Kind {
	case OpInsert:
		if o.Value == o.Key {
			return fmt.Sprintf("insert %s", o.Key)
		}
		return fmt.Sprintf("insert %s = %q", o.Key, o.Value)
	case OpBatch:
		return fmt.Sprintf("batch %d", o.N)
	case OpIterate:
		return fmt.Sprintf("iterate %d", o.N)
	default:
		return fmt.Sprintf("%s %s", o.Kind, o.Key)
	}
}

var opLetters = map[OpKind]byte{OpInsert: 'i', OpDelete: 'd', OpLookup: 'l', OpBatch: 'b', OpIterate: 'r'}

// EncodeOps writes ops as one URL-safe string (see the package doc).
func EncodeOps(ops []Op) string {
	var sb strings.Builder
	for i, o := range ops {
		if i > 0 {
			sb.WriteByte('.')
		}
		sb.WriteByte(opLetters[o.Kind])
		if o.Kind == OpBatch || o.Kind == OpIterate {
			sb.WriteString(strconv.Itoa(o.N))
			continue
		}
		escape(&sb, o.Key)
		if o.Kind == OpInsert && o.Value != o.Key {
			sb.WriteByte('_')
			escape(&sb, o.Value)
		}
	}
	return sb.String()
}

// DecodeOps reads what EncodeOps wrote. It checks the syntax only;
// Replay checks the keys against the key type.
func DecodeOps(text string) ([]Op, error) {
	if text == "" {
		return nil, nil
	}
	parts := strings.Split(text, ".")
	if len(parts) > MaxOps {
		return nil, fmt.Errorf("ops: %d of them: want at most %d", len(parts), MaxOps)
	}
	ops := make([]Op, 0, len(parts))
	for i, p := range parts {
		o, err := decodeOp(p)
		if err != nil {
			return nil, fmt.Errorf("op %d (%q): %v", i+1, p, err)
		}
		ops = append(ops, o)
	}
	return ops, nil
}

func decodeOp(p string) (Op, error) {
	if p == "" {
		return Op{}, fmt.Errorf("empty: want i, d, l, b or r and an argument")
	}
	arg := p[1:]
	switch p[0] {
	case 'b', 'r':
		kind, what := OpBatch, "batch size"
		if p[0] == 'r' {
			kind, what = OpIterate, "iterate count"
		}
		n, err := strconv.Atoi(arg)
		if err != nil || strconv.Itoa(n) != arg {
			return Op{}, fmt.Errorf("%s %q: want a decimal integer", what, arg)
		}
		return Op{Kind: kind, N: n}, nil
	case 'd', 'l':
		k, err := unescape(arg)
		kind := OpDelete
		if p[0] == 'l' {
			kind = OpLookup
		}
		return Op{Kind: kind, Key: k}, err
	case 'i':
		ks, vs, hasValue := strings.Cut(arg, "_")
		k, err := unescape(ks)
		if err != nil {
			return Op{}, err
		}
		v := k
		if hasValue {
			if v, err = unescape(vs); err != nil {
				return Op{}, err
			}
		}
		return Op{Kind: OpInsert, Key: k, Value: v}, nil
	}
	return Op{}, fmt.Errorf("unknown op letter %q: want i (insert), d (delete), l (lookup), b (batch) or r (iterate)", p[0])
}

// plain reports whether c is written as itself.
func plain(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-'
}

func escape(sb *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if plain(c) {
			sb.WriteByte(c)
			continue
		}
		sb.WriteByte('~')
		sb.WriteByte(hex[c>>4])
		sb.WriteByte(hex[c&15])
	}
}

func unescape(s string) (string, error) {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case plain(c):
			b = append(b, c)
		case c == '~' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(v))
			i += 2
		case c == '~':
			return "", fmt.Errorf("escape at byte %d: want ~ and two hex digits", i)
		default:
			return "", fmt.Errorf("byte %q at %d: write it as ~%02x", c, i, c)
		}
	}
	return string(b), nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
