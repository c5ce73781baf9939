//go:build !hmapprobe

package table

// probesEnabled: see probe_on.go. Off, every counting site is a constant
// false branch, which the compiler removes.
const probesEnabled = false

type probeCounters struct{}

func (m *Map[K, V]) probeStats() Probes { return Probes{} }

func (m *Map[K, V]) findProbed(K) (*K, *V) { panic("unreachable") }

func (p *probeCounters) evacuation(bool) {}
