#!/usr/bin/env bash
# The sweep benchmark: a sweep of the bundled default scenario (about 3,000 firms, 200 steps
# per run) with 1 job and with 2, in the same run on the same machine, reported as a ratio;
# and its peak memory at a tenth of the runs and at all of them, to show it does not grow
# with the number of runs.
#
#   bash bench/sweep.sh [RUNS]      (default 1000; takes about 10 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000}
tenth=$(( runs / 10 ))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet -p clusterlab
experiment() {
  cat > "$work/$1.toml" <<TOML
name = "bench-$1"
seed = 1
replications = $2
metrics = ["share:erp", "welfare", "gem"]
[[parameter]]
path = "government.budget"
values = [50.0]
TOML
}
experiment all "$runs"
experiment tenth "$tenth"

measure() { # name, experiment, jobs -> "seconds peak_kib"
  /usr/bin/time -f "%e %M" -o "$work/time" \
    target/release/clusterlab sweep "$work/$2.toml" --out "$work/out-$1" --jobs "$3" --quiet
  cat "$work/time"
}

echo "== sweep of $runs runs of the default scenario"
read -r one_s one_kib < <(measure one all 1)
echo "1 job : ${one_s} s, peak ${one_kib} KiB"
read -r two_s two_kib < <(measure two all 2)
echo "2 jobs: ${two_s} s, peak ${two_kib} KiB"
read -r small_s small_kib < <(measure small tenth 2)
echo "2 jobs, ${tenth} runs: ${small_s} s, peak ${small_kib} KiB"
python3 - "$runs" "$tenth" "$one_s" "$two_s" "$two_kib" "$small_kib" <<'PY'
import sys
runs, tenth = int(sys.argv[1]), int(sys.argv[2])
one, two, big, small = map(float, sys.argv[3:])
print("== summary")
print(f"speed-up, 2 jobs / 1 job     : x{one / two:.2f}  ({runs / one:.1f} vs {runs / two:.1f} runs/s; target >= 1.8: {'PASS' if one / two >= 1.8 else 'FAIL'})")
print(f"peak memory, {runs} vs {tenth} runs: {big / 1024:.1f} MiB vs {small / 1024:.1f} MiB (x{big / small:.2f}; target: no growth, <= 1.1: {'PASS' if big / small <= 1.1 else 'FAIL'})")
PY
