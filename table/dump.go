package table

import (
	"fmt"
	"io"
	"reflect"
	"runtime"
	"unsafe"

	"github.com/hmaplab/hmap/internal/registry"
)

// A misuse panic (concurrent writes, a read or an iteration crossed by a
// write, a broken invariant with -tags hmapdebug) can carry a dump of the
// map's state, sent where watch.SetMisuseDump says: which map it was (its
// name and where it was created, if it is watched), its Stats, a summary
// of its table, and its last events if it reports to an EventLog.
// Building the dump happens only when the panic does: the check that
// leads to it is the one every write already makes.

// misuse returns the message of a misuse panic, with the dump if one is
// asked for. Callers write panic(m.misuse(msg)), so that the compiler
// still sees a panic there, and lays the path out as cold.
//
//go:noinline
func (m *Map[K, V]) misuse(msg string) string {
	if !registry.Dumping() {
		return msg
	}
	return registry.Misuse(msg, m.dump)
}

const (
	dumpEvents = 16 // the most events a dump lists
	dumpChains = 8  // the most chains a dump draws
)

// dump writes the map's state. When it is a concurrent write that panics,
// another goroutine may be writing the map as the dump reads it: what the
// dump reads may be torn (registry.Misuse stops a dump that panics). So
// it reads the header's fields one by one, as Stats does, and draws the
// first chains only if no write is in progress, from one reading of the
// array and its size: the size of one array with the pointer of another
// would read past the end of it.
func (m *Map[K, V]) dump(w io.Writer) {
	fmt.Fprintf(w, "map: table.Map[%v, %v]", reflect.TypeFor[K](), reflect.TypeFor[V]())
	if x := m.extra; x != nil && x.watch != nil {
		info := x.watch.Handle().Info()
		if info.Name != "" {
			fmt.Fprintf(w, " %q", info.Name)
		} else {
			fmt.Fprintf(w, " (sampled)")
		}
		if len(info.Stack) > 0 {
			f, _ := runtime.CallersFrames(info.Stack[:1]).Next()
			fmt.Fprintf(w, ", created by %s at %s:%d", f.Function, f.File, f.Line)
		}
	}
	s := m.Stats()
	fmt.Fprintf(w, "\nstats: %+v\n", s)
	fmt.Fprintf(w, "table: count=%d B=%d buckets=%d spare=%d noverflow=%d overflow=%d seed=%#08x\n",
		s.Count, s.B, s.Buckets, s.SpareBuckets, s.Noverflow, s.OverflowBuckets, s.Seed)
	if s.Growing {
		kind := "doubling"
		if s.SameSizeGrow {
			kind = "same-size"
		}
		fmt.Fprintf(w, "growing (%s) from %d old buckets, nevacuate=%d\n", kind, s.OldBuckets, s.Nevacuate)
	}
	m.dumpChains(w)
	if x := m.extra; x != nil && x.tracer != nil && x.tracer.log != nil {
		evs := x.tracer.log.Events()
		fmt.Fprintf(w, "last events (%d of %d logged):\n", min(len(evs), dumpEvents), x.tracer.log.Total())
		for _, e := range evs[max(0, len(evs)-dumpEvents):] {
			fmt.Fprintf(w, "  %v\n", e)
		}
	}
}

// dumpChains draws the first chains of the current array, as Render does,
// unless another write is in progress.
func (m *Map[K, V]) dumpChains(w io.Writer) {
	if m.count < 0 {
		fmt.Fprintf(w, "(chains not drawn: another write is in progress)\n")
		return
	}
	buckets, B := m.buckets, m.logB
	if buckets == nil {
		return
	}
	arr := unsafe.Slice(buckets, m.arrayLen(B))
	n := min(1<<B, dumpChains)
	chains := make([]Chain[K, V], n)
	for i := range chains {
		chains[i] = inspectChain(arr, 1<<B, i)
	}
	r := renderer[K, V]{o: RenderOptions{MaxBuckets: dumpChains}}
	for i, c := range chains {
		r.chain(i, c, -1)
	}
	if n < 1<<B {
		r.printf("%s(%d more chains)\n", indent, 1<<B-n)
	}
	_, _ = io.WriteString(w, r.sb.String())
}
