#!/usr/bin/env bash
# compare.sh runs the benchmark suite under the installed Go and under Go
# 1.23 (whose builtin map is the classic one), runs the peers module, the
# tophash probe benchmarks and the concurrent-map benchmarks, keeps the raw
# outputs in bench/results, and regenerates bench/RESULTS.md from them. Where
# valgrind is installed it also counts instructions per operation
# (bench/opcount.sh), which RESULTS.md shows beside the timings.
#
#   bench/compare.sh            the full run (-count 10, concurrent maps 6; about 25 minutes on 2 cores)
#   bench/compare.sh -quick     a trial run (-count 1, short benchtime)
#
# Environment overrides:
#   BENCH_COUNT      runs of each benchmark (default 10; -quick: 1)
#   BENCH_TIME       -benchtime of the whole-map ops and the probes (default 30ms; -quick: 5ms)
#   BENCH_OPS_N      operations per run of the per-op cells (default 500000; -quick: 20000)
#   BENCH_MEM_COUNT  runs of the memory benchmarks, which are deterministic (default 1)
#   BENCH_CONC_COUNT runs of each concurrent-map benchmark but the memory one (default 6; -quick: 1)
#   OPCOUNT_1M       if set, also count instructions and misses at 1M entries (results/opcount1m.txt; 40 minutes more)
#   BENCH_CONC_TIME  -benchtime of the concurrent mixes, iteration and Len (default 60ms; -quick: 5ms)
#   BENCH_SNAP_TIME  -benchtime of the snapshots-under-load benchmark (default 240ms; -quick: 20ms)
#   GO123            the Go 1.23 toolchain (default go1.23.12)
#   BENCHSTAT        the benchstat module version (default pinned below)
#
# To regenerate RESULTS.md from the raw outputs alone:
#   go run ./bench/internal/report -dir bench/results -out bench/RESULTS.md
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${BENCH_COUNT:-10}
TIME=${BENCH_TIME:-30ms}
OPSN=${BENCH_OPS_N:-500000}
MEMCOUNT=${BENCH_MEM_COUNT:-1}
CONC_TIME=${BENCH_CONC_TIME:-60ms}
SNAP_TIME=${BENCH_SNAP_TIME:-240ms}
CONC_COUNT=${BENCH_CONC_COUNT:-6}
if [ "${1:-}" = "-quick" ]; then
  COUNT=${BENCH_COUNT:-1}
  TIME=${BENCH_TIME:-5ms}
  OPSN=${BENCH_OPS_N:-20000}
  CONC_TIME=${BENCH_CONC_TIME:-5ms}
  SNAP_TIME=${BENCH_SNAP_TIME:-20ms}
  CONC_COUNT=${BENCH_CONC_COUNT:-1}
elif [ -n "${1:-}" ]; then
  echo "usage: bench/compare.sh [-quick]" >&2
  exit 2
fi
GO123=${GO123:-go1.23.12}
BENCHSTAT=${BENCHSTAT:-golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da}

start=$(date +%s)
out=bench/results
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
# bench/watchcost.sh writes watch.*: its outputs are kept.
find "$out" -maxdepth 1 \( -name '*.txt' -o -name '*.version' \) ! -name 'watch.*' ! -name 'opcount1m.txt' -delete

step() { printf '== %s (%ds)\n' "$*" $(($(date +%s) - start)); }

step "building test binaries and benchstat"
go version | tee "$out/go126.version"
GOTOOLCHAIN=$GO123 go version | tee "$out/go123.version"
go test -c -o "$tmp/bench126.test" ./bench
GOTOOLCHAIN=$GO123 go test -c -o "$tmp/bench123.test" ./bench
go test -c -o "$tmp/asm.test" ./asm
(cd bench/peers && go test -c -o "$tmp/peers.test" .)
GOBIN=$tmp go install "$BENCHSTAT"

# suite BINARY OUTPUT runs the matrix, the growth latency and the memory
# benchmarks of one test binary, appending to OUTPUT. The per-op cells run
# a fixed number of operations: the framework collects the heap before
# every run of a benchmark, which with 1M-entry maps alive costs more than
# the measurement, and a fixed count saves the calibration runs. The
# whole-map cells run for a fixed time. The growth-latency and memory
# benchmarks time their own fills: one fill per run.
#
# Every matrix cell runs in rounds, one run of every cell per round, as
# the concurrent maps do (see concurrent below): -test.count runs a cell's
# impls one after the other, each COUNT times, so a slow spell of the
# machine lasting seconds fell on all the runs of one impl and none of the
# other's (in one run, 7 of 10 hmap runs of a cell took 20 ns against 12 ns
# for the other 3 and every builtin run). In a round a cell's impls run
# back to back, and a spell spreads over both.
#
# A whole-map cell, and a growth-latency fill, runs twice in each round's
# process, and only its second run is kept (so does a concurrent map's
# fill, below): in a fresh process the first impl to build a 1M map takes
# the page faults of memory the second then reuses (clone of 1M int64
# entries, in rounds of one run each: hmap 2.2 times the builtin's time,
# against 1.0 with -test.count), and the calibration run that
# -benchtime makes first does not warm a cell whose one operation takes
# longer than the benchtime.
perop='^op=(get-hit|get-miss|set-update|delete-reinsert|mixed)$'
wholemap='^op=(insert-grow|insert-presized|iterate|clone|clear)$'
# second keeps, of a benchmark output where each benchmark ran twice, the
# second run's line of each and every line that is not a result.
second() { awk '/^Benchmark/ && ++runs[$1] != 2 { next } { print }'; }
suite() {
  local bin=$1 file=$2 round
  for round in $(seq "$COUNT"); do
    "$bin" -test.run '^$' -test.bench "^BenchmarkMap\$/./././$perop" -test.benchtime "${OPSN}x" >>"$file"
  done
  for round in $(seq "$COUNT"); do
    "$bin" -test.run '^$' -test.bench "^BenchmarkMap\$/./././$wholemap" -test.benchtime "$TIME" -test.count 2 | second >>"$file"
  done
  for round in $(seq "$COUNT"); do
    "$bin" -test.run '^$' -test.bench '^BenchmarkGrowthLatency$' -test.benchtime 1x -test.count 2 | second >>"$file"
  done
  "$bin" -test.run '^$' -test.bench '^BenchmarkMemory$' -test.benchtime 1x -test.count "$MEMCOUNT" >>"$file"
}

step "hmap and builtin, $(cat "$out/go126.version")"
suite "$tmp/bench126.test" "$out/go126.txt"
"$tmp/bench126.test" -test.run '^$' -test.bench '^BenchmarkAdapter$' -test.benchtime "$TIME" -test.count "$COUNT" >>"$out/go126.txt"

step "hmap and builtin, $(cat "$out/go123.version")"
suite "$tmp/bench123.test" "$out/go123.txt"

step "peers, $(cat "$out/go126.version")"
suite "$tmp/peers.test" "$out/peers.txt"

step "tophash probes (package asm)"
"$tmp/asm.test" -test.run '^$' -test.bench '^Benchmark(Match|MatchWalk|Empty)$' -test.benchtime "$TIME" -test.count "$COUNT" >"$out/asm.txt"

# concurrent BINARY OUTPUT [IMPL...] runs the concurrent-map benchmarks of
# one test binary, appending to OUTPUT; the IMPLs are left out of the mixes
# and Len. The mixes run at GOMAXPROCS 1 and 2, everything else at 2, the
# setting of the targets.
#
# The mixes run in rounds, one run of every cell per round, each round in
# fresh processes: on a shared virtual machine a cell's speed can shift by
# 2-3x, for seconds at a time or for the life of a process, for reasons
# outside it (the host's other tenants; for the 1M maps, random walks over
# 44 MB, where their pages landed), so runs of one impl back to back would
# compare its luck with the other's. Rounds spread that over every impl alike, and the median over
# the rounds leaves it out. Within a round the 1K mixes of all impls share
# a process, and each impl's 1M mixes have one of their own: a benchmark
# keeps its filled maps alive, the framework collects the heap before every
# run, and with a 1M-entry sync.Map alive that collection costs more than
# the run. The impls are read from a one-operation run of 1K cells.
concurrent() {
  local bin=$1 file=$2 found impls="" impl re round
  shift 2
  found=$("$bin" -test.run '^$' -test.bench '^BenchmarkConcurrent$/^size=1K$/^mix=100-0$' -test.benchtime 1x -test.cpu 1 |
    sed -nE 's|^BenchmarkConcurrent/[^[:space:]]*/impl=([^[:space:]/]+)[[:space:]].*|\1|p')
  for impl in $found; do
    case " $* " in *" $impl "*) continue ;; esac
    impls="$impls $impl"
  done
  if [ -z "$impls" ]; then
    echo "compare.sh: no BenchmarkConcurrent impls to run in $bin" >&2
    exit 1
  fi
  re=$(echo $impls | tr ' ' '|')
  for round in $(seq "$CONC_COUNT"); do
    "$bin" -test.run '^$' -test.bench "^BenchmarkConcurrent\$/^size=1K\$/./^impl=($re)\$" -test.cpu 1,2 -test.benchtime "$CONC_TIME" >>"$file"
    for impl in $impls; do
      "$bin" -test.run '^$' -test.bench "^BenchmarkConcurrent\$/^size=1M\$/./^impl=$impl\$" -test.cpu 1,2 -test.benchtime "$CONC_TIME" >>"$file"
    done
  done
  for round in $(seq "$CONC_COUNT"); do
    "$bin" -test.run '^$' -test.bench '^BenchmarkConcurrentGrowth$' -test.cpu 2 -test.benchtime 1x -test.count 2 | second >>"$file"
  done
  "$bin" -test.run '^$' -test.bench '^BenchmarkConcurrentIterate$' -test.cpu 2 -test.benchtime "$CONC_TIME" -test.count "$CONC_COUNT" >>"$file"
  "$bin" -test.run '^$' -test.bench "^BenchmarkConcurrentLen\$/./^impl=($re)\$" -test.cpu 2 -test.benchtime "$CONC_TIME" -test.count "$CONC_COUNT" >>"$file"
  "$bin" -test.run '^$' -test.bench '^BenchmarkConcurrentMemory$' -test.cpu 2 -test.benchtime 1x -test.count "$MEMCOUNT" >>"$file"
}

step "concurrent maps, $(cat "$out/go126.version")"
concurrent "$tmp/bench126.test" "$out/concurrent.txt"
# The snapshot modes too run in rounds, so that each is compared with a
# snap=none run of the same process.
for round in $(seq "$CONC_COUNT"); do
  "$tmp/bench126.test" -test.run '^$' -test.bench '^BenchmarkSnapshot$' -test.cpu 2 -test.benchtime "$SNAP_TIME" >>"$out/concurrent.txt"
done
# sync.Map's mixes are package bench's, and it has no Len: the peers' run
# leaves it out of both, which saves a minute of collections of its 1M map.
concurrent "$tmp/peers.test" "$out/peers-concurrent.txt" syncmap

step "instruction counts (callgrind, bench/opcount.sh)"
# Counts do not move with the machine's load: they stand beside the timed
# ratios in RESULTS.md. They need valgrind; without it the report says so.
if command -v valgrind >/dev/null 2>&1; then
  KEYS="int64 string struct16" N=${OPCOUNT_N:-100000} bash bench/opcount.sh >"$out/opcount.txt"
  SIZE=8 KEYS="int64 string struct16" OPS="get-hit new-fill" N=${OPCOUNT_N:-100000} bash bench/opcount.sh >"$out/opcount8.txt"
  # The counts at 1M entries take about 40 minutes (each run fills a 1M
  # map under valgrind): only with OPCOUNT_1M=1; otherwise the last ones
  # stay, with the commit they were made at. The simulated last level is
  # 2 MiB, this machine's L2: its misses are what leaves the core.
  if [ -n "${OPCOUNT_1M:-}" ]; then
    {
      echo "# commit $(git rev-parse --short HEAD), LL 2 MiB"
      LL=2097152,16,64 SIZE=1000000 N=200000 OPS="get-hit get-miss set-update" KEYS="int64 string struct16" bash bench/opcount.sh
    } >"$out/opcount1m.txt"
  fi
else
  echo "compare.sh: valgrind is not installed: no instruction counts (apt-get install valgrind)" >&2
fi

step "benchstat"
for f in go123 go126 peers asm peers-concurrent; do
  "$tmp/benchstat" -col /impl "$out/$f.txt" >"$out/$f.benchstat.txt"
done
# BenchmarkSnapshot has no impl: its columns are the snap modes.
"$tmp/benchstat" -col /impl -filter '-.name:Snapshot' "$out/concurrent.txt" >"$out/concurrent.benchstat.txt"
"$tmp/benchstat" -col /snap -filter '.name:Snapshot' "$out/concurrent.txt" >"$out/snapshot.benchstat.txt"

elapsed=$(($(date +%s) - start))
step "report"
go run ./bench/internal/report -dir "$out" -out bench/RESULTS.md \
  -elapsed "$((elapsed / 60))m$((elapsed % 60))s" \
  -settings "-count $COUNT; per-op cells ${OPSN} operations per run, whole-map cells and probes -benchtime $TIME; growth latency one fill per run; memory $MEMCOUNT run(s); concurrent maps -count $CONC_COUNT, mixes, iteration and Len -benchtime $CONC_TIME, snapshots under load $SNAP_TIME, growth one fill per run"
echo "wrote bench/RESULTS.md; raw outputs in $out; elapsed $((elapsed / 60))m$((elapsed % 60))s"
