#!/usr/bin/env bash
# opcount.sh counts, with callgrind, the instructions and simulated cache
# misses per operation of hmap and of the builtin map, for each cell: a run
# of N operations minus a run of the setup alone, divided by N. The counts
# do not move with the machine's load, as timings do.
#
#   bench/opcount.sh                     Go 1.23 (the classic builtin), 1K entries
#   GO=go bench/opcount.sh               the installed Go (Swiss builtin)
#   SIZE=1000000 N=200000 bench/opcount.sh
#   LL=33554432,16,64 bench/opcount.sh   simulate a 32 MiB last-level cache
#                                        (valgrind's default copies the host's)
#
# Output: one line per cell, tab-separated:
#   impl key op  instr/op  NOPs/op  D1-misses/op  LL-misses/op
# NOPs/op is the part of instr/op that is alignment padding: the Go
# assembler pads jumps away from 32-byte boundaries (Intel's JCC erratum),
# and where the padding falls moves by a few instructions with any change
# to the code around it. Compare two builds on instr/op minus NOPs/op.
set -euo pipefail
cd "$(dirname "$0")/.."
GOTC=${GOTC:-go1.23.12}
SIZE=${SIZE:-1000}
N=${N:-200000}
OPS=${OPS:-"get-hit get-miss set-update delete-reinsert iterate"}
KEYS=${KEYS:-"int64 string"}
IMPLS=${IMPLS:-"hmap builtin"}
LLOPT=()
[ -n "${LL:-}" ] && LLOPT=(--LL="$LL")
command -v valgrind >/dev/null || { echo "opcount.sh: valgrind is not installed" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
GOTOOLCHAIN=$GOTC go build -o "$tmp/opcount" ./bench/internal/opcount
go build -o "$tmp/cgnops" ./bench/internal/cgnops

# counts ARGS... prints "Ir NOPs D1mr+D1mw DLmr+DLmw" of one run. A Go program
# under valgrind now and then dies of a signal valgrind mishandles: such a
# run is repeated, up to three times.
counts() {
  local try
  for try in 1 2 3; do
    if GOGC=off GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --cache-sim=yes ${LLOPT[@]+"${LLOPT[@]}"} --dump-instr=yes \
      --callgrind-out-file="$tmp/cg.out" "$tmp/opcount" "$@" >/dev/null 2>"$tmp/cg.err"; then
      break
    fi
    if [ "$try" = 3 ]; then
      cat "$tmp/cg.err" >&2
      exit 1
    fi
  done
  local irnops
  irnops=$("$tmp/cgnops" "$tmp/opcount" "$tmp/cg.out")
  awk -v irnops="$irnops" '/^events:/ {for (i = 2; i <= NF; i++) col[$i] = i}
    /^summary:/ {print irnops, $col["D1mr"] + $col["D1mw"], $col["DLmr"] + $col["DLmw"]}' "$tmp/cg.out"
}

printf 'impl\tkey\top\tinstr/op\tNOPs/op\tD1miss/op\tLLmiss/op\t(%s, size %d, n %d)\n' "$GOTC" "$SIZE" "$N"
for key in $KEYS; do
  for op in $OPS; do
    for impl in $IMPLS; do
      n=$N
      [ "$op" = iterate ] && n=$((N / SIZE > 0 ? N / SIZE : 1))
      read -r i0 z0 d0 l0 < <(counts -impl "$impl" -key "$key" -op "$op" -size "$SIZE" -n 0)
      read -r i1 z1 d1 l1 < <(counts -impl "$impl" -key "$key" -op "$op" -size "$SIZE" -n "$n")
      per=$n
      [ "$op" = iterate ] && per=$((n * SIZE)) # per entry
      awk -v i0="$i0" -v i1="$i1" -v z0="$z0" -v z1="$z1" -v d0="$d0" -v d1="$d1" -v l0="$l0" -v l1="$l1" \
        -v n="$per" -v impl="$impl" -v key="$key" -v op="$op" \
        'BEGIN { printf "%s\t%s\t%s\t%.1f\t%.1f\t%.3f\t%.3f\n", impl, key, op, (i1-i0)/n, (z1-z0)/n, (d1-d0)/n, (l1-l0)/n }'
    done
  done
done
