// Package watch lets a running service see its hmap maps: which exist,
// where they were created, how big they are, how they grow, and whether
// their hasher is any good. It is the process-wide registry that
// table.Map and concurrent.Map join, and its exporters.
//
// # Which maps are watched
//
// A map joins the registry in one of two ways. It is named, with the
// WithName option of package table or concurrent; or it is sampled: with
// SetSampleRate(n), each map created from then on joins with probability
// 1/n, as Abseil's hashtablez samples C++ tables. The rate can change at
// run time; 0, the default, samples none. A map that is not watched pays
// one load and one well-predicted branch when it is created, and nothing
// per operation: its writes end with the test they already made for
// tracer events, on the same flag word.
//
// The registry never keeps a map alive. Its entry holds the map's
// description and the figures the map publishes, never the map; a small
// object only the map points to removes the entry when the collector
// finds the map unreachable (see TestCollectedMapLeaves).
//
// # What a watched map records
//
// Each entry (Info) has the creation stack and time, the key and elem
// types, the package that created the map, its counters (Stats: entries,
// buckets, overflow buckets, load factor, growths, evacuation), its probe
// lengths (the buckets a lookup of an entry reads) and the OR and AND of
// the hashes it has seen. A bit that is set in every hash, or clear in
// every hash, is stuck: a hasher that ignores part of its key, or keys
// whose varying bits the hasher does not mix, show it at once
// (HashBits.Stuck).
//
// A table.Map, which is not safe for concurrent use, publishes its
// figures at the end of each write that changed them, and records the
// hash (computed a second time) and probe length of each key it inserts;
// reading the registry never touches it. That costs a watched map's
// inserts and deletes a lock and a copy of its counters, and its updates
// a few compares (see bench/RESULTS.md, "The cost of watching"). A
// concurrent.Map's counters are read where they are, when the registry is
// read, and its growths record the hashes they compute anyway to move
// entries, with the entries' new positions; its Loads and Stores pay
// nothing more, its growths a little.
//
// # Exporters
//
//   - Publish, for a service using http.DefaultServeMux: the registry as
//     JSON under "hmap" in expvar's /debug/vars, and the hmap profile at
//     /debug/pprof/hmap;
//   - WriteProfile and ProfileHandler: a pprof profile of the watched
//     maps by creation stack, weighted by entries, bytes or maps, for
//     go tool pprof;
//   - Var: the expvar.Var, for a service with its own mux;
//   - module github.com/hmaplab/hmap/hmapprom: a Prometheus collector
//     and a Grafana dashboard.
//
// # Misuse dumps
//
// SetMisuseDump makes a map that panics for misuse (concurrent writes, a
// read or an iteration crossed by a write, or with -tags hmapdebug a
// broken invariant) dump its state first: its name and creation site,
// Stats, a summary of its table, and its last events if it reports to a
// table.EventLog. The dump goes into the panic message, to a writer, or
// to a file.
package watch
