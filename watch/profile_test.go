package watch

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hmaplab/hmap/concurrent"
	"github.com/hmaplab/hmap/table"
	"github.com/stretchr/testify/require"
)

// The maps of the profile tests come from functions of their own, so
// that each is a creation site of its own in the profile. Their names
// start with a prefix of the test's own, for maps of other tests (or of
// an earlier run with -count) may not have left the registry yet.

var profileTests atomic.Int64

// profileTestPrefix returns a prefix of map names no other test uses.
func profileTestPrefix() string {
	return "profile-test-" + strconv.FormatInt(profileTests.Add(1), 10) + "/"
}

//go:noinline
func makeBig(prefix string) *table.Map[int, int] {
	m := table.New[int, int](0, table.WithName(prefix+"big"))
	for i := range 5000 {
		m.Put(i, i)
	}
	return m
}

//go:noinline
func makeSmall(prefix string) *table.Map[int, int] {
	m := table.New[int, int](0, table.WithName(prefix+"small"))
	for i := range 10 {
		m.Put(i, i)
	}
	return m
}

//go:noinline
func makeConcurrent(prefix string) *concurrent.Map[int, string] {
	m := concurrent.New[int, string](0, concurrent.WithName(prefix+"concurrent"))
	for i := range 100 {
		m.Store(i, "")
	}
	return m
}

// makeInlined is small enough to be inlined into its caller, so that its
// frame and its caller's share an address: one location, two lines.
func makeInlined(name table.Option) *table.Map[string, int] {
	return table.New[string, int](0, name)
}

// profileOf decodes the gzipped profile p.
func profileOf(t *testing.T, p []byte) *testProfile {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(p))
	require.NoError(t, err)
	raw, err := io.ReadAll(zr)
	require.NoError(t, err)
	return decodeProfile(t, raw)
}

func TestWriteProfile(t *testing.T) {
	prefix := profileTestPrefix()
	big, small, inl := makeBig(prefix), makeSmall(prefix), makeInlined(table.WithName(prefix+"inlined"))
	defer runtime.KeepAlive(big)
	defer runtime.KeepAlive(small)
	defer runtime.KeepAlive(inl)
	conc := makeConcurrent(prefix)
	defer runtime.KeepAlive(conc)

	var buf bytes.Buffer
	require.NoError(t, WriteProfile(&buf, ""))
	p := profileOf(t, buf.Bytes())

	require.Equal(t, "", p.strings[0])
	require.Equal(t, [][2]string{{"maps", "count"}, {"entries", "count"}, {"bytes", "bytes"}}, p.sampleTypes)
	require.Equal(t, "entries", p.defaultType)
	require.Equal(t, [2]string{"maps", "count"}, p.periodType)
	require.Equal(t, int64(1), p.period)
	require.NotZero(t, p.timeNanos)
	require.Len(t, p.comments, 1)

	infos := map[string]Info{}
	for _, m := range Maps() {
		infos[m.Name] = m
	}
	for _, c := range []struct {
		name, fn, typ string
		entries       int64
	}{
		{prefix + "big", "makeBig", "table.Map[int, int]", 5000},
		{prefix + "small", "makeSmall", "table.Map[int, int]", 10},
		{prefix + "inlined", "makeInlined", "table.Map[string, int]", 0},
		{prefix + "concurrent", "makeConcurrent", "concurrent.Map[int, string]", 100},
	} {
		s := p.sampleNamed(c.name)
		require.NotNil(t, s, c.name)
		info := infos[c.name]
		require.Equal(t, []int64{1, c.entries, int64(info.Stats.BytesAllocated)}, s.values, c.name)
		require.Equal(t, c.typ, s.labels["type"], c.name)
		require.Equal(t, "github.com/hmaplab/hmap/watch", s.labels["package"], c.name)

		// The locations' lines, read in order, are the frames of the
		// creation stack, the creating function first.
		var got []string
		for _, id := range s.locations {
			for _, l := range p.locations[id].lines {
				require.NotZero(t, l.line)
				got = append(got, p.functions[l.function].name)
			}
		}
		var want []string
		frames := runtime.CallersFrames(info.Stack)
		for {
			f, more := frames.Next()
			want = append(want, f.Function)
			if !more {
				break
			}
		}
		require.Equal(t, want, got, c.name)
		require.Equal(t, "github.com/hmaplab/hmap/watch."+c.fn, got[0], c.name)
		require.Equal(t, "github.com/hmaplab/hmap/watch.TestWriteProfile", got[1], c.name)
		first := p.locations[s.locations[0]]
		require.Equal(t, uint64(1), first.mapping, c.name)
		require.Equal(t, "profile_test.go", filepath.Base(p.functions[first.lines[0].function].file), c.name)
	}

	// Inlined or not (go test -gcflags=-l), a location is one call: its
	// last line is a function of its own, the others were inlined into it.
	inlined := p.locations[p.sampleNamed(prefix + "inlined").locations[0]]
	if len(inlined.lines) == 2 {
		require.Equal(t, "github.com/hmaplab/hmap/watch.TestWriteProfile", p.functions[inlined.lines[1].function].name)
	} else {
		require.Len(t, inlined.lines, 1)
	}

	for _, sample := range []string{"maps", "bytes", "entries"} {
		buf.Reset()
		require.NoError(t, WriteProfile(&buf, sample))
		require.Equal(t, sample, profileOf(t, buf.Bytes()).defaultType)
	}
}

func TestWriteProfileBadSample(t *testing.T) {
	var buf bytes.Buffer
	err := WriteProfile(&buf, "foo")
	require.EqualError(t, err, `watch: WriteProfile: sample "foo": want "entries", "bytes" or "maps"`)
	require.Zero(t, buf.Len())
}

// TestProfileWithPprof reads the profile with go tool pprof, from a file
// and from ProfileHandler, as a user would.
func TestProfileWithPprof(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go tool pprof, which may have to be built first")
	}
	goCmd, err := exec.LookPath("go")
	require.NoError(t, err, "go tool pprof reads the profile: the go command must be on PATH")

	prefix := profileTestPrefix()
	big, small := makeBig(prefix), makeSmall(prefix)
	defer runtime.KeepAlive(big)
	defer runtime.KeepAlive(small)

	dir := t.TempDir()
	file := filepath.Join(dir, "hmap.pb.gz")
	f, err := os.Create(file)
	require.NoError(t, err)
	require.NoError(t, WriteProfile(f, "bytes"))
	require.NoError(t, f.Close())

	pprof := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goCmd, append([]string{"tool", "pprof"}, args...)...)
		// pprof keeps a copy of each profile it fetches under
		// $PPROF_TMPDIR, $HOME/pprof by default.
		cmd.Env = append(os.Environ(), "PPROF_TMPDIR="+dir)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go tool pprof %s:\n%s", strings.Join(args, " "), out)
		return string(out)
	}
	// Other tests' maps may be alive too: focus on this test's, and show
	// every node, small ones included.
	focus := "-tagfocus=name=^" + regexp.QuoteMeta(prefix)

	args := []string{"-top", "-nodefraction=0", "-sample_index=entries", focus, file}
	top := pprof(args...)
	t.Logf("go tool pprof %s:\n%s", strings.Join(args, " "), top)
	rows := topRows(t, top)
	require.GreaterOrEqual(t, len(rows), 2, top)
	require.Equal(t, []string{"5000", "github.com/hmaplab/hmap/watch.makeBig"}, rows[0], top)
	require.Contains(t, rows, []string{"10", "github.com/hmaplab/hmap/watch.makeSmall"}, top)
	require.Contains(t, top, "Type: entries")

	// The file's default is bytes.
	require.Contains(t, pprof("-top", file), "Type: bytes")

	raw := pprof("-raw", file)
	require.Contains(t, raw, "maps/count entries/count bytes/bytes")
	require.Contains(t, raw, "name:["+prefix+"big]")
	require.Contains(t, raw, "type:[table.Map[int, int]]")
	require.Contains(t, raw, "package:[github.com/hmaplab/hmap/watch]")
	require.Contains(t, raw, "watch.makeBig")

	// From the handler, with the seconds pprof may add.
	srv := httptest.NewServer(ProfileHandler())
	defer srv.Close()
	top = pprof("-top", "-nodefraction=0", focus, srv.URL+"/debug/pprof/hmap?sample=maps&seconds=1")
	require.Contains(t, top, "Type: maps")
	rows = topRows(t, top)
	require.Contains(t, rows, []string{"1", "github.com/hmaplab/hmap/watch.makeBig"}, top)
	require.Contains(t, rows, []string{"1", "github.com/hmaplab/hmap/watch.makeSmall"}, top)
}

// topRows returns the flat value and the function of each row of pprof's
// -top output.
func topRows(t *testing.T, out string) [][]string {
	t.Helper()
	var rows [][]string
	header := false
	for _, line := range strings.Split(out, "\n") {
		cols := strings.Fields(line)
		switch {
		case len(cols) >= 5 && cols[0] == "flat" && cols[1] == "flat%":
			header = true
		case header && len(cols) >= 6:
			rows = append(rows, []string{cols[0], cols[5]})
		}
	}
	require.True(t, header, "no -top table in:\n%s", out)
	return rows
}

func TestProfileHandler(t *testing.T) {
	prefix := profileTestPrefix()
	big := makeBig(prefix)
	defer runtime.KeepAlive(big)
	srv := httptest.NewServer(ProfileHandler())
	defer srv.Close()

	resp, err := http.Get(srv.URL + "?sample=nope")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Contains(t, string(body), `sample "nope": want "entries", "bytes" or "maps"`)

	for query, want := range map[string]string{"": "entries", "?sample=bytes&seconds=30": "bytes", "?sample=maps": "maps"} {
		resp, err := http.Get(srv.URL + query)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusOK, resp.StatusCode, query)
		require.Equal(t, "application/octet-stream", resp.Header.Get("Content-Type"))
		require.Equal(t, `attachment; filename="hmap.pb.gz"`, resp.Header.Get("Content-Disposition"))
		require.True(t, bytes.HasPrefix(body, []byte{0x1f, 0x8b}), "not gzip: % x", body[:min(len(body), 8)])
		p := profileOf(t, body)
		require.Equal(t, want, p.defaultType, query)
		require.NotNil(t, p.sampleNamed(prefix+"big"))
	}
}

func TestProtoBufEncoding(t *testing.T) {
	var p protoBuf
	p.uint(1, 0) // left out
	p.uint(1, 150)
	p.int(2, 1)
	p.bool(3, false) // left out
	p.bool(3, true)
	p.string(4, "")
	p.string(4, "hi")
	p.packedUints(5, []uint64{3, 270, 86942})
	p.packedUints(5, nil) // left out
	p.message(6, func(m *protoBuf) {
		m.uint(1, 1)
		m.message(2, func(m *protoBuf) {
			for range 200 { // a body of 200 bytes needs a two-byte length
				m.b = append(m.b, 'x')
			}
		})
	})
	want := []byte{
		0x08, 0x96, 0x01,
		0x10, 0x01,
		0x18, 0x01,
		0x22, 0x00,
		0x22, 0x02, 'h', 'i',
		0x2a, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05,
		0x32, 0xcd, 0x01, 0x08, 0x01, 0x12, 0xc8, 0x01,
	}
	want = append(want, bytes.Repeat([]byte{'x'}, 200)...)
	require.Equal(t, want, p.b)
}

// What follows reads back what the tests need of a profile: a protocol
// buffer reader of a few dozen lines, for the wire types the profile
// uses.

type testProfile struct {
	strings     []string
	sampleTypes [][2]string
	samples     []testSample
	locations   map[uint64]testLocation
	functions   map[uint64]testFunction
	mappings    []uint64
	timeNanos   int64
	periodType  [2]string
	period      int64
	comments    []string
	defaultType string
}

type testSample struct {
	locations []uint64
	values    []int64
	labels    map[string]string
}

type testLocation struct {
	mapping uint64
	address uint64
	lines   []testLine
}

type testLine struct {
	function uint64
	line     int64
}

type testFunction struct{ name, system, file string }

// sampleNamed returns the sample labeled name, or nil.
func (p *testProfile) sampleNamed(name string) *testSample {
	for i := range p.samples {
		if p.samples[i].labels["name"] == name {
			return &p.samples[i]
		}
	}
	return nil
}

// protoField is one field of a message: its number, and its value as a
// varint or as the bytes of a length-delimited field.
type protoField struct {
	num   int
	x     uint64
	bytes []byte
}

// fields splits a message into its fields.
func fields(t *testing.T, b []byte) []protoField {
	t.Helper()
	var out []protoField
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		require.Positive(t, n, "bad key")
		b = b[n:]
		f := protoField{num: int(key >> 3)}
		switch key & 7 {
		case 0:
			f.x, n = binary.Uvarint(b)
			require.Positive(t, n, "bad varint in field %d", f.num)
			b = b[n:]
		case 2:
			l, n := binary.Uvarint(b)
			require.Positive(t, n, "bad length in field %d", f.num)
			require.LessOrEqual(t, l, uint64(len(b)-n), "field %d overruns its message", f.num)
			f.bytes = b[n : n+int(l)]
			b = b[n+int(l):]
		default:
			t.Fatalf("field %d: unexpected wire type %d", f.num, key&7)
		}
		out = append(out, f)
	}
	return out
}

// varints returns a repeated integer field's values, packed or not.
func varints(t *testing.T, f protoField) []uint64 {
	t.Helper()
	if f.bytes == nil {
		return []uint64{f.x}
	}
	var out []uint64
	for b := f.bytes; len(b) > 0; {
		x, n := binary.Uvarint(b)
		require.Positive(t, n)
		out = append(out, x)
		b = b[n:]
	}
	return out
}

func decodeProfile(t *testing.T, b []byte) *testProfile {
	t.Helper()
	p := &testProfile{locations: map[uint64]testLocation{}, functions: map[uint64]testFunction{}}
	// Strings are indices into the table, which may come last: they are
	// kept as indices until it is read.
	var sampleTypes [][2]uint64
	type rawLabel struct{ key, str uint64 }
	var labels [][]rawLabel
	var defaultType uint64
	var periodType [2]uint64
	var comments []uint64
	var funcRefs [][4]uint64 // id, name, system name, file

	valueType := func(b []byte) (v [2]uint64) {
		for _, f := range fields(t, b) {
			if f.num == 1 || f.num == 2 {
				v[f.num-1] = f.x
			}
		}
		return v
	}
	for _, f := range fields(t, b) {
		switch f.num {
		case 1:
			sampleTypes = append(sampleTypes, valueType(f.bytes))
		case 2:
			var s testSample
			var ls []rawLabel
			for _, g := range fields(t, f.bytes) {
				switch g.num {
				case 1:
					s.locations = append(s.locations, varints(t, g)...)
				case 2:
					for _, v := range varints(t, g) {
						s.values = append(s.values, int64(v))
					}
				case 3:
					var l rawLabel
					for _, h := range fields(t, g.bytes) {
						switch h.num {
						case 1:
							l.key = h.x
						case 2:
							l.str = h.x
						}
					}
					ls = append(ls, l)
				}
			}
			p.samples = append(p.samples, s)
			labels = append(labels, ls)
		case 3:
			for _, g := range fields(t, f.bytes) {
				if g.num == 1 {
					p.mappings = append(p.mappings, g.x)
				}
			}
		case 4:
			var id uint64
			var l testLocation
			for _, g := range fields(t, f.bytes) {
				switch g.num {
				case 1:
					id = g.x
				case 2:
					l.mapping = g.x
				case 3:
					l.address = g.x
				case 4:
					var ln testLine
					for _, h := range fields(t, g.bytes) {
						switch h.num {
						case 1:
							ln.function = h.x
						case 2:
							ln.line = int64(h.x)
						}
					}
					l.lines = append(l.lines, ln)
				}
			}
			require.NotZero(t, id)
			require.NotContains(t, p.locations, id, "location id twice")
			p.locations[id] = l
		case 5:
			var id uint64
			var name, system, file uint64
			for _, g := range fields(t, f.bytes) {
				switch g.num {
				case 1:
					id = g.x
				case 2:
					name = g.x
				case 3:
					system = g.x
				case 4:
					file = g.x
				}
			}
			require.NotZero(t, id)
			require.NotContains(t, p.functions, id, "function id twice")
			p.functions[id] = testFunction{} // its strings once the table is read
			funcRefs = append(funcRefs, [4]uint64{id, name, system, file})
		case 6:
			p.strings = append(p.strings, string(f.bytes))
		case 9:
			p.timeNanos = int64(f.x)
		case 11:
			periodType = valueType(f.bytes)
		case 12:
			p.period = int64(f.x)
		case 13:
			comments = append(comments, varints(t, f)...)
		case 14:
			defaultType = f.x
		}
	}
	str := func(i uint64) string {
		require.Less(t, i, uint64(len(p.strings)), "string index out of range")
		return p.strings[i]
	}
	for _, st := range sampleTypes {
		p.sampleTypes = append(p.sampleTypes, [2]string{str(st[0]), str(st[1])})
	}
	p.periodType = [2]string{str(periodType[0]), str(periodType[1])}
	p.defaultType = str(defaultType)
	for _, c := range comments {
		p.comments = append(p.comments, str(c))
	}
	for i, ls := range labels {
		p.samples[i].labels = map[string]string{}
		for _, l := range ls {
			p.samples[i].labels[str(l.key)] = str(l.str)
		}
		require.Len(t, p.samples[i].values, len(p.sampleTypes))
		for _, id := range p.samples[i].locations {
			require.Contains(t, p.locations, id, "sample names a missing location")
		}
	}
	for _, r := range funcRefs {
		p.functions[r[0]] = testFunction{str(r[1]), str(r[2]), str(r[3])}
	}
	for _, l := range p.locations {
		require.Contains(t, p.mappings, l.mapping, "location names a missing mapping")
		for _, ln := range l.lines {
			require.Contains(t, p.functions, ln.function, "line names a missing function")
		}
	}
	return p
}
