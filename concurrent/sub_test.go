package concurrent_test

import (
	"testing"

	"github.com/hmaplab/hmap/concurrent"
	"github.com/hmaplab/hmap/internal/statstest"
)

func TestSubEveryCounter(t *testing.T) {
	statstest.CheckSub(t, concurrent.Events.Sub)
	statstest.CheckSub(t, concurrent.Probes.Sub, "Every")
}
