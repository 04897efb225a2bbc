#!/usr/bin/env bash
# The peer comparison of issue 8: nasgc's generated training programs
# against PyTorch on the same CPU, on the three networks of
# shared/reference/runtime-measurements.md (§3 the small CNN, §4 two
# NAS-Bench-201-size networks).
#
#   make bench-peer          (or bench/peer/run.sh)
#
# nasgc side: `nasgc gen` writes each network's program from the .nasg
# files here (cnn.nasg, nb201.nasg) and a fixed architecture, `go build`
# builds it, and the program trains on synthetic MNIST-shaped data for a
# fixed number of steps (batch 64, SGD momentum, float32, 2 threads).
# PyTorch side: torch_nets.py, the same networks, recipe, batch, steps and
# data shape, with torch.set_num_threads(2). Both then evaluate 64 test
# images. Repetitions are interleaved (nasgc, PyTorch, next network, ...);
# the table gives medians of images/s over the training steps and of peak
# RSS (/usr/bin/time's maximum resident set size of the process).
#
# Settings (environment): REPS (default 3), THREADS (2), STEPS_CNN (150),
# STEPS_NB201 (30), NETS ("cnn mixed best"). Needs Go, /usr/bin/time and
# Debian's python3-torch run by /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
REPS=${REPS:-3}
THREADS=${THREADS:-2}
STEPS_CNN=${STEPS_CNN:-150}
STEPS_NB201=${STEPS_NB201:-30}
NETS=${NETS:-"cnn mixed best"}
PY=/usr/bin/python3

if [ ! -x /usr/bin/time ]; then
  echo "bench-peer: /usr/bin/time is missing (it measures peak RSS); install it with: apt-get install time" >&2
  exit 1
fi
if ! "$PY" -c 'import torch' 2>/dev/null; then
  cat >&2 <<'EOF'
bench-peer: PyTorch is missing. The comparison uses Debian's PyTorch package,
run with /usr/bin/python3 (a pyenv or venv python3 on PATH does not see it):

    sudo apt-get update && sudo apt-get install python3-torch

then run `make bench-peer` again.
EOF
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nasgc-peer.XXXXXX")
echo "bench-peer: work directory $work"
load=$(cut -d' ' -f1 /proc/loadavg)
echo "bench-peer: $(nproc) CPUs, load average $load; PyTorch $("$PY" -c 'import torch; print(torch.__version__)'), $(go version | cut -d' ' -f3)"
if awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
  echo "bench-peer: warning: the machine is busy (load $load); OpenMP's spinning threads make PyTorch far slower under load, so the ratios mean little" >&2
fi

go build -o "$work/nasgc" ./cmd/nasgc

# The architectures. The NAS-Bench-201 term repeats its cell 15 times:
# 5 cells, a ResBlock, 5 cells, a ResBlock, 5 cells.
nb201() {
  local x=$1
  echo "Linear3(Linear3(Linear2($x, $x), Linear2($x, $x), Linear2($x, resBlock)), Linear3(Linear2($x, $x), Linear2($x, $x), Linear2($x, resBlock)), Linear3(Linear2($x, $x), Linear2($x, $x), $x))"
}
declare -A space term steps
space[cnn]=bench/peer/cnn.nasg
term[cnn]='Net(Res(block, id, relu), Res(down, short, relu), cbr)'
steps[cnn]=$STEPS_CNN
space[mixed]=bench/peer/nb201.nasg
term[mixed]=$(nb201 'Cell(conv1x1, avg_pool, id, conv3x3, zero, conv1x1)')
steps[mixed]=$STEPS_NB201
space[best]=bench/peer/nb201.nasg
term[best]=$(nb201 'Cell(conv3x3, conv3x3, conv3x3, id, conv3x3, conv3x3)')
steps[best]=$STEPS_NB201

for net in $NETS; do
  NASGC_ROOT=$root "$work/nasgc" gen "${space[$net]}" --arch "${term[$net]}" -o "$work/$net" >/dev/null
  (cd "$work/$net" && go build -o candidate .)
done

results=$work/results.jsonl
: >"$results"
# run SIDE NET REP COMMAND...: runs the command under /usr/bin/time and
# appends its JSON line, with the side, the network and the peak RSS, to
# the results.
run() {
  local side=$1 net=$2 rep=$3
  shift 3
  local out=$work/$side-$net-$rep
  if ! /usr/bin/time -f '%M' -o "$out.rss" "$@" >"$out.json" 2>"$out.log"; then
    echo "bench-peer: $side $net failed; see $out.log" >&2
    tail -5 "$out.log" >&2
    exit 1
  fi
  "$PY" - "$side" "$net" "$rep" "$out.json" "$out.rss" >>"$results" <<'EOF'
import json, sys
side, net, rep, res, rss = sys.argv[1:]
r = json.loads(open(res).read().strip().splitlines()[-1])
kb = int(open(rss).read().split()[-1])
print(json.dumps({"side": side, "net": net, "rep": int(rep), "images_per_sec": r["images_per_sec"],
                  "train_seconds": r["train_seconds"], "params": r["params"], "rss_kb": kb}))
EOF
  echo "  $side $net rep $rep: $(tail -1 "$results")"
}

for rep in $(seq 1 "$REPS"); do
  for net in $NETS; do
    run nasgc "$net" "$rep" "$work/$net/candidate" -q -threads "$THREADS" -steps "${steps[$net]}" \
      -batch 64 -dataset synthetic -subset 2048 -test 64 -lr 0.05 -momentum 0.9
    run pytorch "$net" "$rep" "$PY" bench/peer/torch_nets.py --net "$net" --threads "$THREADS" \
      --steps "${steps[$net]}" --batch 64 --train 2048 --test 64
  done
done

echo
"$PY" bench/peer/summary.py "$results"
