//go:build !race

// This file is left out of -race builds: the unsynchronised writes of
// TestMisuseConcurrentWrites are the point of the test, and the race
// detector would (rightly) report them.

package table

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/hash"
)

// TestMisuseConcurrentWrites races two goroutines writing without a lock
// until one of them detects it, as the runtime does on a best-effort basis.
// Only existing keys are updated, so the table's structure never changes
// and a detected race cannot corrupt it.
//
// Detection needs one goroutine to test the write mark while the other is
// inside its write, so the two must run at once: with GOMAXPROCS=1 the
// scheduler rarely preempts one inside a write, and the test is skipped.
// Every key collides (hash.Constant), so an update scans a long chain and
// most of a Put's time is spent inside the write. With -tags hmapdebug,
// each write is followed by a whole-table check outside the write, O(n^2)
// here, so the table is kept to one bucket.
func TestMisuseConcurrentWrites(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs GOMAXPROCS >= 2")
	}
	n := 64
	if debugInvariants {
		n = 8
	}
	m := New[int, int](n, WithHasher[int](hash.Constant[int]{Value: 0x40 << 56}), WithSeed(1))
	for k := 0; k < n; k++ {
		m.Put(k, k)
	}
	require.Len(t, utChainKeys(&m.array()[0]), n, "one chain")
	// An upper bound, generous for a loaded machine (go test runs packages
	// side by side) or an emulated one; detection usually takes
	// milliseconds, and the loop stops at the first.
	const limit = 10 * time.Second
	deadline := time.Now().Add(limit)
	var (
		detected atomic.Bool
		mu       sync.Mutex
		others   []string
		wg       sync.WaitGroup
	)
	put := func(k, v int) (msg string) {
		defer func() {
			if r := recover(); r != nil {
				msg = fmt.Sprint(r)
			}
		}()
		m.Put(k, v)
		return ""
	}
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; !detected.Load(); i++ {
				if i%256 == 0 && time.Now().After(deadline) {
					return
				}
				// Keys of the second half of the chain.
				switch msg := put(n/2+(i+g)%(n/2), i); {
				case msg == "":
				case msg == "concurrent map writes":
					detected.Store(true)
				default:
					mu.Lock()
					others = append(others, msg)
					mu.Unlock()
				}
			}
		}(g)
	}
	wg.Wait()
	require.True(t, detected.Load(), "no concurrent write detected within %v", limit)
	for _, msg := range others {
		// With -tags hmapdebug the whole-table check after each write can
		// see the other goroutine's write in progress.
		ok := debugInvariants && (strings.HasPrefix(msg, "hmap: broken invariant: ") || msg == "concurrent map read and map write")
		require.True(t, ok, "unexpected panic %q", msg)
	}
	// A detected race may leave the write mark in either state.
	m.count &^= writing
	require.Equal(t, n, m.count)
	for k := 0; k < n; k++ {
		require.True(t, m.Has(k))
	}
	utInv(t, m)
}
