package table

import (
	"log/slog"

	"github.com/hmaplab/hmap/internal/logvalue"
)

// LogValue makes Stats a slog.LogValuer: slog.Info("map", "stats", s) logs
// every counter as its own attribute (stats.Count=..., stats.Events.Growths=...
// with a TextHandler) instead of one %+v string, and each can then be
// filtered or graphed by name. The nested Events and Probes are groups.
func (s Stats) LogValue() slog.Value { return logvalue.Of(s) }
