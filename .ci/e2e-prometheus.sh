#!/usr/bin/env bash
# End to end: the real Prometheus server scrapes `hmaplab serve`, and its
# query API must give back what the workload's maps are known to hold: the
# weak-hasher map's entries and stuck hash bits, the sessions map's good
# hash, the growing map's growths, the target up. Then `go tool pprof`
# reads the hmap profile, whose top creation site by entries must be the
# weak-hasher map's.
#
# Both servers listen on 127.0.0.1 only. Prometheus (Debian's package) is
# installed if missing, with its service kept from starting.
#
#   HMAP_PORT  port of hmaplab serve (0, the default: any free one)
#   PROM_PORT  port of Prometheus (default 9190)
set -euo pipefail
cd "$(dirname "$0")/.."

HMAP_PORT=${HMAP_PORT:-0}
PROM_PORT=${PROM_PORT:-9190}
WEAK_FILL=20000 # weakFill in cmd/hmaplab/serve.go
DEADLINE=60     # seconds to wait for each thing awaited

tmp=$(mktemp -d)
pids=()
policy=/usr/sbin/policy-rc.d
added_policy=false
cleanup() {
  if $added_policy; then rm -f "$policy"; fi
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for log in "$tmp"/*.log; do
    [ -f "$log" ] || continue
    echo "-- last lines of $(basename "$log"):" >&2
    tail -n 20 "$log" >&2
  done
  exit 1
}

# alive NAME PID: fails unless the process is still running.
alive() {
  kill -0 "$2" 2>/dev/null || fail "$1 exited early"
}

# await DESCRIPTION COMMAND...: runs COMMAND every half second until it
# succeeds, for DEADLINE seconds at most.
await() {
  local what=$1 end=$((SECONDS + DEADLINE))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$end" ] || fail "$what: not after ${DEADLINE}s"
    sleep 0.5
  done
}

if ! command -v prometheus >/dev/null 2>&1; then
  echo "installing prometheus"
  export DEBIAN_FRONTEND=noninteractive
  # Keep the package's service from starting (it would listen on every
  # interface): policy-rc.d refuses every start while it exists.
  if [ ! -e "$policy" ]; then
    added_policy=true
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  if $added_policy; then
    rm -f "$policy"
    added_policy=false
  fi
fi
prometheus --version 2>&1 | head -n 1

go build -o "$tmp/hmaplab" ./cmd/hmaplab

"$tmp/hmaplab" serve -addr "127.0.0.1:$HMAP_PORT" -duration 120s >"$tmp/hmaplab.log" 2>&1 &
hmap_pid=$!
pids+=("$hmap_pid")
started() {
  alive "hmaplab serve" "$hmap_pid"
  grep -q '^serving hmap metrics on http://' "$tmp/hmaplab.log"
}
await "hmaplab serve starts" started
head -n 1 "$tmp/hmaplab.log"
hmap=$(sed -n 's|^serving hmap metrics on http://\([^ ]*\) .*|\1|p' "$tmp/hmaplab.log")

# Prometheus starts once the weak-hasher map is full, so that its first
# scrape already has it.
filled() {
  alive "hmaplab serve" "$hmap_pid"
  curl -fsS "http://$hmap/metrics" 2>/dev/null |
    grep -q "^hmap_entries{.*name=\"weak-hasher\".*} $WEAK_FILL\$"
}
await "the weak-hasher map reaches $WEAK_FILL entries" filled

cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: hmap
    static_configs:
      - targets: ['$hmap']
EOF
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn >"$tmp/prometheus.log" 2>&1 &
prom_pid=$!
pids+=("$prom_pid")
prom=127.0.0.1:$PROM_PORT

# query EXPR: the instant query's result, as JSON.
query() {
  curl -fsS --get --data-urlencode "query=$1" "http://$prom/api/v1/query"
}

scraped() {
  alive prometheus "$prom_pid"
  query 'hmap_entries{name="weak-hasher"}' 2>/dev/null | grep -q '"result":\[{'
}
await "Prometheus has scraped hmaplab" scraped

# No process of the test listens beyond this machine.
if command -v ss >/dev/null 2>&1; then
  for pid in "${pids[@]}"; do
    while read -r local; do
      case $local in
        127.0.0.1:*) ;;
        *) fail "process $pid listens on $local, not on 127.0.0.1" ;;
      esac
    done < <(ss -Hltnp | grep "pid=$pid," | awk '{print $4}')
  done
fi

echo
echo "-- scrape excerpt (http://$hmap/metrics)"
curl -fsS "http://$hmap/metrics" |
  grep -E '^hmap_(entries|hash_stuck_bits|probe_length_max|growths_total|watched_maps|sample_rate)[{ ]' |
  grep -v 'name=""' | grep -v 'kind="same_size"'

echo
echo "-- Prometheus queries (http://$prom/api/v1/query)"
failed=0
# expect EXPR OP WANT: the query's one series compares OP (== or >=) with WANT.
expect() {
  local expr=$1 op=$2 want=$3 out
  if ! out=$(query "$expr" | python3 -c '
import json, sys
expr, op, want = sys.argv[1], sys.argv[2], float(sys.argv[3])
r = json.load(sys.stdin)
if r.get("status") != "success":
    sys.exit(f"FAIL {expr}: {r}")
res = r["data"]["result"]
if len(res) != 1:
    sys.exit(f"FAIL {expr}: {len(res)} series, want 1: {res}")
got = res[0]["value"][1]
v = float(got)
ok = {"==": v == want, ">=": v >= want, ">": v > want}[op]
status = "ok  " if ok else "FAIL"
print(f"{status} {expr} = {got} (want {op} {sys.argv[3]})")
sys.exit(0 if ok else 1)
' "$expr" "$op" "$want" 2>&1); then
    failed=1
  fi
  echo "$out"
}
expect 'up{job="hmap"}' == 1
expect 'hmap_entries{name="weak-hasher"}' == "$WEAK_FILL"
expect 'hmap_hash_stuck_bit_positions{name="weak-hasher"}' '>=' 8
expect 'hmap_hash_stuck_bit_positions{name="sessions"}' == 0
expect 'hmap_growths_total{name="growing",kind="doubling"}' '>' 0
expect 'hmap_probe_length_max{name="weak-hasher"}' '>' 8
[ "$failed" = 0 ] || fail "a query did not give what the workload holds"

echo
echo "-- go tool pprof -top -sample_index=entries http://$hmap/debug/pprof/hmap"
curl -fsS -o "$tmp/hmap.pb.gz" "http://$hmap/debug/pprof/hmap"
go tool pprof -top -sample_index=entries "$tmp/hmap.pb.gz" >"$tmp/top.txt" 2>&1 ||
  { cat "$tmp/top.txt"; fail "go tool pprof cannot read the hmap profile"; }
cat "$tmp/top.txt"
# The first line after the header is the largest flat entries.
top=$(awk '/^ *flat  *flat%/ {getline; for (i = 6; i <= NF; i++) printf "%s%s", $i, (i < NF ? " " : ""); exit}' "$tmp/top.txt")
case $top in
  *.newWeakHasherMap | *.newWeakHasherMap\ \(inline\)) ;;
  *) fail "the top creation site by entries is \"$top\", want main.newWeakHasherMap" ;;
esac
echo "ok   top creation site by entries: $top"

echo
echo "e2e: Prometheus scraped hmaplab serve, and every figure checked"
