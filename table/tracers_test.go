package table

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

// kinds returns the kinds of evs, in order.
func kinds(evs []LoggedEvent) []string {
	var ks []string
	for _, e := range evs {
		ks = append(ks, e.Kind)
	}
	return ks
}

// keepAll is a tracer that keeps every event's kind and payload, as an
// EventLog would, without a bound.
func keepAll(all *[]LoggedEvent) *Tracer {
	return &Tracer{
		GrowStart:         func(e GrowEvent) { *all = append(*all, LoggedEvent{Kind: kindGrowStart, Grow: e}) },
		BucketEvacuated:   func(e EvacuateEvent) { *all = append(*all, LoggedEvent{Kind: kindEvacuated, Evacuate: e}) },
		GrowDone:          func(e GrowEvent) { *all = append(*all, LoggedEvent{Kind: kindGrowDone, Grow: e}) },
		OverflowAllocated: func(e OverflowEvent) { *all = append(*all, LoggedEvent{Kind: kindOverflow, Overflow: e}) },
		Reseed:            func(e ReseedEvent) { *all = append(*all, LoggedEvent{Kind: kindReseed, Reseed: e}) },
	}
}

// TestEventLogKeepsTheLast: the log holds the last n events in order, the
// same as a tracer that keeps them all, and counts every one.
func TestEventLogKeepsTheLast(t *testing.T) {
	const n = 16
	l := NewEventLog(n)
	var all []LoggedEvent
	m := New[int, int](0, WithSeed(3), WithTracer(Tracers(l.Tracer("users"), keepAll(&all))))
	for i := range 200 {
		m.Put(i, i)
	}
	for i := range 200 {
		m.Delete(i) // the last delete reseeds
	}
	require.Greater(t, len(all), n, "enough events to wrap the ring")
	got := l.Events()
	require.Len(t, got, n)
	require.Equal(t, uint64(len(all)), l.Total())
	want := all[len(all)-n:]
	require.Equal(t, kinds(want), kinds(got))
	for i := range got {
		require.Equal(t, want[i].Event(), got[i].Event(), "event %d", i)
		require.Equal(t, "users", got[i].Map)
		require.False(t, got[i].Time.IsZero())
		if i > 0 {
			require.False(t, got[i].Time.Before(got[i-1].Time), "oldest first")
		}
	}
	require.Equal(t, kindReseed, got[n-1].Kind, "emptying the map reseeds it last")
}

// TestEventLogNotFull: before the ring fills, Events returns what it has.
func TestEventLogNotFull(t *testing.T) {
	l := NewEventLog(100)
	require.Empty(t, l.Events())
	// The identity hasher splits the keys (see TestEventLogWriteTo).
	m := New[int, int](0, WithTracer(l.Tracer("m")), WithHasher[int](hash.Identity[int]{}))
	for i := range 9 {
		m.Put(i, i) // the ninth entry doubles the one-bucket table
	}
	require.Equal(t, []string{kindGrowStart, kindEvacuated, kindGrowDone}, kinds(l.Events()))
	require.Equal(t, GrowEvent{OldB: 0, NewB: 1, Count: 8}, withoutBytes(l.Events()[0].Grow))
}

func withoutBytes(e GrowEvent) GrowEvent {
	e.BytesAllocated, e.BytesReleased, e.BytesHeld = 0, 0, 0
	return e
}

// Recording into a full ring allocates nothing.
func TestEventLogRecordAllocs(t *testing.T) {
	l := NewEventLog(4)
	tr := l.Tracer("m")
	for range 8 {
		tr.GrowStart(GrowEvent{})
	}
	allocs := testing.AllocsPerRun(100, func() {
		tr.BucketEvacuated(EvacuateEvent{OldBucket: 1})
		tr.Reseed(ReseedEvent{Old: 1, New: 2})
	})
	require.Zero(t, allocs)
}

// Maps written on several goroutines share one log, which counts every
// event each of them reported.
func TestEventLogConcurrent(t *testing.T) {
	l := NewEventLog(64)
	const maps = 4
	var wg sync.WaitGroup
	seen := make([][]LoggedEvent, maps)
	for g := range maps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := New[int, int](0, WithTracer(Tracers(l.Tracer(fmt.Sprint("m", g)), keepAll(&seen[g]))))
			for i := range 1000 {
				m.Put(i, i)
			}
		}()
	}
	wg.Wait()
	total := 0
	for g := range maps {
		total += len(seen[g])
		require.Equal(t, 8, strings.Count(strings.Join(kinds(seen[g]), ","), kindGrowDone), "1000 entries take B from 0 to 8")
	}
	require.Equal(t, uint64(total), l.Total())
	require.Len(t, l.Events(), 64)
}

func TestEventLogWriteTo(t *testing.T) {
	l := NewEventLog(2)
	// The identity hasher splits keys 0 to 8 four and five: with a random
	// seed all nine land in one bucket of two once in 256 runs, and an
	// overflow event joins the three.
	m := New[int, int](0, WithHasher[int](hash.Identity[int]{}), WithTracer(l.Tracer("sessions")))
	for i := range 9 {
		m.Put(i, i)
	}
	var buf bytes.Buffer
	n, err := l.WriteTo(&buf)
	require.NoError(t, err)
	require.Equal(t, int64(buf.Len()), n)
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	require.Equal(t, "hmap events: the last 2 of 3", lines[0])
	require.Len(t, lines, 3)
	require.Contains(t, lines[1], " sessions: evacuated {OldBucket:0 X:0 Y:1 ")
	require.Contains(t, lines[2], " sessions: grow done {OldB:0 NewB:1 ")
}

func TestNewEventLogRange(t *testing.T) {
	require.PanicsWithValue(t, "table: NewEventLog(0): capacity out of range: want 1 or more", func() { NewEventLog(0) })
	require.PanicsWithValue(t, "table: NewEventLog(-3): capacity out of range: want 1 or more", func() { NewEventLog(-3) })
}

func TestSlogTracer(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	// The identity hasher splits the keys (see TestEventLogWriteTo).
	m := New[int, int](0, WithTracer(SlogTracer(logger, slog.LevelDebug, "users")), WithEvacuationPace(0), WithHasher[int](hash.Identity[int]{}))
	for i := range 9 {
		m.Put(i, i)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	require.Len(t, lines, 3, buf.String())
	require.True(t, strings.HasPrefix(lines[0], `level=DEBUG msg="hmap grow start" map=users event.OldB=0 event.NewB=1 event.SameSize=false event.Count=8 `), lines[0])
	require.True(t, strings.HasPrefix(lines[1], `level=DEBUG msg="hmap evacuated" map=users event.OldBucket=0 event.X=0 event.Y=1 `), lines[1])
	require.True(t, strings.HasPrefix(lines[2], `level=DEBUG msg="hmap grow done" map=users event.OldB=0 event.NewB=1 `), lines[2])

	// A logger that discards the level costs no formatting and logs nothing.
	buf.Reset()
	quiet := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	m = New[int, int](0, WithTracer(SlogTracer(quiet, slog.LevelDebug, "users")))
	for i := range 100 {
		m.Put(i, i)
	}
	require.Empty(t, buf.String())
}

func TestTracers(t *testing.T) {
	var a, b []string
	ta := &Tracer{GrowStart: func(GrowEvent) { a = append(a, "start") }, GrowDone: func(GrowEvent) { a = append(a, "done") }}
	tb := &Tracer{GrowDone: func(GrowEvent) { b = append(b, "done") }}
	all := Tracers(nil, ta, tb, nil)
	require.NotNil(t, all.GrowStart)
	require.NotNil(t, all.GrowDone)
	require.Nil(t, all.BucketEvacuated, "a kind no tracer watches stays unwatched, so the map never builds it")
	require.Nil(t, all.OverflowAllocated)
	require.Nil(t, all.Reseed)
	m := New[int, int](0, WithTracer(all), WithEvacuationPace(0))
	for i := range 9 {
		m.Put(i, i)
	}
	require.Equal(t, []string{"start", "done"}, a)
	require.Equal(t, []string{"done"}, b)
	require.Equal(t, Tracer{}, *Tracers(), "no tracer: nothing watched")
}

// TestGrowDoneBytes: the byte figures of ExampleEventLog's growths (it
// leaves them out of its output, which would depend on the pointer size).
// A string -> int bucket is 8 + 8*16 + 8*8 + 8 = 208 bytes on 64-bit
// platforms; on 32-bit ones 8 + 8*8 + 8*4 + 4 = 108, in arrays of 1, 2 and
// 4 buckets with pointers: 108 bytes take the 112-byte class; 216, over
// the 128-byte threshold, carry the malloc header, 224 less 8; 432 + 8 ->
// 448 less 8, 440. BytesReleased is the old array (at the third growth
// with its overflow bucket), BytesHeld what the map holds after: the new
// array (at the third, 888 or 1784 bytes, and an overflow bucket).
func TestGrowDoneBytes(t *testing.T) {
	var done []GrowEvent
	m := New[string, int](0, WithSeed(1), WithHasher(hash.XXH3[string]{}),
		WithTracer(&Tracer{GrowDone: func(e GrowEvent) { done = append(done, e) }}))
	for i := range 30 {
		m.Put(fmt.Sprint("user", i), i)
	}
	type bytes struct{ allocated, released, held int }
	var got []bytes
	for _, e := range done {
		got = append(got, bytes{e.BytesAllocated, e.BytesReleased, e.BytesHeld})
	}
	require.Equal(t, utWidth(
		[]bytes{{0, 208, 416}, {0, 416, 888}, {0, 1096, 1992}},
		[]bytes{{0, 112, 216}, {0, 216, 440}, {0, 552, 1000}},
	), got)
}
