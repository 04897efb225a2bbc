#!/usr/bin/env bash
# The strategy comparison of issue 6: BOHNAS, regularized evolution and
# random search on a narrow hierarchical NAS-Bench-201 over MNIST, with the
# zero-cost NASWOT objective computed by each generated program. Every
# evaluation generates, builds and runs a real candidate.
#
#   bench/naswot/run.sh [EVALUATIONS] [SEEDS] [STRATEGIES...]
#
# defaults: 100 evaluations, seeds 1..5, strategies bohnas evolution random.
# Runs go to bench/naswot/runs/STRATEGY-SEED (resumable: run it again to
# finish interrupted runs); the comparison (plot and table) to
# bench/naswot/report.
set -euo pipefail
cd "$(dirname "$0")/../.."
evals=${1:-100}
seeds=${2:-5}
shift 2 2>/dev/null || shift $#
strategies=("$@")
[ ${#strategies[@]} -gt 0 ] || strategies=(bohnas evolution random)
go build -o bin/nasgc ./cmd/nasgc
runs=()
for seed in $(seq 1 "$seeds"); do
  for s in "${strategies[@]}"; do
    dir=bench/naswot/runs/$s-$seed
    runs+=("$dir")
    echo "== $s seed $seed"
    bin/nasgc search bench/naswot/hnb201_narrow.nasg --strategy "$s" --seed "$seed" \
      --evaluations "$evals" --workers "${WORKERS:-2}" --max-failures -1 --run "$dir" >/dev/null
  done
done
bin/nasgc report --by-strategy -o bench/naswot/report "${runs[@]}"
