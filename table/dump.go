package table

import (
	"fmt"
	"io"
	"reflect"
	"runtime"

	"github.com/hmaplab/hmap/internal/registry"
)

// A misuse panic (concurrent writes, a read or an iteration crossed by a
// write, a broken invariant with -tags hmapdebug) can carry a dump of the
// map's state, sent where watch.SetMisuseDump says: which map it was (its
// name and where it was created, if it is watched), its Stats, a summary
// of its table as Render draws it, and its last events if it reports to
// an EventLog. Building the dump happens only when the panic does: the
// check that leads to it is the one every write already makes.

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

// dumpEvents is the most events a dump lists.
const dumpEvents = 16

// dump writes the map's state. Another goroutine may be writing the map
// (that is the misuse), so what it reads may be torn; registry.Misuse
// stops a dump that panics.
func (m *Map[K, V]) dump(w io.Writer) {
	fmt.Fprintf(w, "map: table.Map[%v, %v]", reflect.TypeFor[K](), reflect.TypeFor[V]())
	if x := m.extra; x != nil && x.watch != nil {
		if info, ok := x.watch.Handle().Info(); ok {
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
	}
	fmt.Fprintf(w, "\nstats: %+v\n", m.Stats())
	fmt.Fprintf(w, "table:\n")
	_ = m.Render(w, RenderOptions{MaxBuckets: 8})
	if x := m.extra; x != nil && x.tracer != nil && x.tracer.log != nil {
		evs := x.tracer.log.Events()
		fmt.Fprintf(w, "last events (%d of %d logged):\n", min(len(evs), dumpEvents), x.tracer.log.Total())
		for _, e := range evs[max(0, len(evs)-dumpEvents):] {
			fmt.Fprintf(w, "  %v\n", e)
		}
	}
}
