package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/watch"
)

// serveWait is how long a test waits for the workload to reach a state;
// far more than it takes, so that a slow machine (or qemu) does not flake.
const serveWait = 60 * time.Second

// get fetches url and returns its body, failing the test unless the
// status is 200.
func get(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "GET %s: %s", url, body)
	return body
}

var (
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$`)
	labelPair  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)
)

// metricSamples returns the values of metric in a Prometheus text
// exposition for the series whose labels include all of want.
func metricSamples(t *testing.T, text []byte, metric string, want map[string]string) []float64 {
	t.Helper()
	var vals []float64
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		m := sampleLine.FindStringSubmatch(sc.Text())
		if m == nil || m[1] != metric {
			continue
		}
		labels := map[string]string{}
		for _, l := range labelPair.FindAllStringSubmatch(m[2], -1) {
			labels[l[1]] = l[2]
		}
		match := true
		for k, v := range want {
			match = match && labels[k] == v
		}
		if !match {
			continue
		}
		v, err := strconv.ParseFloat(m[3], 64)
		require.NoError(t, err, "line %q", sc.Text())
		vals = append(vals, v)
	}
	require.NoError(t, sc.Err())
	return vals
}

// named selects the series of the map named name.
func named(name string) map[string]string { return map[string]string{"name": name} }

// allEqual reports whether vals has at least one value and all equal v.
func allEqual(vals []float64, v float64) bool {
	for _, x := range vals {
		if x != v {
			return false
		}
	}
	return len(vals) > 0
}

// TestServe runs the workload and its server in the process on a free
// port and reads each endpoint as Prometheus, expvar and go tool pprof
// would.
func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + ln.Addr().String()
	prev := watch.SampleRate()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, serveConfig{sample: 4, rate: defaultServeRate}) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			select {
			case err := <-done:
				require.NoError(t, err, "serve after its context is done")
			case <-time.After(serveWait):
				t.Fatal("serve did not return after its context was done")
			}
		}
	}
	t.Cleanup(stop)

	// Wait for the maps to be filled and the growing map to have grown.
	// A map of an earlier run in this process may linger in the registry
	// until the collector finds it; it was filled the same way.
	var metrics []byte
	deadline := time.Now().Add(serveWait)
	for {
		metrics = get(t, base+"/metrics")
		growths := metricSamples(t, metrics, "hmap_growths_total", map[string]string{"name": "growing", "kind": "doubling"})
		if allEqual(metricSamples(t, metrics, "hmap_entries", named("weak-hasher")), weakFill) &&
			allEqual(metricSamples(t, metrics, "hmap_entries", named("sessions")), sessionsSize) &&
			len(growths) > 0 && growths[len(growths)-1] > 0 {
			break
		}
		require.True(t, time.Now().Before(deadline), "the workload did not fill its maps in %v:\n%s", serveWait, metrics)
		time.Sleep(20 * time.Millisecond)
	}
	for _, v := range metricSamples(t, metrics, "hmap_hash_stuck_bit_positions", named("weak-hasher")) {
		require.GreaterOrEqual(t, v, 8.0, "stuck bits of the weak-hasher map: its hasher clears the low 8")
	}
	require.True(t, allEqual(metricSamples(t, metrics, "hmap_hash_stuck_bit_positions", named("sessions")), 0),
		"no stuck bits in the sessions map: %v", metricSamples(t, metrics, "hmap_hash_stuck_bit_positions", named("sessions")))
	for _, v := range metricSamples(t, metrics, "hmap_probe_length_max", named("weak-hasher")) {
		require.Greater(t, v, 8.0, "the weak hasher's keys share a few buckets: long chains")
	}
	require.Equal(t, []float64{4}, metricSamples(t, metrics, "hmap_sample_rate", nil))

	// expvar: the registry under "hmap".
	var vars struct {
		Hmap struct {
			SampleRate int `json:"sample_rate"`
			Maps       []struct {
				Name      string `json:"name"`
				CreatedAt string `json:"created_at"`
			} `json:"maps"`
		} `json:"hmap"`
	}
	require.NoError(t, json.Unmarshal(get(t, base+"/debug/vars"), &vars))
	require.Equal(t, 4, vars.Hmap.SampleRate)
	sites := map[string]string{}
	for _, m := range vars.Hmap.Maps {
		sites[m.Name] = m.CreatedAt
	}
	// Each map is created by a function of its own (package main is
	// named by its import path in a test binary).
	for name, fn := range map[string]string{
		"sessions":    ".newSessionsMap ",
		"weak-hasher": ".newWeakHasherMap ",
		"growing":     ".newGrowingMap ",
		"concurrent":  ".newConcurrentMap ",
	} {
		require.Contains(t, sites, name, "/debug/vars lists the map")
		require.Contains(t, sites[name], fn, "%s's creation site", name)
	}

	// The hmap profile: gzip-compressed protobuf, as go tool pprof reads.
	prof := get(t, base+"/debug/pprof/hmap?sample=entries")
	require.Greater(t, len(prof), 2)
	require.Equal(t, []byte{0x1f, 0x8b}, prof[:2], "the profile is gzip-compressed")
	zr, err := gzip.NewReader(bytes.NewReader(prof))
	require.NoError(t, err)
	pb, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.Contains(t, string(pb), ".newWeakHasherMap", "the profile names the creation sites")

	// net/http/pprof is there too.
	require.Contains(t, string(get(t, base+"/debug/pprof/")), "goroutine")

	stop()
	require.Equal(t, prev, watch.SampleRate(), "serve puts the sample rate back")
	_, err = http.Get(base + "/metrics")
	require.Error(t, err, "the server is shut down")
}

// TestServeDuration: with -duration the command stops by itself, having
// printed where it served.
func TestServeDuration(t *testing.T) {
	out := runLab(t, "serve", "-addr", "127.0.0.1:0", "-duration", "200ms", "-rate", "0", "-sample", "0")
	require.Regexp(t, `^serving hmap metrics on http://127\.0\.0\.1:[1-9][0-9]* \(/metrics, /debug/vars, /debug/pprof/\)\n$`, out)
}

// TestServeAddressInUse: failing to listen is an error of the run, status
// 1, not a usage error.
func TestServeAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var out, errOut bytes.Buffer
	require.Equal(t, 1, run([]string{"serve", "-addr", ln.Addr().String(), "-duration", "1s"}, &out, &errOut))
	require.Empty(t, out.String())
	require.Contains(t, errOut.String(), "hmaplab serve: listen tcp "+ln.Addr().String())
}

// TestServeFlagErrors: every flag is checked, each error once on standard
// error with status 2, and -h prints the help.
func TestServeFlagErrors(t *testing.T) {
	requireUsageErrors(t, "serve",
		usageCase{[]string{"-addr", "localhost"}, `-addr "localhost": address localhost: missing port in address: want host:port`},
		usageCase{[]string{"-addr", ":9178"}, `-addr ":9178": no host: want host:port, such as 127.0.0.1:9178`},
		usageCase{[]string{"-addr", "127.0.0.1:http"}, `-addr "127.0.0.1:http": port "http": want a number, 0 to 65535`},
		usageCase{[]string{"-addr", "127.0.0.1:65536"}, `port "65536": want a number, 0 to 65535`},
		usageCase{[]string{"-sample", "-1"}, `-sample -1 out of range: want 0 (off) to 1048576`},
		usageCase{[]string{"-sample", "1048577"}, `-sample 1048577 out of range`},
		usageCase{[]string{"-sample", "x"}, `invalid value "x" for flag -sample`},
		usageCase{[]string{"-rate", "-1"}, `-rate -1 out of range: want 0 to 100000`},
		usageCase{[]string{"-rate", "100001"}, `-rate 100001 out of range`},
		usageCase{[]string{"-duration", "-1s"}, `-duration -1s out of range: want 0 (until interrupted) or more`},
		usageCase{[]string{"-duration", "10"}, `invalid value "10" for flag -duration`},
		usageCase{[]string{"-seed", "1"}, `flag provided but not defined: -seed`},
		usageCase{[]string{"stray"}, `unexpected argument "stray": serve takes only flags`},
	)
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"serve", "-h"}, &out, &errOut))
	require.Empty(t, errOut.String())
	for _, s := range []string{"Usage: hmaplab serve [flags]", "/metrics", "/debug/vars", "/debug/pprof/hmap",
		"-addr", "-sample", "-rate", "-duration", `"weak-hasher"`} {
		require.Contains(t, out.String(), s)
	}
}
