package main

import (
	"bytes"
	"testing"

	"github.com/hmaplab/hmap/hash"
	"github.com/hmaplab/hmap/internal/rt"
	"github.com/hmaplab/hmap/table"
	"github.com/stretchr/testify/require"
)

// TestMapHashSeed: the seed read off a probe map is the one a map built
// with the same WithSeed hashes with.
func TestMapHashSeed(t *testing.T) {
	for _, s := range []uint64{0, 1, 42, 1 << 63} {
		m := table.New[string, int](0, table.WithSeed(s), table.WithHasher(hash.XXH3[string]{}))
		m.Put("k", 1)
		want := rt.TableHash(hash.XXH3[string]{}.Hash("k", mapHashSeed(s)))
		require.Equal(t, want, m.Locate("k").Hash, "WithSeed(%d)", s)
	}
}

func hashDoSTestRun(t *testing.T, seed uint64) (*result, map[string][]map[string]any) {
	t.Helper()
	r, err := hashDoSRun(hashDoSConfig{seed: seed, n: 64, budget: 1 << 20})
	require.NoError(t, err)
	rows := map[string][]map[string]any{}
	for _, row := range r.Table.Rows {
		m := map[string]any{}
		for j, c := range r.Table.Columns {
			m[c.Name] = row[j]
		}
		rows[row[0].(string)] = append(rows[row[0].(string)], m)
	}
	return r, rows
}

// TestHashDoSOneChain: identity keys, multiples of 2^B, and the keys
// searched under the attacker's seed fill one chain of ceil(n/8) buckets,
// and a lookup compares (n+1)/2 keys on average: all share the tophash.
func TestHashDoSOneChain(t *testing.T) {
	_, rows := hashDoSTestRun(t, 1)
	for _, s := range []string{"identity", "xxh3 known seed", "seeded known seed"} {
		require.Len(t, rows[s], 2, s) // n = 16 and 64
		for _, r := range rows[s] {
			n := r["n"].(int)
			require.Equal(t, (n+7)/8, r["longest_chain"], "%s, n %d", s, n)
			require.Equal(t, 1, r["chains_used"], "%s, n %d", s, n)
			require.Equal(t, float64(n+1)/2, r["keys_compared"], "%s, n %d", s, n)
		}
	}
	// Sharing the bucket only: the same chain, but the tophash spares
	// most key comparisons.
	bo := rows["xxh3 known, bucket only"][1]
	require.Equal(t, 8, bo["longest_chain"])
	require.Less(t, bo["keys_compared"].(float64), 4.0)
}

// TestHashDoSSecretSeed: the same keys spread like random ones once the
// seed is not the attacker's (bounds: 64 keys over 16 buckets).
func TestHashDoSSecretSeed(t *testing.T) {
	res, rows := hashDoSTestRun(t, 1)
	for _, s := range []string{"xxh3 secret seed", "seeded secret seed", "runtime", "baseline strings", "baseline uint64"} {
		r := rows[s][1]
		require.Equal(t, 64, r["n"])
		require.LessOrEqual(t, r["longest_chain"], 2, s)
		require.GreaterOrEqual(t, r["chains_used"], 12, s)
		require.Less(t, r["keys_compared"].(float64), 1.2, s)
	}
	for _, c := range res.Claims {
		require.Equal(t, holds, c.Verdict, "%s: %s", c.Claim, c.Measured)
	}
}

// TestHashDoSDeterministic: apart from times and the runtime's row, a
// seed gives the same table; another seed other keys.
func TestHashDoSDeterministic(t *testing.T) {
	counts := func(r *result) [][]any {
		var out [][]any
		for _, row := range r.Table.Rows {
			if row[4] == true {
				out = append(out, row[:len(row)-2]) // less the two times
			}
		}
		return out
	}
	a, _ := hashDoSTestRun(t, 5)
	b, _ := hashDoSTestRun(t, 5)
	require.Equal(t, counts(a), counts(b))
	require.Equal(t, a.Setup, b.Setup)
	c, _ := hashDoSTestRun(t, 6)
	require.NotEqual(t, a.Setup[0], c.Setup[0], "another seed searches other keys")
}

func TestHashDoSOutputs(t *testing.T) {
	res := checkOutputs(t, "hashdos", "-n", "32", "-budget", "1048576")
	require.Len(t, res.Table, 9*2)
	require.Len(t, res.Claims, 3)
}

func TestHashDoSFlagErrors(t *testing.T) {
	requireUsageErrors(t, "hashdos",
		usageCase{[]string{"-n", "15"}, "-n 15 out of range: want 16 to 4096"},
		usageCase{[]string{"-n", "4097"}, "-n 4097 out of range: want 16 to 4096"},
		usageCase{[]string{"-budget", "65535"}, "-budget 65535 out of range: want 65536 to 68719476736"},
		usageCase{[]string{"-budget", "68719476737"}, "-budget 68719476737 out of range: want 65536 to 68719476736"},
	)
	// A budget too small to find 8 colliding keys is a failure, not a
	// usage error: 2^18 hashes a key against a budget of 2^16.
	var out, errOut bytes.Buffer
	require.Equal(t, 1, run([]string{"hashdos", "-n", "4096", "-budget", "65536"}, &out, &errOut))
	require.Contains(t, errOut.String(), "raise -budget or lower -n")
}
