//go:build !(386 || arm || mips || mipsle)

// The drawing's header shows the map's seed, a uintptr: this output is a
// 64-bit platform's.

package concurrent_test

import (
	"fmt"
	"os"

	"github.com/hmaplab/hmap/concurrent"
)

// Render draws a growth as it happens: the ninth entry overfills the one
// bucket, a table of two is published with the old one behind it, and
// nothing moves until the next write, which evacuates the old bucket.
func ExampleMap_Render() {
	m := concurrent.New[int, string](0, topByte, concurrent.WithSeed(1))
	for k := 0x10; k <= 0x18; k++ {
		m.Store(k, fmt.Sprint(k))
	}
	m.Render(os.Stdout, concurrent.RenderOptions{})
	fmt.Println()
	m.Store(0x19, "25")
	m.Render(os.Stdout, concurrent.RenderOptions{Keys: true})
	// Output:
	// count=9 B=1 buckets=2 overflow=1 epoch=1 seed=0x910a2dec89025cc1
	// growing from 1 old buckets: evacuated=0 nevacuate=0
	// old table:
	//    0 10 11 12 13 14 15 16 17 > 18 .. .. .. .. .. .. ..   <- nevacuate
	// new table:
	//    0 -
	//    1 -
	//
	// count=10 B=1 buckets=2 overflow=0 epoch=2 seed=0x910a2dec89025cc1
	//    0 10 12 14 16 18 .. .. ..
	//      [0] 0:16=16 1:18=18 2:20=20 3:22=22 4:24=24
	//    1 11 13 15 17 19 .. .. ..
	//      [0] 0:17=17 1:19=19 2:21=21 3:23=23 4:25=25
}
