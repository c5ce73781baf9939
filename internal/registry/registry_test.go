package registry

import (
	"bytes"
	"fmt"
	"io"
	"math/bits"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHashBitsStuck(t *testing.T) {
	var h HashBits
	require.Zero(t, h.Stuck(), "nothing seen")
	h.Add(0xf0)
	require.Zero(t, h.Stuck(), "one hash proves nothing")
	h.Add(0x0f)
	// Bits 0-7 varied; the rest were 0 in both.
	require.Equal(t, bits.UintSize-8, h.Stuck())
	require.Equal(t, HashBits{Seen: 2, Or: 0xff, And: 0}, h)

	var all HashBits
	all.Add(^uint64(0))
	all.Add(^uint64(0))
	require.Equal(t, bits.UintSize, all.Stuck(), "set in every hash is stuck too")
}

func TestMergeAndPublish(t *testing.T) {
	h := &Handle{}
	var hb HashBits
	hb.Add(1)
	hb.Add(3)
	h.Merge(hb, Probe{Entries: 2, Sum: 3, Max: 2})
	h.Merge(HashBits{}, Probe{}) // nothing recorded: no change
	h.Publish(Stats{Count: 1}, 2, 1)
	h.Publish(Stats{Count: 1}, 99, 0) // an update: nothing recorded
	h.Publish(Stats{Count: 0}, 0, 0)  // a delete
	info := h.Info()
	require.Equal(t, HashBits{Seen: 3, Or: 3, And: 0}, info.Hashes)
	require.Equal(t, Probe{Entries: 3, Sum: 4, Max: 2}, info.Probe)
	require.Equal(t, Stats{Count: 0, Inserts: 1, Deletes: 1}, info.Stats)
}

// A dump that panics (a torn table, read while another goroutine writes
// it) is cut short with the reason; the misuse message still leads.
func TestMisuseDumpCutShort(t *testing.T) {
	var w bytes.Buffer
	SetDump(DumpDest{InPanic: true, Writer: &w})
	defer SetDump(DumpDest{})
	msg := Misuse("concurrent map writes", func(w io.Writer) {
		fmt.Fprintln(w, "map: half")
		panic("torn")
	})
	want := "hmap: concurrent map writes\nmap: half\n(dump cut short: torn)\n"
	require.Equal(t, "concurrent map writes\n\n"+want, msg)
	require.Equal(t, want, w.String())

	SetDump(DumpDest{})
	require.False(t, Dumping())
	require.Equal(t, "x", Misuse("x", func(io.Writer) { t.Fatal("no dump when off") }))
}

func TestPackageOf(t *testing.T) {
	for fn, want := range map[string]string{
		"main.main":                    "main",
		"example.com/a/b.(*T[...]).M":  "example.com/a/b",
		"example.com/a/b.F.func1":      "example.com/a/b",
		"github.com/x/y.v2/z.New[...]": "github.com/x/y.v2/z",
		"noDots":                       "noDots",
	} {
		require.Equal(t, want, packageOf(fn), fn)
	}
}
