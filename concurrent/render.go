package concurrent

import (
	"fmt"
	"io"
	"strings"

	"github.com/hmaplab/hmap/asm"
)

// RenderOptions control how a View is drawn as text. They are package
// table's, less Style: a concurrent map's slots have two states only.
type RenderOptions struct {
	// Keys lists each chain's full slots, as key=value, under its line.
	Keys bool
	// MaxBuckets is the most buckets drawn per table; a larger table is
	// summarised: its first buckets, those around the growth's cursor,
	// and histograms. Default (0) 32.
	MaxBuckets int
	// Legend explains the notation after the drawing.
	Legend bool
}

// Width is the widest line Render draws, key listings aside.
const Width = 80

// The drawing is package table's where the two maps share a concept: two
// characters per slot, its tophash in hex if it is full and ".." if it is
// empty; a chain's bodies left to right, two per line, linked by ">".
// What only a concurrent map has gets words rather than cell marks: an
// evacuated old bucket is one marker, not eight marked slots; a bucket
// may hold no body at all; a chain version has an epoch and may keep
// older versions for snapshots.
const legend = `cells: a3 full (tophash 0xa3)  .. empty (tophash byte 0)
links: > overflow body   - no chain: the bucket holds no body
old:   evacuated to i and j: the chain is the evacuation marker; its entries
       went to new bucket i (X half) or j = i + old size (Y half)
       <- nevacuate: the next old bucket writes claim to evacuate
       (writes also evacuate their own key's old bucket first)
versions: @e +n older  the chain version was made in snapshot epoch e, and
       n older versions are linked behind it, kept for live snapshots
apart: the chain's head is a copy a write made while a snapshot was alive,
       allocated apart; a chain otherwise starts in the bucket's own body
head:  overflow: overflow bodies in the chains shown
       epoch: the view holds, in each bucket, the version made before it
`

// keysLegend explains the key listing drawn under a chain with Keys set.
const keysLegend = `keys:  [j] s:key=value  body j of the chain ([0] the head),
       slot s, and the key and value it holds
`

const (
	bodiesPerLine = 2
	maxChainDrawn = 8 // bodies of one chain drawn before "+n more"
	indent        = "     "
)

// String draws the view with the default options.
func (v View[K, V]) String() string {
	var sb strings.Builder
	_ = v.Render(&sb, RenderOptions{})
	return sb.String()
}

// Render draws the map's tables, as View.Render draws Inspect's copy of
// them: the header, then one line per chain with every tophash byte and
// evacuation marker.
func (m *Map[K, V]) Render(w io.Writer, o RenderOptions) error {
	return m.Inspect().Render(w, o)
}

// Render draws the view as text: a header, then each table, one line per
// chain — the head's eight slots, then its overflow bodies to the right
// (wrapping, two bodies per line). During a growth the old table comes
// first, with its evacuated buckets and the cursor. Tables of more than
// MaxBuckets are summarised. Lines fit in Width columns unless Keys is set.
func (v View[K, V]) Render(w io.Writer, o RenderOptions) error {
	if o.MaxBuckets <= 0 {
		o.MaxBuckets = 32
	}
	r := renderer[K, V]{o: o}
	head := []string{
		fmt.Sprintf("count=%d", v.Count), fmt.Sprintf("B=%d", v.B),
		fmt.Sprintf("buckets=%d", v.Stats.Buckets), fmt.Sprintf("overflow=%d", v.OverflowBuckets),
		fmt.Sprintf("epoch=%d", v.Epoch), fmt.Sprintf("seed=%#x", v.Seed),
	}
	if v.SnapshotsAlive > 0 {
		head = append(head, fmt.Sprintf("snapshots=%d", v.SnapshotsAlive))
	}
	r.words(head...)
	if v.Growing {
		grow := []string{fmt.Sprintf("growing from %d old buckets:", v.Stats.OldBuckets),
			fmt.Sprintf("evacuated=%d", v.Evacuated)}
		if v.Nevacuate >= 0 {
			grow = append(grow, fmt.Sprintf("nevacuate=%d", v.Nevacuate))
		}
		r.words(grow...)
		r.line("old table:")
		cursor := -1
		if v.Nevacuate >= 0 && v.Nevacuate < len(v.OldBuckets) {
			cursor = v.Nevacuate
		}
		r.table(v.OldBuckets, cursor, true)
		r.line("new table:")
	}
	if v.Buckets == nil {
		r.line("  (no table: a nil *Map, or a zero Map before its first use)")
	} else {
		r.table(v.Buckets, -1, false)
	}
	if o.Legend {
		r.sb.WriteString(legend)
		if o.Keys {
			r.sb.WriteString(keysLegend)
		}
	}
	_, err := io.WriteString(w, r.sb.String())
	return err
}

type renderer[K comparable, V any] struct {
	o   RenderOptions
	sb  strings.Builder
	col int // width of the line being drawn
	old int // the old table's size while drawing it
}

// put draws s on the current line.
func (r *renderer[K, V]) put(s string) {
	r.sb.WriteString(s)
	r.col += len(s)
}

// fit draws s on the current line, or on a new one, indented, if it would
// pass Width.
func (r *renderer[K, V]) fit(s string) {
	if r.col > len(indent) && r.col+len(s) > Width {
		r.newline()
		r.put(indent)
		s = strings.TrimLeft(s, " ")
	}
	r.put(s)
}

func (r *renderer[K, V]) newline() {
	r.sb.WriteByte('\n')
	r.col = 0
}

// line draws s as a line of its own.
func (r *renderer[K, V]) line(s string) {
	r.put(s)
	r.newline()
}

// words draws ws separated by spaces, wrapping at Width.
func (r *renderer[K, V]) words(ws ...string) {
	for i, s := range ws {
		if i > 0 {
			s = " " + s
		}
		r.fit(s)
	}
	r.newline()
}

// table draws one bucket array: the old one of a growth if old is set,
// with cursor at nevacuate (-1 for none).
func (r *renderer[K, V]) table(chains []Chain[K, V], cursor int, old bool) {
	r.old = 0
	if old {
		r.old = len(chains)
	}
	n := len(chains)
	if n <= r.o.MaxBuckets {
		for i := range chains {
			r.chain(i, &chains[i], cursor)
		}
		return
	}
	// Summarise: the first buckets, and a window around the cursor.
	head := r.o.MaxBuckets / 2
	drawn := make([]bool, n)
	for i := range head {
		drawn[i] = true
	}
	if cursor >= 0 {
		for i := max(0, cursor-2); i < min(n, cursor+3); i++ {
			drawn[i] = true
		}
	}
	for i := 0; i < n; {
		if drawn[i] {
			r.chain(i, &chains[i], cursor)
			i++
			continue
		}
		j := i
		for j < n && !drawn[j] {
			j++
		}
		r.line(fmt.Sprintf("%s... %d buckets (%d..%d) not drawn", indent, j-i, i, j-1))
		i = j
	}
	r.summary(chains)
}

// chain draws chain i and, with Keys, its entries.
func (r *renderer[K, V]) chain(i int, c *Chain[K, V], cursor int) {
	r.put(fmt.Sprintf("%4d ", i))
	switch {
	case c.Evacuated:
		r.put(fmt.Sprintf("evacuated to %d and %d", i, i+r.old))
	case len(c.Bodies) == 0:
		r.put("-")
	}
	for j := range c.Bodies {
		if j == maxChainDrawn {
			r.put(fmt.Sprintf(" +%d more", len(c.Bodies)-j))
			break
		}
		if j > 0 && j%bodiesPerLine == 0 {
			r.newline()
			r.put(indent)
		}
		if j > 0 {
			r.put(" > ")
		}
		for s, t := range c.Bodies[j].Tophash {
			if s > 0 {
				r.put(" ")
			}
			r.put(cell(t))
		}
	}
	if c.Versions > 0 {
		// The stamp matters where a snapshot reads an older version:
		// elsewhere it only says which Inspect or Snapshot came last.
		r.fit(fmt.Sprintf("  @%d", c.Epoch))
		r.fit(fmt.Sprintf(" +%d older", c.Versions))
	}
	if c.Apart {
		r.fit("  apart")
	}
	if i == cursor {
		r.fit("   <- nevacuate")
	}
	r.newline()
	if r.o.Keys {
		for j := range c.Bodies {
			if entries := slotStrings(&c.Bodies[j]); entries != "" {
				r.line(fmt.Sprintf("%s[%d] %s", indent, j, entries))
			}
		}
	}
}

// summary draws the chain-length and slot-occupancy histograms of a table.
func (r *renderer[K, V]) summary(chains []Chain[K, V]) {
	var lengths []int
	var used [asm.SlotCount + 1]int
	evacuated := 0
	for i := range chains {
		c := &chains[i]
		if c.Evacuated {
			evacuated++
			continue
		}
		for len(lengths) <= len(c.Bodies) {
			lengths = append(lengths, 0)
		}
		lengths[len(c.Bodies)]++
		for j := range c.Bodies {
			used[c.Bodies[j].Full()]++
		}
	}
	ws := []string{indent + "chains by length:"}
	for l, k := range lengths {
		if k > 0 {
			ws = append(ws, fmt.Sprintf("%d:%d", l, k))
		}
	}
	if evacuated > 0 {
		ws = append(ws, fmt.Sprintf("evacuated:%d", evacuated))
	}
	r.words(ws...)
	ws = []string{indent + "bodies by slots used:"}
	for u, k := range used {
		if k > 0 {
			ws = append(ws, fmt.Sprintf("%d:%d", u, k))
		}
	}
	r.words(ws...)
}

// cell draws one slot.
func cell(top uint8) string {
	if top == 0 {
		return ".."
	}
	return fmt.Sprintf("%02x", top)
}

// slotStrings lists the full slots of b as "slot:key=value".
func slotStrings[K comparable, V any](b *BucketView[K, V]) string {
	var sb strings.Builder
	for i, t := range b.Tophash {
		if t != 0 {
			if sb.Len() > 0 {
				sb.WriteByte(' ')
			}
			fmt.Fprintf(&sb, "%d:%v=%v", i, b.Keys[i], b.Elems[i])
		}
	}
	return sb.String()
}
