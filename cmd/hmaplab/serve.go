package main

import (
	"context"
	"errors"
	_ "expvar" // /debug/vars on http.DefaultServeMux
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	_ "net/http/pprof" // /debug/pprof/ on http.DefaultServeMux
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/hmaplab/hmap/concurrent"
	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
	"github.com/hmaplab/hmap/watch"
)

// The serve command runs a small workload of watched maps and serves what
// package watch sees of them, for Prometheus, expvar and go tool pprof to
// read, as a service that imports hmap would:
//
//   - /metrics: watch.MetricsHandler, Prometheus's text format;
//   - /debug/vars: expvar, with the registry under "hmap" (watch.Var);
//   - /debug/pprof/: net/http/pprof, and /debug/pprof/hmap, the profile of
//     the watched maps by creation stack (watch.ProfileHandler).
//
// The workload has the same shape on every run. Each table.Map is written
// by one goroutine only, as table.Map requires; the registry is read by
// the HTTP handlers, which never touch a map.
//
//   - "sessions", a table.Map[string, int] filled to sessionsSize, then
//     churned: each second sessionsRate new sessions in, as many of the
//     oldest out, so its size stays put while its keys turn over;
//   - "weak-hasher", a table.Map[uint64, int] whose hasher clears the low
//     8 bits of every hash (weakHasher), filled with weakFill keys, then
//     only read. It has 8 stuck hash bits, which hmap_hash_stuck_bit_positions
//     shows, and, since the low bits choose the bucket, long overflow
//     chains (hmap_probe_length_max). It is the largest map by entries,
//     so that its creation site, newWeakHasherMap, heads the profile's
//     entries;
//   - "growing", a table.Map[int, int] that gains -rate entries a second,
//     doubling again and again (hmap_growths_total), up to growingCap
//     entries, where it stops to bound the memory a long run takes. At the
//     default rate it stays below the weak-hasher map for its first
//     weakFill/defaultServeRate seconds (200 s);
//   - "concurrent", a concurrent.Map[int, int] written by
//     concurrentWriters goroutines at once: stores and deletes of keys
//     drawn from concurrentKeys, so it holds about half of them;
//   - sampled maps: with the sample rate set to -sample while the command
//     runs, each second a batch of sampledBatch small unnamed
//     table.Map[int, int], of which sampling watches one in -sample; a
//     batch replaces the one before, whose maps leave the registry when
//     the collector finds them.
//
// Every map is created by a function of its own, so that each has its
// own creation site in the profile.

// Defaults and limits of the serve flags.
const (
	defaultServeAddr   = "127.0.0.1:9178"
	defaultServeSample = 4
	defaultServeRate   = 100
	maxServeSample     = 1 << 20
	maxServeRate       = 100_000
)

// The workload's sizes and paces.
const (
	sessionsSize      = 10_000
	sessionsRate      = 2_000 // sessions in, and out, per second
	weakFill          = 20_000
	weakReads         = 1_000 // lookups per second
	growingCap        = 1 << 20
	concurrentWriters = 4
	concurrentKeys    = 8_192
	concurrentRate    = 500 // writes per second per writer
	sampledBatch      = 16
	sampledEvery      = time.Second
	serveTick         = 10 * time.Millisecond // how often a paced writer wakes
	shutdownTimeout   = 5 * time.Second
)

// serveAbout is what serve -h says the command does.
var serveAbout = fmt.Sprintf("Runs a workload of watched hmap maps and serves what package watch sees of them: "+
	"/metrics (Prometheus text format), /debug/vars (expvar, the registry under \"hmap\") and "+
	"/debug/pprof/ (net/http/pprof, with /debug/pprof/hmap, the maps by creation stack). "+
	"The maps: \"sessions\" (table.Map[string, int], %d entries churned), "+
	"\"weak-hasher\" (table.Map[uint64, int], %d entries, a hasher that clears the low 8 bits), "+
	"\"growing\" (table.Map[int, int], -rate entries more each second, up to %d), "+
	"\"concurrent\" (concurrent.Map[int, int], written by %d goroutines), "+
	"and each second %d small unnamed maps, some of them sampled (-sample). "+
	"It runs until interrupted (SIGINT or SIGTERM), or for -duration.",
	sessionsSize, weakFill, growingCap, concurrentWriters, sampledBatch)

// serveConfig are the settings of the serve command, checked.
type serveConfig struct {
	sample int // the sample rate while serving
	rate   int // entries the growing map gains per second
}

func runServe(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hmaplab serve [flags]\n\n%s\n\nFlags:\n", wrap(serveAbout, textWidth))
		fs.PrintDefaults()
		fmt.Fprintf(fs.Output(), "\nFor example:\n"+
			"  hmaplab serve -duration 2m &\n"+
			"  curl -s http://%[1]s/metrics | grep weak-hasher\n"+
			"  go tool pprof -top -sample_index=entries http://%[1]s/debug/pprof/hmap\n", defaultServeAddr)
	}
	addr := fs.String("addr", defaultServeAddr, "address to listen on, host:port; the host is required "+
		"(127.0.0.1 or localhost: this machine only; 0.0.0.0: every interface); port 0 picks a free one")
	sample := fs.Int("sample", defaultServeSample, fmt.Sprintf("while serving, watch one in this many unnamed maps, 0 (off) to %d; the named maps are always watched", maxServeSample))
	rate := fs.Int("rate", defaultServeRate, fmt.Sprintf("entries the growing map gains per second, 0 to %d", maxServeRate))
	duration := fs.Duration("duration", 0, "stop after this long, such as 2m (0: run until interrupted)")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if err := checkServeAddr(*addr); err != nil {
		return err
	}
	if *sample < 0 || *sample > maxServeSample {
		return usagef("-sample %d out of range: want 0 (off) to %d", *sample, maxServeSample)
	}
	if *rate < 0 || *rate > maxServeRate {
		return usagef("-rate %d out of range: want 0 to %d", *rate, maxServeRate)
	}
	if *duration < 0 {
		return usagef("-duration %v out of range: want 0 (until interrupted) or more", *duration)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "serving hmap metrics on http://%s (/metrics, /debug/vars, /debug/pprof/)\n", ln.Addr())
	ctx, stop := untilInterrupted(*duration)
	defer stop()
	return serve(ctx, ln, serveConfig{sample: *sample, rate: *rate})
}

// untilInterrupted returns a context that is done at SIGINT or SIGTERM, or
// after d if d is above 0, and the function that releases it.
func untilInterrupted(d time.Duration) (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	if d <= 0 {
		return ctx, stop
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, func() { cancel(); stop() }
}

// checkServeAddr checks that addr is host:port with a host and a numeric
// port: an empty host would listen on every interface, which the command
// does only when asked to by name.
func checkServeAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("-addr %q: %v: want host:port, such as %s", addr, err, defaultServeAddr)
	}
	if host == "" {
		return usagef("-addr %q: no host: want host:port, such as %s (this machine only) or 0.0.0.0:%s (every interface)",
			addr, defaultServeAddr, port)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return usagef("-addr %q: port %q: want a number, 0 to 65535", addr, port)
	}
	return nil
}

// serve runs the workload and serves the watched maps' figures on ln until
// ctx is done; then it shuts the server down, letting requests in flight
// finish, stops the workload and puts the sample rate back.
func serve(ctx context.Context, ln net.Listener, c serveConfig) error {
	prev := watch.SampleRate()
	if err := watch.SetSampleRate(c.sample); err != nil {
		ln.Close()
		return err
	}
	defer watch.SetSampleRate(prev) // prev was valid: no error

	wctx, stopWorkload := context.WithCancel(ctx)
	var wg sync.WaitGroup
	startWorkload(wctx, &wg, c)
	defer func() {
		stopWorkload()
		wg.Wait()
	}()

	return serveHTTP(ctx, ln, serveMux())
}

// serveHTTP serves h on ln until ctx is done, then shuts the server down,
// letting requests in flight finish (for up to shutdownTimeout).
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serveMux routes the command's endpoints as a service would: /metrics to
// watch.MetricsHandler, and the rest to http.DefaultServeMux, where
// watch.Publish adds the registry to expvar's /debug/vars and the hmap
// profile to net/http/pprof's /debug/pprof/.
func serveMux() *http.ServeMux {
	watch.Publish()
	mux := http.NewServeMux()
	mux.Handle("/metrics", watch.MetricsHandler())
	mux.Handle("/", http.DefaultServeMux)
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "hmaplab serve: the watched maps of a running workload\n\n"+
			"/metrics             Prometheus text format\n"+
			"/debug/vars          expvar; the registry is under \"hmap\"\n"+
			"/debug/pprof/        net/http/pprof\n"+
			"/debug/pprof/hmap    the watched maps by creation stack: go tool pprof -sample_index=entries|bytes|maps\n")
	})
	return mux
}

// startWorkload starts the workload's goroutines, which stop when ctx is
// done; wg counts them.
func startWorkload(ctx context.Context, wg *sync.WaitGroup, c serveConfig) {
	run := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}
	run(func() { runSessions(ctx) })
	run(func() { runWeakHasher(ctx) })
	run(func() { runGrowing(ctx, c.rate) })
	m := newConcurrentMap()
	for w := range concurrentWriters {
		run(func() { runConcurrentWriter(ctx, m, uint64(w)) })
	}
	run(func() { runSampled(ctx) })
}

// paced calls f every serveTick with the number of operations due, so
// that they average perSecond, until ctx is done. After a stall (a
// suspended machine) it catches up by one second's worth at most.
func paced(ctx context.Context, perSecond int, f func(n int)) {
	if perSecond == 0 {
		<-ctx.Done()
		return
	}
	t := time.NewTicker(serveTick)
	defer t.Stop()
	start, done := time.Now(), 0
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			due := int(now.Sub(start).Seconds()*float64(perSecond)) - done
			if due > perSecond {
				done += due - perSecond
				due = perSecond
			}
			if due > 0 {
				f(due)
				done += due
			}
		}
	}
}

func newSessionsMap() *table.Map[string, int] {
	return table.New[string, int](0, table.WithName("sessions"))
}

func sessionName(i int) string { return "session-" + strconv.Itoa(i) }

// runSessions fills the sessions map, then replaces its oldest sessions
// with new ones.
func runSessions(ctx context.Context) {
	m := newSessionsMap()
	next := 0
	for ; next < sessionsSize; next++ {
		m.Put(sessionName(next), next)
	}
	paced(ctx, sessionsRate, func(n int) {
		for range n {
			m.Put(sessionName(next), next)
			m.Delete(sessionName(next - sessionsSize))
			next++
		}
	})
}

// weakHasher returns a hasher that clears the low 8 bits of a good hash,
// as a hasher that shifts its result, or drops part of its input, might.
// Those bits are stuck at 0; and as the low bits of a hash choose its
// bucket, a table of 2^B buckets puts every key into 2^(B-8) of them.
func weakHasher() hash.Hasher[uint64] {
	return hash.Masked[uint64]{Inner: hash.NewSeeded[uint64](), Mask: ^uint64(0xff)}
}

// newWeakHasherMap creates the weak-hasher map: the map's creation site
// in the profile.
func newWeakHasherMap() *table.Map[uint64, int] {
	return table.New[uint64, int](0, table.WithName("weak-hasher"), table.WithHasher(weakHasher()))
}

// runWeakHasher fills the weak-hasher map, then reads it.
func runWeakHasher(ctx context.Context) {
	m := newWeakHasherMap()
	for i := range uint64(weakFill) {
		if i%1024 == 0 && ctx.Err() != nil {
			return
		}
		m.Put(i, int(i))
	}
	r := rand.New(rand.NewPCG(1, 0x7765616b))
	paced(ctx, weakReads, func(n int) {
		for range n {
			m.Get(r.Uint64N(2 * weakFill)) // half of them misses, walking a whole chain
		}
	})
}

func newGrowingMap() *table.Map[int, int] {
	return table.New[int, int](0, table.WithName("growing"))
}

// runGrowing adds perSecond entries a second to the growing map, up to
// growingCap.
func runGrowing(ctx context.Context, perSecond int) {
	m := newGrowingMap()
	paced(ctx, perSecond, func(n int) {
		for range n {
			if k := m.Len(); k < growingCap {
				m.Put(k, k)
			}
		}
	})
}

func newConcurrentMap() *concurrent.Map[int, int] {
	return concurrent.New[int, int](0, concurrent.WithName("concurrent"))
}

// runConcurrentWriter stores and deletes keys of m in turn, drawn from
// concurrentKeys; writer numbers its random stream.
func runConcurrentWriter(ctx context.Context, m *concurrent.Map[int, int], writer uint64) {
	r := rand.New(rand.NewPCG(2, writer))
	ops := 0
	paced(ctx, concurrentRate, func(n int) {
		for range n {
			k := r.IntN(concurrentKeys)
			if ops%2 == 0 {
				m.Store(k, ops)
			} else {
				m.Delete(k)
			}
			ops++
		}
	})
}

func newSampledMap() *table.Map[int, int] {
	return table.New[int, int](0)
}

// runSampled makes a batch of small unnamed maps each sampledEvery, which
// sampling may watch; each batch replaces the one before.
func runSampled(ctx context.Context) {
	var batch []*table.Map[int, int]
	fill := func() {
		batch = make([]*table.Map[int, int], sampledBatch)
		for i := range batch {
			m := newSampledMap()
			for k := range 32 * (i + 1) {
				m.Put(k, k)
			}
			batch[i] = m
		}
	}
	fill()
	t := time.NewTicker(sampledEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			runtime.KeepAlive(batch) // the batch lives until the next one
			return
		case <-t.C:
			fill()
		}
	}
}
