package watch

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"time"
)

// The profile's sample types, in the order of each sample's values.
var profileTypes = [...]struct{ typ, unit string }{
	{"maps", "count"},
	{"entries", "count"},
	{"bytes", "bytes"},
}

// profileIndex returns the index in profileTypes of the sample type
// WriteProfile is asked to make the default, "" meaning entries.
func profileIndex(sample string) (int, error) {
	switch sample {
	case "maps":
		return 0, nil
	case "", "entries":
		return 1, nil
	case "bytes":
		return 2, nil
	}
	return 0, fmt.Errorf(`watch: WriteProfile: sample %q: want "entries", "bytes" or "maps"`, sample)
}

// WriteProfile writes a pprof profile of the watched maps by creation
// stack. It answers which code created the big maps, as a heap profile
// answers which code allocated the memory. Publish serves it at
// /debug/pprof/hmap, where
//
//	go tool pprof -top -sample_index=entries http://localhost:6060/debug/pprof/hmap
//
// lists the functions that created maps by their entries: flat counts
// the maps a function created itself, cum those it created directly or
// through its callees, as in any other profile.
//
// Each map is one sample with three values: maps (1), entries
// (Stats.Count) and bytes (Stats.BytesAllocated: 0 for a concurrent.Map,
// which does not count its bucket memory). sample, "entries" (or ""),
// "bytes" or "maps", is the one pprof shows unless its -sample_index
// says otherwise. The samples carry the map's name, type and package as
// labels, for pprof's -tags, -tagfocus and -tagshow. Only watched maps
// are in the profile, and its values are not scaled up: with sampling
// on, an unnamed creation site shows about 1 in SampleRate of its maps.
// The profile's comment says the rate.
//
// The profile is gzipped protocol buffers, profile.proto of
// github.com/google/pprof. WriteProfile encodes it itself: the format
// needs only varints and nested messages, and the standard library
// exports no encoder. It returns an error, and writes nothing, for an
// unknown sample; otherwise only w's errors.
func WriteProfile(w io.Writer, sample string) error {
	def, err := profileIndex(sample)
	if err != nil {
		return err
	}
	zw := gzip.NewWriter(w)
	if _, err := zw.Write(buildProfile(Maps(), def, time.Now())); err != nil {
		return err
	}
	return zw.Close()
}

// ProfileHandler serves WriteProfile, the default sample type taken from
// the query parameter sample; a bad one is a 400 with the error. Other
// parameters, such as the seconds that go tool pprof adds for some
// profiles, are ignored: the profile is a snapshot, not a measurement
// over time.
func ProfileHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sample := r.URL.Query().Get("sample")
		if _, err := profileIndex(sample); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="hmap.pb.gz"`)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		// WriteProfile fails only when w does, once the status line
		// has gone out: the client has gone away, and there is no one
		// to tell.
		_ = WriteProfile(w, sample)
	})
}

// profileBuilder assembles a profile's messages. Every string in a
// profile is an index into its string table, and every function and
// location an id, so the builder interns them as it goes.
type profileBuilder struct {
	pb        protoBuf
	strings   []string
	stringIdx map[string]int64
	funcs     map[funcKey]uint64
	locs      map[locKey]uint64
	nlocs     uint64
	locPB     protoBuf // the Location messages, written out after the samples
	funcPB    protoBuf // the Function messages
}

// funcKey identifies a Function message. The instantiations of a generic
// function share name and file, and are one Function, as they are one
// function in the source.
type funcKey struct{ name, file string }

// locKey identifies a Location message: the address of a call, and how
// many of the frames inlined there it shows. A stack cut short at its
// depth limit may end within a chain of inlined calls, and that
// location's frames are a prefix of the full one's.
type locKey struct {
	addr  uintptr
	lines int
}

// The field numbers of profile.proto.
const (
	profSampleType        = 1
	profSample            = 2
	profMapping           = 3
	profLocation          = 4
	profFunction          = 5
	profStringTable       = 6
	profTimeNanos         = 9
	profPeriodType        = 11
	profPeriod            = 12
	profComment           = 13
	profDefaultSampleType = 14

	valueTypeType = 1
	valueTypeUnit = 2

	sampleLocationID = 1
	sampleValue      = 2
	sampleLabel      = 3

	labelKey = 1
	labelStr = 2

	mappingID              = 1
	mappingFilename        = 5
	mappingHasFunctions    = 7
	mappingHasFilenames    = 8
	mappingHasLineNumbers  = 9
	mappingHasInlineFrames = 10

	locationID        = 1
	locationMappingID = 2
	locationAddress   = 3
	locationLine      = 4

	lineFunctionID = 1
	lineLine       = 2

	functionID         = 1
	functionName       = 2
	functionSystemName = 3
	functionFilename   = 4
)

// buildProfile returns the encoded (not yet gzipped) profile of maps,
// with profileTypes[def] the default sample type.
func buildProfile(maps []Info, def int, now time.Time) []byte {
	b := &profileBuilder{
		stringIdx: map[string]int64{},
		funcs:     map[funcKey]uint64{},
		locs:      map[locKey]uint64{},
	}
	b.str("") // a string table starts with the empty string

	for _, t := range profileTypes {
		b.valueType(profSampleType, t.typ, t.unit)
	}
	var ids []uint64
	for i := range maps {
		m := &maps[i]
		ids = b.stack(ids[:0], m.Stack)
		b.pb.message(profSample, func(s *protoBuf) {
			s.packedUints(sampleLocationID, ids)
			s.packedUints(sampleValue, []uint64{1, uint64(m.Stats.Count), uint64(m.Stats.BytesAllocated)})
			if m.Name != "" {
				b.label(s, "name", m.Name)
			}
			b.label(s, "type", typeName(m))
			if m.Package != "" {
				b.label(s, "package", m.Package)
			}
		})
	}

	// One mapping stands for the whole program. pprof reads a profile
	// without one, but with it names the binary in its header; its flags
	// say that the locations are symbolized already, so that pprof
	// neither looks for the binary nor asks the server's
	// /debug/pprof/symbol.
	exe, _ := os.Executable()
	b.pb.message(profMapping, func(m *protoBuf) {
		m.uint(mappingID, 1)
		m.int(mappingFilename, b.str(exe))
		m.bool(mappingHasFunctions, true)
		m.bool(mappingHasFilenames, true)
		m.bool(mappingHasLineNumbers, true)
		m.bool(mappingHasInlineFrames, true)
	})
	b.pb.b = append(b.pb.b, b.locPB.b...)
	b.pb.b = append(b.pb.b, b.funcPB.b...)

	b.pb.int(profTimeNanos, now.UnixNano())
	b.valueType(profPeriodType, profileTypes[0].typ, profileTypes[0].unit)
	b.pb.int(profPeriod, 1)
	// Sampled maps stand for more maps than themselves; the rate they
	// were picked at is not kept, the current one is what there is.
	rate := "hmap: the named maps, and the sampled ones; sampling is off"
	if r := SampleRate(); r > 0 {
		rate = "hmap: the named maps, and the sampled ones; sampling picks 1 in " + strconv.Itoa(r)
	}
	b.pb.int(profComment, b.str(rate))
	// Not an index into the sample types: the index of the type's name
	// in the string table.
	b.pb.int(profDefaultSampleType, b.str(profileTypes[def].typ))

	// The string table goes last, once every message has added its
	// strings. Fields may come in any order.
	for _, s := range b.strings {
		b.pb.string(profStringTable, s)
	}
	return b.pb.b
}

// str returns the index of s in the string table, adding it if need be.
func (b *profileBuilder) str(s string) int64 {
	i, ok := b.stringIdx[s]
	if !ok {
		i = int64(len(b.strings))
		b.strings = append(b.strings, s)
		b.stringIdx[s] = i
	}
	return i
}

func (b *profileBuilder) valueType(field int, typ, unit string) {
	b.pb.message(field, func(v *protoBuf) {
		v.int(valueTypeType, b.str(typ))
		v.int(valueTypeUnit, b.str(unit))
	})
}

func (b *profileBuilder) label(s *protoBuf, key, value string) {
	s.message(sampleLabel, func(l *protoBuf) {
		l.int(labelKey, b.str(key))
		l.int(labelStr, b.str(value))
	})
}

// stack appends to ids the locations of a creation stack, innermost
// (the creating call) first.
//
// The stack holds return addresses, as runtime.Callers gives them, one
// per frame even where a call was inlined: the outer frames of an inlined
// call get made-up addresses. runtime.CallersFrames turns them back into
// frames, with the line of each call. pprof's model is one location per
// call instruction, listing the inlined frames there innermost first; so
// the frames are grouped: an inlined frame (Func nil) goes with the
// frames after it until the one of the function it was compiled into,
// which has the same entry.
func (b *profileBuilder) stack(ids []uint64, stack []uintptr) []uint64 {
	if len(stack) == 0 {
		return ids
	}
	frames := runtime.CallersFrames(stack)
	var group []runtime.Frame
	for {
		f, more := frames.Next()
		if len(group) > 0 {
			last := group[len(group)-1]
			if last.Func != nil || last.Entry == 0 || last.Entry != f.Entry {
				ids = append(ids, b.location(group))
				group = group[:0]
			}
		}
		group = append(group, f)
		if !more {
			break
		}
	}
	return append(ids, b.location(group))
}

// location returns the id of the Location for frames, the frames of one
// call, innermost first, adding it if need be.
func (b *profileBuilder) location(frames []runtime.Frame) uint64 {
	k := locKey{frames[0].PC, len(frames)}
	if id, ok := b.locs[k]; ok {
		return id
	}
	b.nlocs++
	id := b.nlocs
	b.locs[k] = id
	b.locPB.message(profLocation, func(l *protoBuf) {
		l.uint(locationID, id)
		l.uint(locationMappingID, 1)
		l.uint(locationAddress, uint64(frames[0].PC))
		for _, f := range frames {
			if f.Function == "" {
				continue // not Go code, and no symbolizer: the address is all there is
			}
			fn := b.function(f)
			l.message(locationLine, func(ln *protoBuf) {
				ln.uint(lineFunctionID, fn)
				ln.int(lineLine, int64(f.Line))
			})
		}
	})
	return id
}

// function returns the id of the Function of frame f, adding it if need
// be. Its start_line stays unset: runtime.Frame keeps it unexported, and
// pprof needs it for nothing it shows.
func (b *profileBuilder) function(f runtime.Frame) uint64 {
	k := funcKey{f.Function, f.File}
	if id, ok := b.funcs[k]; ok {
		return id
	}
	id := uint64(len(b.funcs) + 1)
	b.funcs[k] = id
	b.funcPB.message(profFunction, func(fn *protoBuf) {
		fn.uint(functionID, id)
		fn.int(functionName, b.str(f.Function))
		fn.int(functionSystemName, b.str(f.Function))
		fn.int(functionFilename, b.str(f.File))
	})
	return id
}

// protoBuf appends the fields of a protocol buffer message to b. Scalar
// fields at their zero value are left out, as proto3 encodes them.
type protoBuf struct{ b []byte }

// The wire types used.
const (
	wireVarint = 0
	wireBytes  = 2
)

func (p *protoBuf) varint(x uint64) {
	for x >= 0x80 {
		p.b = append(p.b, byte(x)|0x80)
		x >>= 7
	}
	p.b = append(p.b, byte(x))
}

func (p *protoBuf) key(field, wire int) { p.varint(uint64(field)<<3 | uint64(wire)) }

func (p *protoBuf) uint(field int, x uint64) {
	if x != 0 {
		p.key(field, wireVarint)
		p.varint(x)
	}
}

// int encodes an int64 field; a negative value takes ten bytes, as
// protocol buffers' int64 does, but no field here is negative.
func (p *protoBuf) int(field int, x int64) { p.uint(field, uint64(x)) }

func (p *protoBuf) bool(field int, x bool) {
	if x {
		p.uint(field, 1)
	}
}

// string encodes a string field, even "": in the string table, a
// repeated field, an element cannot be left out.
func (p *protoBuf) string(field int, s string) {
	p.key(field, wireBytes)
	p.varint(uint64(len(s)))
	p.b = append(p.b, s...)
}

// packedUints encodes a repeated uint64 or int64 field, packed: one
// length-delimited run of varints.
func (p *protoBuf) packedUints(field int, xs []uint64) {
	if len(xs) == 0 {
		return
	}
	n := 0
	for _, x := range xs {
		n += varintLen(x)
	}
	p.key(field, wireBytes)
	p.varint(uint64(n))
	for _, x := range xs {
		p.varint(x)
	}
}

// message encodes a message field whose fields body appends. The length
// comes before the body and is not known until it is written: body
// writes where the length will be, and the body is moved up once.
func (p *protoBuf) message(field int, body func(*protoBuf)) {
	p.key(field, wireBytes)
	start := len(p.b)
	body(p)
	n := len(p.b) - start
	w := varintLen(uint64(n))
	p.b = append(p.b, make([]byte, w)...)
	copy(p.b[start+w:], p.b[start:start+n])
	p.b = p.b[:start]
	p.varint(uint64(n))
	p.b = p.b[:start+w+n]
}

func varintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}
