package watch

import (
	"expvar"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// mapJSON is how a watched map reads in expvar's JSON.
type mapJSON struct {
	ID        uint64    `json:"id"`
	Name      string    `json:"name"`
	Sampled   bool      `json:"sampled"`
	Type      string    `json:"type"`
	Package   string    `json:"package"`
	Created   time.Time `json:"created"`
	CreatedAt string    `json:"created_at"` // function file:line of the creating call
	Stats     Stats     `json:"stats"`
	Probe     struct {
		Entries int     `json:"entries"`
		Max     int     `json:"max"`
		Mean    float64 `json:"mean"`
	} `json:"probe_length"`
	Hashes struct {
		Seen  int    `json:"seen"`
		Or    string `json:"or"`
		And   string `json:"and"`
		Stuck int    `json:"stuck_bits"`
	} `json:"hashes"`
}

// registryJSON is the whole registry in expvar's JSON.
type registryJSON struct {
	SampleRate int       `json:"sample_rate"`
	Maps       []mapJSON `json:"maps"`
}

// snapshotJSON returns the registry as expvar shows it.
func snapshotJSON() registryJSON {
	out := registryJSON{SampleRate: SampleRate(), Maps: []mapJSON{}}
	for _, m := range Maps() {
		j := mapJSON{
			ID: m.ID, Name: m.Name, Sampled: m.Sampled, Type: typeName(&m), Package: m.Package,
			Created: m.Created, CreatedAt: creationSite(m.Stack), Stats: m.Stats,
		}
		j.Probe.Entries, j.Probe.Max, j.Probe.Mean = m.Probe.Entries, m.Probe.Max, m.Probe.Mean()
		j.Hashes.Seen, j.Hashes.Stuck = m.Hashes.Seen, m.Hashes.Stuck()
		j.Hashes.Or, j.Hashes.And = hex64(m.Hashes.Or), hex64(m.Hashes.And)
		out.Maps = append(out.Maps, j)
	}
	return out
}

func hex64(x uint64) string {
	const digits = "0123456789abcdef"
	var b [18]byte
	b[0], b[1] = '0', 'x'
	for i := 17; i >= 2; i-- {
		b[i] = digits[x&15]
		x >>= 4
	}
	return string(b[:])
}

// creationSite describes the first frame of a creation stack.
func creationSite(stack []uintptr) string {
	if len(stack) == 0 {
		return ""
	}
	f, _ := runtime.CallersFrames(stack[:1]).Next()
	return f.Function + " " + f.File + ":" + strconv.Itoa(f.Line)
}

// Var returns an expvar.Var whose value is the registry as JSON: the
// sample rate, and per map its identity, creation site, Stats, probe
// lengths and hash bits. Publish publishes it as "hmap"; a service with its
// own expvar handler can publish it under another name.
func Var() expvar.Var {
	return expvar.Func(func() any { return snapshotJSON() })
}

var publishOnce sync.Once

// handleProfile registers the profile on http.DefaultServeMux. Since Go
// 1.22, net/http/pprof registers "GET /debug/pprof/" there, and a pattern
// with no method would conflict with it (it matches more methods, the
// other more paths); so the profile is registered for GET, as
// net/http/pprof does. With the old mux (GODEBUG httpmuxgo121=1, set by
// the environment, a //go:debug line or go.mod), which knows no methods,
// that pattern would never match: the mux is asked which pattern serves
// the profile's path, and given the plain path if it is not the one just
// registered.
func handleProfile() {
	const path = "/debug/pprof/hmap"
	h := ProfileHandler()
	http.Handle("GET "+path, h)
	req := &http.Request{Method: "GET", Host: "localhost", URL: &url.URL{Path: path}}
	if _, pattern := http.DefaultServeMux.Handler(req); pattern != "GET "+path {
		http.Handle(path, h)
	}
}

// Publish exports the registry on http.DefaultServeMux, where expvar and
// net/http/pprof already serve: as "hmap" in /debug/vars, and as the pprof
// profile /debug/pprof/hmap (see WriteProfile). Calling it again does
// nothing.
func Publish() {
	publishOnce.Do(func() {
		expvar.Publish("hmap", Var())
		handleProfile()
	})
}
