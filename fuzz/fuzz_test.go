package fuzz

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// The fuzz targets decode their input into a program (see program_test.go)
// and run it against table.Map and map[K]int side by side. Their seed
// corpora live in testdata/fuzz/FuzzXxx (see corpus_test.go).

// maxInput bounds the input a target reads, so that one input stays cheap.
const maxInput = 1 << 13

func clip(data []byte) []byte { return data[:min(len(data), maxInput)] }

// hangTimeout: an input runs in milliseconds; one that runs for this long
// is taken for a hang. The fuzzing engine has no timeout of its own (it
// just stalls), so the watchdog crashes the process, which makes the
// engine save the input as a failure.
const hangTimeout = 20 * time.Second

func run[K comparable](t *testing.T, kt *keyType[K], data []byte) {
	data = clip(data)
	timer := time.AfterFunc(hangTimeout, func() {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		panic(fmt.Sprintf("%s: input %q runs for more than %v, a hang?\n%s", t.Name(), data, hangTimeout, buf))
	})
	defer timer.Stop()
	runProgram(t, kt, data)
}

// FuzzInt64 checks int64 keys, with the runtime hasher and weak ones
// (identity, constant, masked), so that chains, overflow buckets and
// same-size growths are common.
func FuzzInt64(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { run(t, int64Keys, data) })
}

// FuzzString checks string keys, short and long, including "", and checks
// that an update stores the new key's storage, as the builtin map does.
func FuzzString(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { run(t, stringKeys, data) })
}

// FuzzFloat64 checks float64 keys including NaNs (each Put adds an entry
// no lookup finds, Delete does nothing, iteration and Clear see them) and
// ±0 (one key; the stored key is the one written last, sign included).
func FuzzFloat64(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { run(t, float64Keys, data) })
}

// FuzzAny checks interface keys of mixed dynamic types, and that an
// unhashable key (a slice, map or func, possibly inside a struct or array)
// makes Put, Ptr, Get, At, Has and Delete panic as the builtin map does,
// also on an empty map.
func FuzzAny(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { run(t, anyKeys, data) })
}
