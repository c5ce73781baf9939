package table_test

import (
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
)

// An EventLog keeps the last events of the maps that report to it, to
// read or dump (WriteTo) when something looks wrong; Tracers combines it
// with a logger.
func ExampleEventLog() {
	events := table.NewEventLog(4)
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // no time: the example's output must not change
			}
			if len(groups) > 0 && strings.HasPrefix(a.Key, "Bytes") {
				return slog.Attr{} // nor the bytes, which depend on the pointer size
			}
			return a
		},
	}))
	m := table.New[string, int](0, table.WithSeed(1), table.WithHasher(hash.XXH3[string]{}), table.WithTracer(table.Tracers(
		events.Tracer("sessions"),
		&table.Tracer{GrowDone: table.SlogTracer(logger, slog.LevelInfo, "sessions").GrowDone},
	)))
	for i := range 30 {
		m.Put(fmt.Sprint("user", i), i)
	}
	fmt.Println(events.Total(), "events; the last", len(events.Events()), "are kept")
	for _, e := range events.Events() {
		fmt.Println(e.Kind)
	}
	// Output:
	// level=INFO msg="hmap grow done" map=sessions event.OldB=0 event.NewB=1 event.SameSize=false event.Count=8 event.Overflow=0
	// level=INFO msg="hmap grow done" map=sessions event.OldB=1 event.NewB=2 event.SameSize=false event.Count=13 event.Overflow=0
	// level=INFO msg="hmap grow done" map=sessions event.OldB=2 event.NewB=3 event.SameSize=false event.Count=27 event.Overflow=0
	// 15 events; the last 4 are kept
	// evacuated
	// overflow
	// evacuated
	// grow done
}
