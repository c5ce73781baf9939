package table

// Probes are per-lookup counts. Counting them costs time on the hot path,
// so it is compiled in only with the hmapprobe build tag (see probe_on.go);
// without it the fields stay zero and the counting code does not exist.
type Probes struct {
	Enabled bool // built with -tags hmapprobe

	Lookups, Hits, Misses int // Get, At, Has calls on a non-empty map
	// Keys compared (tophash matched) during hits and during misses.
	KeysComparedHit, KeysComparedMiss int
	// FalsePositives counts tophash matches whose key differed.
	FalsePositives int
	// BucketsVisited counts buckets read by lookups, chains included.
	BucketsVisited int
	// OldArrayReads counts lookups served from the old array during a
	// growth. Reads never evacuate in the classic design: only writes do.
	OldArrayReads int
	// Evacuations by writes: of the bucket the write touched, and
	// paced ones (at the evacuation mark).
	TouchEvacuations, PacedEvacuations int
}

// Sub returns the counts since prev, an earlier reading of the same map's
// Probes; Enabled is p's.
func (p Probes) Sub(prev Probes) Probes {
	return Probes{
		Enabled:          p.Enabled,
		Lookups:          p.Lookups - prev.Lookups,
		Hits:             p.Hits - prev.Hits,
		Misses:           p.Misses - prev.Misses,
		KeysComparedHit:  p.KeysComparedHit - prev.KeysComparedHit,
		KeysComparedMiss: p.KeysComparedMiss - prev.KeysComparedMiss,
		FalsePositives:   p.FalsePositives - prev.FalsePositives,
		BucketsVisited:   p.BucketsVisited - prev.BucketsVisited,
		OldArrayReads:    p.OldArrayReads - prev.OldArrayReads,
		TouchEvacuations: p.TouchEvacuations - prev.TouchEvacuations,
		PacedEvacuations: p.PacedEvacuations - prev.PacedEvacuations,
	}
}
