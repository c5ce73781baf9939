package table

import (
	"fmt"
	"io"
	"strings"

	"github.com/hmaplab/hmap/asm"
	"github.com/hmaplab/hmap/bucket"
)

// RenderOptions control how a View is drawn as text.
type RenderOptions struct {
	// Keys lists each bucket's full slots, as key=elem, under its line.
	Keys bool
	// MaxBuckets is the most regular buckets drawn per array; a larger
	// array is summarised: its first buckets, those around the evacuation
	// mark, and histograms. Default (0) 32.
	MaxBuckets int
	// Style, if set, decorates the text of each drawn cell with what it
	// shows: a slot's state, or StyleCursor for the evacuation mark's
	// pointer. A terminal program uses it for colours; the drawing's
	// layout does not change, whatever it adds.
	Style func(text string, state bucket.SlotState) string
	// Legend explains the notation after the drawing.
	Legend bool
}

// Width is the widest line Render draws, key listings aside.
const Width = 80

// The drawing gives each slot two characters: its tophash in hex if it is
// full, else a mark for its state. A chain's buckets follow each other
// left to right, two per line.
const legend = `cells: a3 full (tophash 0xa3)  .. emptyRest  __ emptyOne
       X> Y> evacuated to the X / Y half  -. evacuatedEmpty
links: > overflow bucket  >* preallocated spare   <- nevacuate: next to evacuate
head:  spare: preallocated overflow buckets not yet used
       noverflow: overflow buckets counted toward a same-size growth
`

// keysLegend explains the key listing drawn under a chain with Keys set.
const keysLegend = `keys:  [j] s:key=elem  bucket j of the chain ([0] the regular one),
       slot s, and the key and elem it holds
`

// StyleCursor is the state RenderOptions.Style receives for the
// "<- nevacuate" pointer, which is not a slot.
const StyleCursor bucket.SlotState = 255

const (
	bucketsPerLine = 2
	maxChainDrawn  = 8 // buckets of one chain drawn before "+n more"
	indent         = "     "
)

// String draws the view with the default options.
func (v View[K, V]) String() string {
	var sb strings.Builder
	_ = v.Render(&sb, RenderOptions{})
	return sb.String()
}

// Render draws the map's table, as View.Render draws Inspect's copy of it:
// the header, then one line per chain with every tophash byte and
// evacuation mark. (Printing the map with fmt shows its entries instead,
// as for a builtin map.)
func (m *Map[K, V]) Render(w io.Writer, o RenderOptions) error {
	return m.Inspect().Render(w, o)
}

// Render draws the view as text: a header line, then each array, one line
// per chain — the regular bucket's eight slots, then its overflow buckets
// to the right (wrapping, two buckets per line). Arrays of more than
// MaxBuckets are summarised. Lines fit in Width columns unless Keys is set.
func (v View[K, V]) Render(w io.Writer, o RenderOptions) error {
	if o.MaxBuckets <= 0 {
		o.MaxBuckets = 32
	}
	r := renderer[K, V]{o: o}
	r.printf("count=%d B=%d buckets=%d spare=%d noverflow=%d seed=%#08x\n",
		v.Count, v.B, v.Stats.Buckets, v.SpareBuckets, v.Noverflow, v.Seed)
	if v.Growing {
		kind := "doubling"
		if v.SameSizeGrow {
			kind = "same-size"
		}
		r.printf("growing (%s) from %d old buckets, nevacuate=%d\n", kind, v.Stats.OldBuckets, v.Nevacuate)
		r.printf("old array:\n")
		r.array(v.OldBuckets, v.Nevacuate)
		r.printf("new array:\n")
	}
	if v.Buckets == nil {
		r.printf("  (no bucket yet: the first insert allocates one)\n")
	} else {
		r.array(v.Buckets, -1)
	}
	if o.Legend {
		r.printf("%s", legend)
		if o.Keys {
			r.printf("%s", keysLegend)
		}
	}
	_, err := io.WriteString(w, r.sb.String())
	return err
}

type renderer[K comparable, V any] struct {
	o  RenderOptions
	sb strings.Builder
}

func (r *renderer[K, V]) printf(format string, args ...any) {
	fmt.Fprintf(&r.sb, format, args...)
}

// array draws one bucket array; cursor is nevacuate for an old array, -1
// otherwise.
func (r *renderer[K, V]) array(chains []Chain[K, V], cursor int) {
	n := len(chains)
	if n <= r.o.MaxBuckets {
		for i := range chains {
			r.chain(i, chains[i], cursor)
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
			r.chain(i, chains[i], cursor)
			i++
			continue
		}
		j := i
		for j < n && !drawn[j] {
			j++
		}
		r.printf("%s... %d buckets (%d..%d) not drawn\n", indent, j-i, i, j-1)
		i = j
	}
	r.summary(chains)
}

// chain draws chain i and, with Keys, its entries.
func (r *renderer[K, V]) chain(i int, c Chain[K, V], cursor int) {
	r.printf("%4d ", i)
	for j := range c {
		if j == maxChainDrawn {
			r.printf(" +%d more", len(c)-j)
			break
		}
		if j > 0 && j%bucketsPerLine == 0 {
			r.printf("\n%s", indent)
		}
		switch {
		case j == 0:
		case c[j].Spare:
			r.printf(" >*")
		default:
			r.printf(" > ")
		}
		for s, t := range c[j].Tophash {
			if s > 0 {
				r.printf(" ")
			}
			r.printf("%s", r.cell(t))
		}
	}
	if i == cursor {
		r.printf("   %s", r.paint("<- nevacuate", StyleCursor))
	}
	r.printf("\n")
	if r.o.Keys {
		for j := range c {
			if entries := slotStrings(&c[j]); entries != "" {
				r.printf("%s[%d] %s\n", indent, j, entries)
			}
		}
	}
}

// summary prints the chain-length and slot-occupancy histograms of an array.
func (r *renderer[K, V]) summary(chains []Chain[K, V]) {
	var lengths []int
	var used [asm.SlotCount + 1]int
	for _, c := range chains {
		for len(lengths) <= len(c) {
			lengths = append(lengths, 0)
		}
		lengths[len(c)]++
		for j := range c {
			used[c[j].Full()]++
		}
	}
	r.printf("%schains by length:", indent)
	for l, k := range lengths {
		if k > 0 {
			r.printf(" %d:%d", l, k)
		}
	}
	r.printf("\n%sbuckets by slots used:", indent)
	for u, k := range used {
		if k > 0 {
			r.printf(" %d:%d", u, k)
		}
	}
	r.printf("\n")
}

// cell draws one slot.
func (r *renderer[K, V]) cell(top uint8) string {
	state := bucket.StateOf(top)
	text := [...]string{"..", "__", "X>", "Y>", "-."}
	if state == bucket.StateFull {
		return r.paint(fmt.Sprintf("%02x", top), state)
	}
	return r.paint(text[state], state)
}

func (r *renderer[K, V]) paint(s string, state bucket.SlotState) string {
	if r.o.Style != nil {
		return r.o.Style(s, state)
	}
	return s
}

// slotStrings lists the full slots of b as "slot:key=elem".
func slotStrings[K comparable, V any](b *BucketView[K, V]) string {
	var sb strings.Builder
	for i, t := range b.Tophash {
		if t >= asm.MinTopHash {
			if sb.Len() > 0 {
				sb.WriteByte(' ')
			}
			fmt.Fprintf(&sb, "%d:%v=%v", i, b.Keys[i], b.Elems[i])
		}
	}
	return sb.String()
}
