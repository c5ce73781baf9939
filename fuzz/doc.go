// Package fuzz holds differential tests of
// [github.com/hmaplab/hmap/table.Map] against the builtin map[K]V: whatever
// a sequence of operations does to a builtin map, it must do to a
// table.Map. The package has no API; everything is in its tests.
//
// Each test runs a table.Map and a builtin map (the model) side by side and
// compares every result: Put and Ptr, Get, At and Has, Delete, Clear, Len,
// Clone (the clone must equal the model and stay independent of the
// original), and iteration with All, Keys and Values, also with a loop body
// that inserts, updates, deletes, clears, clones or breaks out. An
// iteration must yield each entry present for the whole loop exactly once,
// with its latest value and the key last written; never an entry deleted
// before it was reached; never the same entry twice. Maps are built with
// the runtime hasher and with weak ones (hash.Constant, hash.Identity,
// hash.Masked, hash.Func), with and without size hints and fixed seeds, with
// the runtime's growth policy and tuned ones, so that overflow chains,
// same-size growths and incremental evacuation are common, and iterations
// start and run during growths.
//
// Key types cover the builtin map's corner cases: float64 NaN keys (every
// Put adds an entry, no lookup finds it, Delete does nothing, iteration
// and Clear see them), +0 and -0 (one key, stored with the sign written
// last), strings (an update stores the new key's storage), and interface
// keys, where an unhashable dynamic type (a slice, a map, a func) must make
// every operation panic as the builtin map does, even on an empty map.
//
// Native fuzz targets decode their input into operations (FuzzInt64,
// FuzzString, FuzzFloat64, FuzzAny; seed corpora in testdata/fuzz, written
// by TestSeedCorpus -update). Run one with, for example:
//
//	go test ./fuzz -run '^$' -fuzz '^FuzzFloat64$' -fuzztime 30s
//
// A fuzz input that runs for 20 seconds crashes its process (the engine
// has no timeout of its own and would just stall), so that the engine
// saves it.
//
// pgregory.net/rapid state machines (TestRapidInt64Machine,
// TestRapidStringMachine) and an iteration property test
// (TestRapidIterationProperties) draw the operations instead, and shrink a
// failure to a minimal sequence. A plain go test ./fuzz runs a few thousand
// state machine actions; CI runs tens of thousands, and -hmap.minsteps
// fails the run if fewer were executed:
//
//	go test ./fuzz -rapid.checks=400 -rapid.steps=50 -hmap.minsteps=10000
//
// The checks state these guarantees plainly and admit no exception, even
// though the Go 1.23 runtime's map breaks them in a few rare cases: an
// iteration can yield entries twice, or miss NaN entries, when the growth
// in progress changes while it walks an old bucket; yield the zero key
// again and miss entries after two growths in one loop; and yield NaN
// entries removed by a Clear in the loop body. hmap deliberately fixes
// these defects rather than reproducing them, and also no longer lets one
// Put start growth after growth under a tuned overflow threshold;
// table/iter_regress_test.go has a deterministic regression test for each.
//
// With -tags hmapdebug, every write to a table.Map also verifies all of
// its internal invariants:
//
//	go test -tags hmapdebug ./fuzz
package fuzz
