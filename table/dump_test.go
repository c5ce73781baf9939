package table

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/internal/registry"
)

// utDump sends misuse dumps to d for one test.
func utDump(t *testing.T, d registry.DumpDest) {
	registry.SetDump(d)
	t.Cleanup(func() { registry.SetDump(registry.DumpDest{}) })
}

// Each misuse panic, provoked as in TestMisuseWriteFlag, carries the dump
// into its message and to the writer: which map, its Stats, its table,
// its last events.
func TestMisuseDump(t *testing.T) {
	var w bytes.Buffer
	utDump(t, registry.DumpDest{InPanic: true, Writer: &w})
	log := NewEventLog(64)
	m := New[int, int](0, WithName("dumped"), WithTracer(log.Tracer("dumped")), WithSeed(1))
	for k := range 20 {
		m.Put(k, k)
	}
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"Put", func() { m.Put(100, 1) }, errWrites},
		{"Delete", func() { m.Delete(3) }, errWrites},
		{"Clear", func() { m.Clear() }, errWrites},
		{"Shrink", func() { m.Shrink() }, errWrites},
		{"Get", func() { m.Get(1) }, errReadWrite},
		{"Clone", func() { m.Clone() }, errCloneWrite},
		{"All", func() {
			for range m.All() {
			}
		}, errIterWrite},
	}
	for _, c := range cases {
		w.Reset()
		m.count |= writing
		r := utRecover(c.f)
		m.count &^= writing
		m.flags &^= flagIterator | flagOldIterator
		msg, ok := r.(string)
		require.True(t, ok, "%s: panic value %T, want a string", c.name, r)
		head, dump, found := strings.Cut(msg, "\n\n")
		require.True(t, found, "%s: %q", c.name, msg)
		require.Equal(t, c.want, head, c.name)
		require.Equal(t, dump, w.String(), "%s: the same dump in the panic and to the writer", c.name)
		for _, part := range []string{
			"hmap: " + c.want + "\n",
			`map: table.Map[int, int] "dumped", created by github.com/hmaplab/hmap/table.TestMisuseDump at `,
			"\nstats: {Count:20 B:2 ",
			"\ntable: count=20 B=2 buckets=4 ",
			"(chains not drawn: another write is in progress)\n",
			"last events (",
			"grow start",
		} {
			require.Contains(t, dump, part, c.name)
		}
		utInv(t, m)
	}
}

// Without a destination the panic is the runtime's, word for word.
func TestMisuseNoDump(t *testing.T) {
	m := New[int, int](0, WithName("not-dumped"))
	m.Put(1, 1)
	m.count |= writing
	require.PanicsWithValue(t, errWrites, func() { m.Put(2, 2) })
	m.count &^= writing
}

// To a file, appended; the panic message stays the runtime's.
func TestMisuseDumpToFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dump.txt")
	utDump(t, registry.DumpDest{Path: path})
	m := New[string, int](0) // unnamed and not sampled: still dumped
	m.Put("a", 1)
	for range 2 {
		m.count |= writing
		require.PanicsWithValue(t, errReadWrite, func() { m.Get("a") })
		m.count &^= writing
	}
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, 2, strings.Count(string(b), "hmap: "+errReadWrite+"\nmap: table.Map[string, int]\nstats: {Count:1 "))
}

// A dump writer that panics does not replace the misuse panic.
func TestMisuseDumpWriterPanics(t *testing.T) {
	utDump(t, registry.DumpDest{Writer: panicWriter{}})
	m := New[int, int](0)
	m.Put(1, 1)
	m.count |= writing
	require.PanicsWithValue(t, errWrites, func() { m.Put(2, 2) })
	m.count &^= writing
}

type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("log sink down") }

// Dumping a big map draws a few chains: it does not copy the table (2.4
// MB of buckets here, 150 KB with -tags hmapdebug), as Inspect would.
func TestMisuseDumpIsBounded(t *testing.T) {
	n := 1 << 16
	if debugInvariants {
		n = 1 << 12 // each write walks the whole table: keep it quadratic in less
	}
	m := New[int, int](0, WithName("big"))
	for k := range n {
		m.Put(k, k)
	}
	allocated := func() uint64 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.TotalAlloc
	}
	// TotalAlloc counts the whole process's allocations, including those
	// of goroutines that other tests left running: they only add, so each
	// figure is the least of five failed checks, and the two are compared
	// as signed numbers (either may carry noise the other does not).
	broken := func() int64 {
		m.count++ // an invariant broken: one entry more than the table holds
		defer func() { m.count-- }()
		least := uint64(math.MaxUint64)
		for range 5 {
			before := allocated()
			require.NotNil(t, utRecover(m.mustCheckInvariants))
			least = min(least, allocated()-before)
		}
		return int64(least)
	}
	without := broken()
	var w bytes.Buffer
	utDump(t, registry.DumpDest{Writer: &w})
	with := broken()
	require.Less(t, with-without, int64(64<<10), "the dump allocated %d bytes", with-without)
	require.Contains(t, w.String(), fmt.Sprintf("(%d more chains)", m.Stats().Buckets-dumpChains))
}
