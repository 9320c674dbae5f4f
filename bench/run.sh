#!/usr/bin/env bash
# The benchmarks: clusterlab's automaton against a NumPy implementation of the same rule,
# measured in the same run on the same machine and reported as ratios; then the cluster
# economy with a million firms, and the bundled default scenario end to end.
#
#   bash bench/run.sh [SIZE] [STEPS]      (defaults 4096 and 20)
#
# It installs NumPy into bench/.venv (never vendored), builds the release benchmark, runs
# both, checks the memory a 4096x4096 world takes, and prints the figures the README quotes.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-4096}
steps=${2:-20}

if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
fi
bench/.venv/bin/python -c "import numpy" 2>/dev/null || bench/.venv/bin/pip install --quiet numpy

echo "== building"
cargo build --release --quiet -p clusterlab
cargo bench --quiet -p clusterlab-model --bench diffusion --no-run 2>/dev/null
cargo bench --quiet -p clusterlab-model --bench economy --no-run 2>/dev/null

echo "== NumPy (1 thread, as NumPy runs this rule)"
numpy_out=$(bench/.venv/bin/python bench/ca_numpy.py "$size" 5)
echo "$numpy_out"
numpy_rate=$(echo "$numpy_out" | awk '$1 == "RESULT" && $2 == "numpy" {print $3}')

echo "== clusterlab"
rust_out=$(cargo bench --quiet -p clusterlab-model --bench diffusion -- "$size" "$steps")
echo "$rust_out" | grep -v '^RESULT'
moore_rate=$(echo "$rust_out" | awk '$1 == "RESULT" && $2 == "moore" {print $3}')
naive_rate=$(echo "$rust_out" | awk '$1 == "RESULT" && $2 == "naive" {print $3}')
fast_small=$(echo "$rust_out" | awk '$1 == "RESULT" && $2 == "fast-512" {print $3}')

echo "== memory of a ${size}x${size} moore world (peak resident set of clusterlab diffuse)"
peak_kib=$(bench/.venv/bin/python - "$size" <<'PY'
import resource, subprocess, sys
size = sys.argv[1]
subprocess.run(["target/release/clusterlab", "diffuse", "--size", f"{size}x{size}", "--p", "0.0005",
                "--q", "0.1", "--steps", "5", "--quiet"], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
)

python3 - "$size" "$numpy_rate" "$moore_rate" "$naive_rate" "$fast_small" "$peak_kib" <<'PY'
import sys
size, numpy_rate, moore, naive, fast_small, peak_kib = int(sys.argv[1]), *map(float, sys.argv[2:])
per_cell = peak_kib * 1024 / (size * size)
print("== summary")
print(f"moore {size}x{size}, both cores : {moore:.3e} cell-updates/s  (target >= 1e9: {'PASS' if moore >= 1e9 else 'FAIL'})")
print(f"NumPy, same rule          : {numpy_rate:.3e} cell-updates/s")
print(f"clusterlab / NumPy        : x{moore / numpy_rate:.1f}  (target >= 10: {'PASS' if moore / numpy_rate >= 10 else 'FAIL'})")
print(f"kernel / naive loop       : x{fast_small / naive:.1f}  (moore 512x512, both on 1 thread: {fast_small:.3e} vs {naive:.3e})")
print(f"peak memory               : {peak_kib / 1024:.1f} MiB = {per_cell:.2f} bytes per cell, whole process (target <= 4: {'PASS' if per_cell <= 4 else 'FAIL'})")
PY

echo "== the cluster economy: a million firms, every process"
cargo bench --quiet -p clusterlab-model --bench economy | grep -v '^RESULT'

echo "== the bundled default scenario end to end (clusterlab run, best of 3)"
bench/.venv/bin/python - <<'PY'
import subprocess, tempfile, time
best = float("inf")
with tempfile.TemporaryDirectory() as out:
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(["target/release/clusterlab", "run", "--quiet", "--out", out], check=True)
        best = min(best, time.perf_counter() - start)
print(f"default scenario (about 3,000 firms, 200 steps): {best:.2f} s  (target < 2 s: {'PASS' if best < 2 else 'FAIL'})")
PY
