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
