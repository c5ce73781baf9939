package main

import (
	"fmt"
	"io"
	"math/bits"
	"strings"
	"time"

	"github.com/hmaplab/hmap/bucket"
	"github.com/hmaplab/hmap/table"
)

// How the tour speaks: wrapped prose, titles, drawings of the table, the
// tracer's events, and each insert and lookup narrated slot by slot.

func (t *tour) write(s string) {
	if t.err != nil {
		return
	}
	_, t.err = io.WriteString(t.out, s)
}

func (t *tour) printf(format string, args ...any) {
	t.write(fmt.Sprintf(format, args...))
}

// The text is a sequence of blocks — paragraphs, drawings, lists of lines —
// each after a blank line.

// line writes a line of a list, starting the list if need be.
func (t *tour) line(format string, args ...any) {
	if !t.inList {
		t.write("\n")
		t.inList = true
	}
	t.write(fmt.Sprintf(format, args...) + "\n")
}

// say writes a paragraph of prose, wrapped at textWidth.
func (t *tour) say(format string, args ...any) {
	t.inList = false
	t.write("\n" + wrap(fmt.Sprintf(format, args...), textWidth) + "\n")
}

// wrap breaks s into lines of at most width columns, at spaces.
func wrap(s string, width int) string {
	var sb strings.Builder
	col := 0
	for _, w := range strings.Fields(s) {
		switch {
		case col == 0:
		case col+1+len(w) > width:
			sb.WriteByte('\n')
			col = 0
		default:
			sb.WriteByte(' ')
			col++
		}
		sb.WriteString(w)
		col += len(w)
	}
	return sb.String()
}

func (t *tour) bold(s string) string {
	if t.o.color {
		return "\x1b[1m" + s + "\x1b[0m"
	}
	return s
}

func (t *tour) title(name string) {
	t.chapter++
	t.inList = false
	head := fmt.Sprintf("[%d/%d] %s", t.chapter, chapters, name)
	t.printf("\n\n%s\n%s\n", t.bold(head), strings.Repeat("-", len(head)))
}

// pause waits -step, after a step the reader should see before the next.
func (t *tour) pause() {
	if t.o.step > 0 && t.err == nil {
		time.Sleep(t.o.step)
	}
}

// draw renders m's table. Key listings are kept for tables of 8 buckets or
// fewer; larger arrays are summarised beyond 16 buckets.
func (t *tour) draw(m *table.Map[string, int], keys, legend bool) {
	v := m.Inspect()
	keys = keys && len(v.Buckets) <= 8 && len(v.OldBuckets) <= 8
	t.inList = false
	t.write("\n")
	if t.err == nil {
		t.err = v.Render(t.out, table.RenderOptions{Keys: keys, Style: t.style(), MaxBuckets: 16, Legend: legend})
	}
	t.pause()
}

// ---- maps, hashes and the tracer ----

// newMap makes a map of the tour, sized for hint entries, with the
// chosen hasher, seed and load factor, narrated by the tracer.
func (t *tour) newMap(hint int, name string) (*table.Map[string, int], bool) {
	m, err := table.TryNew[string, int](hint,
		table.WithHasher(t.o.hasher), table.WithSeed(t.o.seed),
		table.WithLoadFactor(t.o.loadNum, t.o.loadDen), table.WithTracer(t.tracer()))
	if err != nil {
		// The options were checked before the tour began.
		t.err = fmt.Errorf("map %s: %w", name, err)
		return nil, false
	}
	return m, true
}

func (t *tour) tracer() *table.Tracer {
	return &table.Tracer{
		GrowStart: func(e table.GrowEvent) {
			if e.SameSize {
				t.event("grow: B %d -> %d (same size: noverflow %d reached 2^%d), %s",
					e.OldB, e.NewB, e.Overflow, min(e.OldB, 15), nEntries(e.Count))
				return
			}
			t.event("grow: B %d -> %d (doubling), %s", e.OldB, e.NewB, nEntries(e.Count))
		},
		BucketEvacuated: func(e table.EvacuateEvent) {
			why := "touched" // the write is about to use it
			if e.Paced {
				why = "next" // at nevacuate, to advance the growth
			}
			if e.Y < 0 {
				t.event("evacuated old bucket %d -> bucket %d (%s) [%s]", e.OldBucket, e.X, nEntries(e.ToX), why)
				return
			}
			t.event("evacuated old bucket %d -> X %d (%s), Y %d (%s) [%s]",
				e.OldBucket, e.X, nEntries(e.ToX), e.Y, nEntries(e.ToY), why)
		},
		GrowDone: func(e table.GrowEvent) {
			t.growDone++
			t.event("grow done: B %d, %s; the old array is released", e.NewB, nEntries(e.Count))
		},
		OverflowAllocated: func(e table.OverflowEvent) {
			from := "newly allocated"
			if e.Spare {
				from = fmt.Sprintf("preallocated spare, %d left", e.SparesLeft)
			}
			t.event("overflow: chain %d now %d buckets (%s), noverflow %d", e.Bucket, e.ChainLen, from, e.Overflow)
		},
		Reseed: func(e table.ReseedEvent) {
			why := "the map became empty"
			if e.Clear {
				why = "the map was cleared"
			}
			t.event("reseed: %#08x -> %#08x (%s)", e.Old, e.New, why)
		},
	}
}

func (t *tour) event(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	t.pending = append(t.pending, line)
	t.res.Events = append(t.res.Events, line)
}

// flush prints the tracer lines of the last write.
func (t *tour) flush() {
	for _, l := range t.pending {
		t.line("  * %s", l)
	}
	t.pending = t.pending[:0]
}

// put inserts key and prints where it went: its hash, tophash, bucket and
// slot, then the tracer's events.
func (t *tour) put(m *table.Map[string, int], key string, elem int, show bool) {
	m.Put(key, elem)
	if show {
		t.line("%s", t.keyLine(m, key))
	}
	t.flush()
}

func (t *tour) keyLine(m *table.Map[string, int], key string) string {
	l := m.Locate(key)
	topStr := fmt.Sprintf("%02x", l.Tophash)
	if raw := uint8(l.Hash >> (bits.UintSize - 8)); raw != l.Tophash {
		topStr += " (+5)" // bumped above the reserved values
	}
	low := ""
	if l.B > 0 {
		low = fmt.Sprintf(" (%0*b)", l.B, l.Bucket)
	}
	where := "?"
	if l.Found && !l.Old {
		where = slotRef{l.Chain, l.Slot}.String()
	}
	// The hasher's 64 bits: on a 32-bit platform the table keeps their top
	// byte and low 24 bits (package hash), so the tour reads the same
	// there, bucket for bucket.
	h := t.o.hasher.Hash(key, uint64(m.Stats().Seed))
	return fmt.Sprintf("  %-4s  hash %016x  tophash %s  bucket %d%s  %s", key, h, topStr, l.Bucket, low, where)
}

// lookup narrates a lookup of key in m as Map.ExplainLookup reports it:
// along the chain, a bucket's eight tophash bytes at a time, comparing a
// key only where the byte matches, and ending after a bucket with an
// emptyRest slot. It returns the keys compared and whether key was found.
// Runs of slots ruled out by their byte are drawn as one line, and so are
// long runs of bytes that matched keys that did not.
func (t *tour) lookup(m *table.Map[string, int], key string) (compared int, found bool) {
	l := m.ExplainLookup(key)
	chain := m.InspectBucket(l.Bucket)
	if l.Old {
		chain = m.InspectOldBucket(l.OldBucket)
	}
	t.line("  lookup %s: bucket %d, tophash %02x", key, l.Bucket, l.Tophash)
	if l.Scan {
		t.line("  (a table of one bucket: the keys are compared directly, as the runtime's fast paths do)")
	}
	const (
		skip = iota + 1 // no key compared: the byte differs, or the slot is emptyOne
		vain            // the byte matches, the key differs
		rest            // emptyRest: the bucket holds nothing further
	)
	kind := 0
	var run []string // the run's cells (skip, rest) or lines (vain)
	var from slotRef
	endRun := func() {
		label := from.String()
		if len(run) > 1 && kind != vain {
			label = strings.Replace(label, "slot", "slots", 1) + fmt.Sprintf("-%d", from.S+len(run)-1)
		}
		switch {
		case len(run) == 0:
		case kind == skip:
			t.line("    %-20s %s  no match, skipped", label, strings.Join(run, " "))
		case kind == rest:
			t.line("    %-20s %s  emptyRest: nothing further in the chain", label, strings.Join(run, " "))
		case len(run) <= 4:
			for _, r := range run {
				t.line("%s", r)
			}
		default:
			t.line("%s", run[0])
			t.line("    ... %d more slots like it: tophash matches, keys differ", len(run)-2)
			t.line("%s", run[len(run)-1])
		}
		run, kind = run[:0], 0
	}
	for i, p := range l.Probes {
		r := slotRef{p.Chain, p.Slot}
		k := 0
		switch {
		case p.State == bucket.StateEmptyRest:
			k = rest
		case p.Outcome == table.SkippedEmpty:
			k = skip
		case p.Outcome == table.SkippedTophash:
			k = skip
		case p.Outcome == table.KeyDiffers:
			k = vain
		}
		// A run stays within one bucket, except lines of vain comparisons.
		if k != kind || (k != vain && i > 0 && p.Chain != l.Probes[i-1].Chain) {
			endRun()
			kind, from = k, r
		}
		other := chain[p.Chain].Keys[p.Slot]
		switch k {
		case rest:
			run = append(run, "..")
		case skip:
			cell := fmt.Sprintf("%02x", p.Tophash)
			if p.State == bucket.StateEmptyOne {
				cell = "__"
			}
			run = append(run, cell)
		case vain:
			run = append(run, fmt.Sprintf("    %-20s %02x  tophash matches; compare keys: %s != %s, go on",
				r, p.Tophash, other, key))
		default:
			endRun()
			t.line("    %-20s %02x  tophash matches; compare keys: %s == %s, found", r, p.Tophash, other, key)
		}
	}
	endRun()
	found = len(l.Probes) > 0 && l.Probes[len(l.Probes)-1].Outcome == table.KeyFound
	verdict := "not found"
	if found {
		verdict = "found"
	}
	t.line("  %s: %s read, %s compared", verdict, plural(len(l.Probes), "slot", "slots"), plural(l.KeysCompared, "key", "keys"))
	if _, ok := m.Get(key); ok != found {
		t.line("  (the map disagrees: Get says found=%v)", ok)
	}
	return l.KeysCompared, found
}
