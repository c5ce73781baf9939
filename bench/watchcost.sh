#!/usr/bin/env bash
# watchcost.sh measures the cost of watching a map (package watch): the
# BenchmarkWatch cells (get, set and grow; plain, sampled, named, traced)
# under Go 1.23, compared with benchstat, and callgrind's instructions per
# operation of the same operations (bench/opcount.sh). It leaves the raw
# outputs in bench/results (watch.txt, watch.benchstat.txt,
# watch.opcount.txt, watch.version) and regenerates bench/RESULTS.md, whose
# section "The cost of watching" shows them.
#
#   bench/watchcost.sh           -count 10 (about 3 minutes on 2 cores)
#   BENCH_COUNT=2 bench/watchcost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${BENCH_COUNT:-10}
GO123=${GO123:-go1.23.12}
BENCHSTAT=${BENCHSTAT:-golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da}
out=bench/results
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

GOTOOLCHAIN=$GO123 go version | tee "$out/watch.version"
GOTOOLCHAIN=$GO123 go test -c -o "$tmp/bench.test" ./bench
"$tmp/bench.test" -test.run '^$' -test.bench '^BenchmarkWatch$' -test.benchtime 200ms -test.count "$COUNT" | tee "$out/watch.txt"
GOBIN=$tmp go install "$BENCHSTAT"
"$tmp/benchstat" -col /impl "$out/watch.txt" | tee "$out/watch.benchstat.txt"

if command -v valgrind >/dev/null; then
  impls="hmap hmap-sampled hmap-named hmap-traced"
  IMPLS=$impls KEYS=int64 OPS="get-hit set-update" bash bench/opcount.sh >"$tmp/ops.txt"
  IMPLS=$impls KEYS=int64 OPS=new-fill N=100 bash bench/opcount.sh | tail -n +2 >>"$tmp/ops.txt"
  mv "$tmp/ops.txt" "$out/watch.opcount.txt"
  cat "$out/watch.opcount.txt"
else
  echo "watchcost.sh: valgrind is not installed: no instruction counts" >&2
fi
# The rest of RESULTS.md comes from compare.sh's run: keep its settings.
settings=$(sed -n 's/^- settings: //p' bench/RESULTS.md)
elapsed=$(sed -n 's/^- wall time of the run: //p' bench/RESULTS.md)
go run ./bench/internal/report -dir "$out" -out bench/RESULTS.md -settings "$settings" -elapsed "$elapsed"
