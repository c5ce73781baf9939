// Package explore is the engine of hmaplab's explorer, the web page where a
// learner drives a real table.Map and sees its true state.
//
// # Engine
//
// The engine keeps no map between requests. A session is its Settings (key
// type, hasher, seed, load factor, evacuation pace) and the list of Ops the
// learner made; Replay builds a fresh table.Map with those settings, applies
// the ops in order and describes the result as a State: the header, every
// bucket of the current and old arrays as the table holds them (tophash
// bytes, slot states, keys and elems, spare and allocated overflow
// buckets), the evacuation mark, the tracer events of the last op, the
// lookup's explanation when the last op was a lookup, the parts of the
// last op in order (Step), the open iteration if any (IterView), and prose
// that says what the last op did. Replaying is cheap for the sizes the explorer
// allows (Limits), and it makes the session itself the only state: undo
// drops the last op, a shared link carries the list, and a server needs to
// remember nothing. With a fixed seed and a reproducible hasher (every one
// but runtime, which the Go runtime keys per process) a list replays to the
// same table bit for bit, on any machine.
//
// The State is read from the table through its own inspection API
// (table.Map.Inspect, Locate, ExplainLookup, Stats and a Tracer), never
// computed beside it, so what the page draws is what the code holds.
//
// # Ops encoding
//
// A session travels in a URL fragment as two compact, URL-safe strings
// (EncodeSettings, EncodeOps), for example
//
//	#s=int.identity.1.13-2.1&o=b30.i99.d3.l7
//
// Settings are key type, hasher, seed, load factor num-den and pace joined
// by '.', then, for the masked hasher only, its mask in hex. Ops are joined
// by '.', each a letter and its argument:
//
//	i<key>          insert key, with the key's text as its elem
//	i<key>_<elem>   insert key with elem
//	d<key>          delete key
//	l<key>          look key up
//	b<n>            insert n generated keys (see OpBatch)
//	r<n>            advance the open iteration by n entries (see OpIterate)
//
// Keys and elems are written with the bytes A-Z, a-z, 0-9 and '-' as they
// are and every other byte as '~' and two lower-case hex digits, so that
// '.', '_' and '~' in a key never split it, and the result needs no further
// escaping in a URL.
//
// # Two hosts, one engine
//
// The package imports neither net/http nor anything else a browser lacks,
// and builds with GOOS=js GOARCH=wasm. The page sends a Request, as JSON,
// either to a small stateless server (package web, beside its assets) or,
// in the static build, to this package compiled to WebAssembly (package
// wasm below); both answer through ReplayJSON, with the same JSON.
package explore
