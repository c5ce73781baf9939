package watch_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/table"
	"github.com/hmaplab/hmap/watch"
)

// newest returns the last map registered under name. (Maps made by an
// earlier run of the examples may still be listed, until the collector
// finds them.)
func newest(name string) watch.Info {
	var last watch.Info
	for _, info := range watch.Maps() {
		if info.Name == name {
			last = info
		}
	}
	return last
}

// A named map joins the registry; Maps lists it with its figures.
func ExampleMaps() {
	m := table.New[string, int](0, table.WithName("example-sessions"))
	for i := range 100 {
		m.Put(fmt.Sprint("user-", i), i)
	}
	info := newest("example-sessions")
	fmt.Printf("%s %s.Map[%s, %s]: %d entries in %d buckets, %d growths, %d stuck hash bits\n",
		info.Name, info.Kind, info.Key, info.Elem, info.Stats.Count, info.Stats.Buckets,
		info.Stats.Growths, info.Hashes.Stuck())
	runtime.KeepAlive(m)
	// Output:
	// example-sessions table.Map[string, int]: 100 entries in 16 buckets, 4 growths, 0 stuck hash bits
}

// A hasher that clears the low byte of every hash shows eight stuck bits.
func ExampleHashBits_Stuck() {
	weak := hash.Masked[uint64]{Inner: hash.NewSeeded[uint64](), Mask: ^uint64(0xff)}
	m := table.New[uint64, int](0, table.WithName("example-weak"), table.WithHasher(weak))
	for k := range uint64(1000) {
		m.Put(k, 0)
	}
	info := newest("example-weak")
	fmt.Printf("stuck bits: %d (OR %#x)\n", info.Hashes.Stuck(), info.Hashes.Or&0xfff)
	runtime.KeepAlive(m)
	// Output:
	// stuck bits: 8 (OR 0xf00)
}

// With sampling on, one map in n joins the registry when it is made,
// without a name.
func ExampleSetSampleRate() {
	if err := watch.SetSampleRate(1); err != nil { // every map, for the example
		panic(err)
	}
	m := table.New[int, string](0)
	_ = watch.SetSampleRate(0) // off again
	m.Put(1, "one")
	for _, info := range watch.Maps() {
		if info.Sampled && info.Key == "int" && info.Elem == "string" && info.Package == "github.com/hmaplab/hmap/watch_test" {
			fmt.Println("sampled:", info.Stats.Count, "entry") // (a map of an earlier run, not yet collected, would show too)
		}
	}
	fmt.Println(watch.SetSampleRate(-5))
	runtime.KeepAlive(m)
	// Output:
	// sampled: 1 entry
	// watch: SetSampleRate(-5): out of range: want 0 (off) or 1 in n maps with n >= 1
}

// WriteMetrics writes Prometheus's text format; MetricsHandler serves it.
func ExampleWriteMetrics() {
	m := table.New[int, int](0, table.WithName("example-metrics"))
	for k := range 10 {
		m.Put(k, k)
	}
	var buf bytes.Buffer
	if err := watch.WriteMetrics(&buf); err != nil {
		panic(err)
	}
	id := regexp.MustCompile(`id="\d+",`)
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.Contains(line, `name="example-metrics"`) &&
			(strings.HasPrefix(line, "hmap_entries") || strings.HasPrefix(line, "hmap_growths_total")) {
			fmt.Println(id.ReplaceAllString(line, ""))
		}
	}
	runtime.KeepAlive(m)
	// Output:
	// hmap_entries{name="example-metrics",type="table.Map[int, int]",package="github.com/hmaplab/hmap/watch_test"} 10
	// hmap_growths_total{name="example-metrics",type="table.Map[int, int]",package="github.com/hmaplab/hmap/watch_test",kind="doubling"} 1
	// hmap_growths_total{name="example-metrics",type="table.Map[int, int]",package="github.com/hmaplab/hmap/watch_test",kind="same_size"} 0
}

// A service that wants misuse panics to say which map, and in what state,
// sends the dumps to a file (or a writer, or the panic message itself).
func ExampleSetMisuseDump() {
	path := filepath.Join(os.TempDir(), "hmap-misuse.txt")
	watch.SetMisuseDump(watch.DumpToFile(path))
	defer watch.SetMisuseDump(watch.DumpDest{}) // off: the runtime's messages
	// ... a concurrent write to a table.Map now appends its dump to path
	// before it panics with "concurrent map writes".
}
