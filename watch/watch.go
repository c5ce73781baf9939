package watch

import (
	"fmt"

	"github.com/hmaplab/hmap/internal/registry"
)

// Info describes one watched map: what it is, where it came from, and its
// figures when the registry was read.
type Info = registry.Info

// Stats are a watched map's counters. Fields the map's kind does not
// have stay zero: BytesAllocated, SameSizeGrowing, SameSizeGrowths,
// Inserts and Deletes are table.Map's.
type Stats = registry.Stats

// Probe is what a map has recorded of its probe lengths: the number of
// buckets a lookup of an entry reads, 1 for an entry in its home bucket.
// A table.Map records each key it inserts; a concurrent.Map each entry
// its growths move.
type Probe = registry.Probe

// HashBits are the OR and AND of the hashes a map has recorded.
type HashBits = registry.HashBits

// SetSampleRate makes each map created from now on join the registry with
// probability 1/n; 1 watches every map, 0 none (the default). It returns an
// error, and changes nothing, for a negative n.
func SetSampleRate(n int) error {
	if n < 0 {
		return fmt.Errorf("watch: SetSampleRate(%d): out of range: want 0 (off) or 1 in n maps with n >= 1", n)
	}
	registry.SetRate(n)
	return nil
}

// SampleRate returns the current sampling rate: 1 in SampleRate maps, or
// none if 0.
func SampleRate() int { return registry.CurrentRate() }

// Maps returns every watched map, in the order they were created. A map
// that has become unreachable is listed until the collector has found it
// and run the finalizer that removes it.
func Maps() []Info { return registry.Maps() }
