#!/usr/bin/env bash
# The dashboard benchmark: the bundled default cluster on a 512 × 512 region (about 131,000
# firms) run live as fast as it goes, in headless Chromium: frames the page receives per
# second, against the steps per second of `clusterlab run` on the same scenario with no
# dashboard (the baseline, measured in the same run); and the default run's report: its size
# and the median time it takes to open.
#
#   bash bench/dashboard.sh [SECONDS]    (default 10; needs `npm ci --prefix e2e` and Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
export CLUSTERLAB_BROWSER=${CLUSTERLAB_BROWSER:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}
cargo build --release --quiet -p clusterlab
bin=target/release/clusterlab

# Baseline: the same scenario run by `clusterlab run`, 60 steps, steps per second.
sed -e 's/^width = 100$/width = 512/' -e 's/^height = 60$/height = 512/' examples/default.toml > "$work/512.toml"
start=$(date +%s.%N)
$bin run "$work/512.toml" --steps 60 --quiet --out "$work/baseline"
end=$(date +%s.%N)
baseline=$(echo "60 / ($end - $start)" | bc -l)

# The default run's report.
$bin run --report --quiet --out "$work/default"
report_bytes=$(stat -c %s "$work/default/report.html")

$bin serve --port 0 --data "$work/data" > "$work/serve.log" &
server=$!
for _ in $(seq 50); do grep -q http "$work/serve.log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*/' "$work/serve.log")
result=$(node bench/dashboard.mjs "$url" "$work/default/report.html" "$seconds")
echo "$result"
python3 - "$result" "$baseline" "$report_bytes" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); baseline = float(sys.argv[2]); size = int(sys.argv[3])
print(f"512 x 512 region, live in the dashboard: {r['frames_per_s']:.1f} frames/s received "
      f"({r['width']} x {r['height']} cells a frame), {r['steps_per_s']:.1f} steps/s")
print(f"clusterlab run, same scenario (baseline): {baseline:.1f} steps/s; "
      f"dashboard/baseline = {r['steps_per_s'] / baseline:.2f}")
print(f"default run's report: {size / 1e6:.2f} MB, opens in {r['report_load_ms']:.0f} ms (median of 5)")
PY
