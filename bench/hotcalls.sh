#!/usr/bin/env bash
# hotcalls.sh checks that the hot paths of table.Map and concurrent.Map
# make no call a user's program would pay for. Generic code is compiled in
# the caller's package, and a helper that inlines when its own package is
# compiled alone can stay a real call there (golang/go#56280), so the
# check builds programs that import only table (bench/internal/opcount)
# or only concurrent (bench/internal/concops), with keys int64 and
# string, disassembles them, and lists the calls made by table's lookup,
# write, delete and iteration step, and by concurrent's Load and write
# path. Every call must be on the allowlist: the hash function (an
# indirect call), string compares, the runtime's stack growth, panics and
# write barriers, and the named slow paths, misuse included (it builds a
# misuse panic's message, and convTstring boxes it for the panic).
# Deterministic: no timing is involved.
#
#   bench/hotcalls.sh              with Go 1.23 and the installed Go
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The calls each hot function may make, as regular expressions on the
# callee; indirect calls (through a register) are the hash function, or for
# the iteration the loop body.
common='^(AX|BX|CX|DX|SI|DI|R[0-9]+)$|^runtime\.(morestack|morestack_noctxt|gopanic|panicIndex|panicIndexU|panicBounds|gcWriteBarrier[0-9]|memequal|typedmemmove|memmove|wbMove|wbZero|memclrNoHeapPointers|memclrHasPointers)(\.abi0)?$'
declare -A allowed=(
  [lookup]='\.(readSlow|findProbed)$'
  [assign]='\.(firstWrite|growWork|insertSlow|afterWrite|misuse)$|^runtime\.convTstring$'
  [Delete]='\.(deleteSlow|growWork|clearSlot|afterWrite|misuse)$|^github.com/hmaplab/hmap/table\.copied$|^runtime\.convTstring$'
  [next]='\.(headFor|find|misuse)$|^runtime\.convTstring$'
)

# calls SYM BIN writes to stdout the callees of function SYM (without the
# github.com/hmaplab/hmap/ prefix) in binary BIN, one per line; if BIN has
# no such function it says so and fails.
calls() {
  go tool objdump -s "^github.com/hmaplab/hmap/$(printf '%s' "$1" | sed 's/[][().*]/\\&/g')\$" "$2" >"$tmp/fn.s"
  if ! [ -s "$tmp/fn.s" ]; then
    echo "hotcalls: $1 not found in the binary ($gotc)" >&2
    return 1
  fi
  awk '$(NF-1) == "CALL" {print $NF}' "$tmp/fn.s" | sed 's/(SB)$//' | sort -u
}

status=0
for gotc in go1.23.12 local; do
  GOTOOLCHAIN=$gotc go build -o "$tmp/opcount" ./bench/internal/opcount
  for fn in lookup assign Delete next; do
    for shape in 'go.shape.int64,go.shape.int64' 'go.shape.string,go.shape.int64'; do
      recv="Map"
      [ "$fn" = next ] && recv="iterator"
      sym="table.(*$recv[$shape]).$fn"
      if ! cs=$(calls "$sym" "$tmp/opcount"); then
        status=1
        continue
      fi
      for c in $cs; do
        if ! [[ $c =~ $common || $c =~ ${allowed[$fn]} ]]; then
          echo "hotcalls: $sym calls $c ($gotc): a helper no longer inlines in the user's package" >&2
          status=1
        fi
      done
    done
  done
done
# concurrent.Map, compiled in a program that imports only concurrent
# (bench/internal/concops): Load calls only the hash function, and
# returns what one of its out-of-line paths returns: its probe-counting
# twin (loadProbed), its retry in a table that replaced the one it read
# (loadRetry), and the map access with which a nil map checks that the
# key is hashable; the write paths (writePlain, deletePlain, deleteFound,
# mutate, apply, lock) call no method of sync/atomic's types, which do not
# inline there (concurrent's atomicUint64 does).
loadAllowed='\.loadProbed$|\.loadRetry$|^runtime\.mapaccess1_(fast64|faststr)$'
for gotc in go1.23.12 local; do
  GOTOOLCHAIN=$gotc go build -o "$tmp/concops" ./bench/internal/concops
  for fn in Load writePlain deletePlain deleteFound mutate apply lock; do
    for shape in 'go.shape.int64,go.shape.int64' 'go.shape.string,go.shape.int64'; do
      sym="concurrent.(*Map[$shape]).$fn"
      [ "$fn" = lock ] && sym="concurrent.lock[$shape]"
      if ! cs=$(calls "$sym" "$tmp/concops"); then
        status=1
        continue
      fi
      for c in $cs; do
        if [ "$fn" = Load ] && ! [[ $c =~ $common || $c =~ $loadAllowed ]]; then
          echo "hotcalls: $sym calls $c ($gotc): a helper no longer inlines in the user's package" >&2
          status=1
        elif [[ $c =~ ^sync/atomic\.\(\* ]]; then
          echo "hotcalls: $sym calls $c ($gotc): sync/atomic's methods do not inline in the user's package; use atomicUint64" >&2
          status=1
        fi
      done
    done
  done
done
[ $status = 0 ] && echo "hotcalls: ok: lookup, assign, Delete and the iteration step call only the hash function and their slow paths; concurrent's Load too, and its writes call no sync/atomic method"
exit $status
