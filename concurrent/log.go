package concurrent

import (
	"log/slog"

	"github.com/hmaplab/hmap/internal/logvalue"
)

// LogValue makes Stats an slog.LogValuer: logging a map's Stats writes
// every counter as a field of a group, nested groups for Events and Probes,
// with the names package table's Stats uses for the same things.
func (s Stats) LogValue() slog.Value { return logvalue.Of(s) }
