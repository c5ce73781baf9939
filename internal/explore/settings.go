package explore

import (
	"fmt"
	"strconv"
	"strings"
)

// Settings are what a map is made with: everything a replay needs besides
// the ops. The zero value is not valid; start from DefaultSettings.
type Settings struct {
	// Key is the key type: "int" (int64) or "string". Elems are strings.
	Key string `json:"key"`
	// Hasher names the hash function (see Hashers).
	Hasher string `json:"hasher"`
	// Seed fixes every random choice of the map (table.WithSeed). It is
	// kept within a JavaScript number's exact range so that the page
	// never rounds it.
	Seed uint64 `json:"seed"`
	// LoadNum/LoadDen is the load factor (table.WithLoadFactor).
	LoadNum int `json:"loadNum"`
	LoadDen int `json:"loadDen"`
	// Pace is the evacuation pace (table.WithEvacuationPace): 0 moves the
	// whole table when a growth starts.
	Pace int `json:"pace"`
	// Mask is the masked hasher's mask, in hex ("ff00000000000003"), kept
	// as text because a JavaScript number cannot hold 64 bits. Ignored by
	// the other hashers; empty means DefaultMask.
	Mask string `json:"mask,omitempty"`
}

// Limits of the settings and of a session. A session beyond them would
// draw thousands of buckets, which a page cannot show usefully.
const (
	MaxSeed     = 1<<53 - 1 // the largest integer a JavaScript number holds exactly
	MaxPace     = 1024
	MaxOps      = 2000
	MaxBatch    = 1024
	MaxEntries  = 4096 // keys inserted by a whole session, at most
	MaxKeyBytes = 64
	// DefaultMask keeps the top byte (the tophash) and the low 2 bits
	// (at most 4 buckets used): collisions are frequent, chains long, and
	// overflow buckets pile up until a same-size growth.
	DefaultMask = "ff00000000000003"
	// ConstantHash is what the constant hasher returns for every key.
	ConstantHash = 0x5a00_0000_0000_0000
)

// DefaultSettings are the page's settings before the learner changes any:
// integer keys under XXH3, the Go 1.23 load factor and pace.
func DefaultSettings() Settings {
	return Settings{Key: "int", Hasher: "xxh3", Seed: 1, LoadNum: 13, LoadDen: 2, Pace: 1}
}

// HasherInfo describes one choice of hasher.
type HasherInfo struct {
	Name  string   `json:"name"`
	About string   `json:"about"`
	Keys  []string `json:"keys"` // the key types it hashes
	// Reproducible reports that a session replays identically in every
	// process.
	Reproducible bool `json:"reproducible"`
}

// Hashers lists the hashers a session can choose.
func Hashers() []HasherInfo {
	both := []string{"int", "string"}
	return []HasherInfo{
		{"xxh3", "XXH3-64, seeded (of the key's 8 little-endian bytes for int keys): spreads keys well, same hash on every machine", both, true},
		{"runtime", "the Go runtime's own hash: what a builtin map computes, keyed per process, so a shared link replays differently elsewhere", both, false},
		{"seeded", "hash.Seeded: hashes a key's value, reproducible everywhere", both, true},
		{"identity", "hash.Identity: an integer hashes to itself, so key k goes to bucket k mod 2^B and every tophash is 0x05", []string{"int"}, true},
		{"masked", "hash.Masked: XXH3 (seeded for int keys) keeping only the bits of the mask; the default keeps the tophash and 4 buckets", both, true},
		{"constant", "hash.Constant: every key hashes to 0x5a00000000000000, one chain, one tophash: the worst case", both, true},
	}
}

func hasherInfo(name string) (HasherInfo, bool) {
	for _, h := range Hashers() {
		if h.Name == name {
			return h, true
		}
	}
	return HasherInfo{}, false
}

// Validate checks every setting, and returns an error naming the first bad
// one and its valid range.
func (s Settings) Validate() error {
	if s.Key != "int" && s.Key != "string" {
		return fmt.Errorf("key type %q: want int or string", s.Key)
	}
	h, ok := hasherInfo(s.Hasher)
	if !ok {
		names := make([]string, 0, 6)
		for _, h := range Hashers() {
			names = append(names, h.Name)
		}
		return fmt.Errorf("hasher %q: want one of %s", s.Hasher, strings.Join(names, ", "))
	}
	if !contains(h.Keys, s.Key) {
		return fmt.Errorf("hasher %q: hashes %s keys only, not %s keys", s.Hasher, strings.Join(h.Keys, " and "), s.Key)
	}
	if s.Seed > MaxSeed {
		return fmt.Errorf("seed %d: out of range: want 0 to %d", s.Seed, uint64(MaxSeed))
	}
	if n, d := s.LoadNum, s.LoadDen; n <= 0 || d <= 0 || n > 8*d || n > 1<<16 || d > 1<<16 {
		return fmt.Errorf("load factor %d/%d: out of range: want 0 < num/den <= 8, with num and den in [1, 65536]", n, d)
	}
	if s.Pace < 0 || s.Pace > MaxPace {
		return fmt.Errorf("pace %d: out of range: want 0 (all at once) to %d", s.Pace, MaxPace)
	}
	if s.Hasher == "masked" {
		if _, err := s.mask(); err != nil {
			return err
		}
	}
	return nil
}

// mask returns the masked hasher's mask.
func (s Settings) mask() (uint64, error) {
	if s.Mask == "" {
		return strconv.ParseUint(DefaultMask, 16, 64)
	}
	m, err := strconv.ParseUint(strings.TrimPrefix(strings.ReplaceAll(s.Mask, "_", ""), "0x"), 16, 64)
	if err != nil {
		return 0, fmt.Errorf("mask %q: want 1 to 16 hex digits", s.Mask)
	}
	return m, nil
}

// normal returns s with its mask written canonically, and dropped where the
// hasher has none, so that equal sessions encode equally.
func (s Settings) normal() Settings {
	if s.Hasher != "masked" {
		s.Mask = ""
		return s
	}
	m, _ := s.mask()
	s.Mask = fmt.Sprintf("%016x", m)
	return s
}

// Reproducible reports whether the session replays identically in every
// process: true for every hasher but the runtime's.
func (s Settings) Reproducible() bool {
	h, ok := hasherInfo(s.Hasher)
	return ok && h.Reproducible
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// EncodeSettings writes s for a URL: key type, hasher, seed, load factor
// num-den and pace joined by '.', then the mask for the masked hasher.
func EncodeSettings(s Settings) string {
	s = s.normal()
	out := fmt.Sprintf("%s.%s.%d.%d-%d.%d", s.Key, s.Hasher, s.Seed, s.LoadNum, s.LoadDen, s.Pace)
	if s.Hasher == "masked" {
		out += "." + s.Mask
	}
	return out
}

// DecodeSettings reads what EncodeSettings wrote, and validates it.
func DecodeSettings(text string) (Settings, error) {
	f := strings.Split(text, ".")
	if len(f) != 5 && len(f) != 6 {
		return Settings{}, fmt.Errorf("settings %q: want key.hasher.seed.num-den.pace[.mask]", text)
	}
	s := Settings{Key: f[0], Hasher: f[1]}
	var err error
	if s.Seed, err = strconv.ParseUint(f[2], 10, 64); err != nil {
		return Settings{}, fmt.Errorf("settings %q: seed %q: want a decimal integer from 0 to %d", text, f[2], uint64(MaxSeed))
	}
	num, den, ok := strings.Cut(f[3], "-")
	if s.LoadNum, err = strconv.Atoi(num); ok && err == nil {
		s.LoadDen, err = strconv.Atoi(den)
	}
	if !ok || err != nil {
		return Settings{}, fmt.Errorf("settings %q: load factor %q: want num-den, as 13-2", text, f[3])
	}
	if s.Pace, err = strconv.Atoi(f[4]); err != nil {
		return Settings{}, fmt.Errorf("settings %q: pace %q: want a decimal integer", text, f[4])
	}
	if len(f) == 6 {
		if s.Hasher != "masked" {
			return Settings{}, fmt.Errorf("settings %q: a mask is for the masked hasher only", text)
		}
		s.Mask = f[5]
	}
	if err := s.Validate(); err != nil {
		return Settings{}, err
	}
	return s.normal(), nil
}
