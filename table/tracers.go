package table

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/hmaplab/hmap/internal/logvalue"
)

// Ready-made tracers: an EventLog keeps the last events of any number of
// maps in a ring, to read or dump when something looks wrong; SlogTracer
// logs every event; Tracers sends the events to several tracers at once.

// LoggedEvent is one event an EventLog kept: when it happened, which map
// reported it (the name the tracer was made with), its kind, and the event
// itself, in the field its kind names (the others are zero).
type LoggedEvent struct {
	Time     time.Time
	Map      string
	Kind     string // "grow start", "evacuated", "grow done", "overflow" or "reseed"
	Grow     GrowEvent
	Evacuate EvacuateEvent
	Overflow OverflowEvent
	Reseed   ReseedEvent
}

// Event returns the event in the field Kind names.
func (e LoggedEvent) Event() any {
	switch e.Kind {
	case kindGrowStart, kindGrowDone:
		return e.Grow
	case kindEvacuated:
		return e.Evacuate
	case kindOverflow:
		return e.Overflow
	case kindReseed:
		return e.Reseed
	}
	return nil
}

// String formats the event on one line: its time, map, kind and fields.
func (e LoggedEvent) String() string {
	return fmt.Sprintf("%s %s: %s %+v", e.Time.Format("15:04:05.000000"), e.Map, e.Kind, e.Event())
}

// EventLog is a ring of the last events of the maps that report to it. It
// is safe for concurrent use: maps written by different goroutines may
// share one. Recording an event takes a lock and copies it into the ring,
// which is allocated once, when the log is made.
type EventLog struct {
	mu    sync.Mutex
	ring  []LoggedEvent
	next  int    // where the next event goes
	total uint64 // events recorded since the log was made
}

// NewEventLog returns a log that keeps the last n events. It panics if n
// is less than 1.
func NewEventLog(n int) *EventLog {
	if n < 1 {
		panic(fmt.Sprintf("table: NewEventLog(%d): capacity out of range: want 1 or more", n))
	}
	return &EventLog{ring: make([]LoggedEvent, 0, n)}
}

// Tracer returns a tracer that records every event of the map it is given
// to (with WithTracer) in l, under the name mapName.
func (l *EventLog) Tracer(mapName string) *Tracer {
	rec := func(e LoggedEvent) {
		e.Time, e.Map = time.Now(), mapName
		l.record(e)
	}
	return &Tracer{
		log:               l,
		GrowStart:         func(e GrowEvent) { rec(LoggedEvent{Kind: kindGrowStart, Grow: e}) },
		BucketEvacuated:   func(e EvacuateEvent) { rec(LoggedEvent{Kind: kindEvacuated, Evacuate: e}) },
		GrowDone:          func(e GrowEvent) { rec(LoggedEvent{Kind: kindGrowDone, Grow: e}) },
		OverflowAllocated: func(e OverflowEvent) { rec(LoggedEvent{Kind: kindOverflow, Overflow: e}) },
		Reseed:            func(e ReseedEvent) { rec(LoggedEvent{Kind: kindReseed, Reseed: e}) },
	}
}

// The kinds of LoggedEvent.
const (
	kindGrowStart = "grow start"
	kindEvacuated = "evacuated"
	kindGrowDone  = "grow done"
	kindOverflow  = "overflow"
	kindReseed    = "reseed"
)

func (l *EventLog) record(e LoggedEvent) {
	l.mu.Lock()
	if len(l.ring) < cap(l.ring) {
		l.ring = append(l.ring, e)
	} else {
		l.ring[l.next] = e
	}
	l.next = (l.next + 1) % cap(l.ring)
	l.total++
	l.mu.Unlock()
}

// Events returns the events the log holds, oldest first.
func (l *EventLog) Events() []LoggedEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]LoggedEvent, 0, len(l.ring))
	if len(l.ring) == cap(l.ring) {
		out = append(out, l.ring[l.next:]...)
		return append(out, l.ring[:l.next]...)
	}
	return append(out, l.ring...)
}

// Total returns how many events the log has recorded since it was made,
// those the ring has since let go of included.
func (l *EventLog) Total() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

// WriteTo writes the events the log holds to w, oldest first, one per
// line, after a line saying how many were recorded and how many are kept.
func (l *EventLog) WriteTo(w io.Writer) (int64, error) {
	evs := l.Events()
	total := l.Total()
	n, err := fmt.Fprintf(w, "hmap events: the last %d of %d\n", len(evs), total)
	written := int64(n)
	for _, e := range evs {
		if err != nil {
			break
		}
		n, err = fmt.Fprintln(w, e)
		written += int64(n)
	}
	return written, err
}

// SlogTracer returns a tracer that logs every event of a map through
// logger at level, with the message "hmap <kind>", a "map" attribute
// holding mapName, and the event's fields as a group named "event".
func SlogTracer(logger *slog.Logger, level slog.Level, mapName string) *Tracer {
	log := func(kind string, e any) {
		ctx := context.Background()
		if logger.Enabled(ctx, level) {
			logger.LogAttrs(ctx, level, "hmap "+kind, slog.String("map", mapName), slog.Attr{Key: "event", Value: logvalue.Of(e)})
		}
	}
	return &Tracer{
		GrowStart:         func(e GrowEvent) { log(kindGrowStart, e) },
		BucketEvacuated:   func(e EvacuateEvent) { log(kindEvacuated, e) },
		GrowDone:          func(e GrowEvent) { log(kindGrowDone, e) },
		OverflowAllocated: func(e OverflowEvent) { log(kindOverflow, e) },
		Reseed:            func(e ReseedEvent) { log(kindReseed, e) },
	}
}

// Tracers returns a tracer that hands each event to every one of ts that
// watches its kind, in order. A nil tracer in ts is skipped. A map queues
// only the kinds some tracer of ts receives.
func Tracers(ts ...*Tracer) *Tracer {
	var all Tracer
	for _, t := range ts {
		if t == nil {
			continue
		}
		if all.log == nil {
			all.log = t.log
		}
		all.GrowStart = chain(all.GrowStart, t.GrowStart)
		all.BucketEvacuated = chain(all.BucketEvacuated, t.BucketEvacuated)
		all.GrowDone = chain(all.GrowDone, t.GrowDone)
		all.OverflowAllocated = chain(all.OverflowAllocated, t.OverflowAllocated)
		all.Reseed = chain(all.Reseed, t.Reseed)
	}
	return &all
}

// chain returns a function calling a then b, either of which may be nil.
func chain[E any](a, b func(E)) func(E) {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return func(e E) { a(e); b(e) }
}
