// Package watchtest holds the test helpers that packages table and
// concurrent share for their maps' entries in package watch's registry.
package watchtest

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hmaplab/hmap/internal/registry"
)

// Newest returns the entry of the map registered last under name: a map
// of an earlier run of the same test (with -count) may not have been
// collected yet.
func Newest(t *testing.T, name string) registry.Info {
	t.Helper()
	var found []registry.Info
	for _, info := range registry.Maps() {
		if info.Name == name {
			found = append(found, info)
		}
	}
	require.NotEmpty(t, found, "maps named %q", name)
	return found[len(found)-1]
}

// RequireLeaves runs the collector until freed is closed (the finalizer
// of something only the map kept reachable has run) and the entry id has
// left the registry, and fails if that does not happen within seconds.
func RequireLeaves(t *testing.T, freed <-chan struct{}, id uint64) {
	t.Helper()
	require.True(t, registry.Listed(id))
	require.Eventually(t, func() bool {
		runtime.GC()
		select {
		case <-freed:
			return !registry.Listed(id)
		default:
			return false
		}
	}, 10*time.Second, 10*time.Millisecond, "the map, what it holds and its registry entry must all go")
}
