#!/usr/bin/env bash
# Runs every bundled scenario, experiment, policy comparison, regions file and game with the
# clusterlab binary BIN and writes the outputs under OUT, then a SHA-256 of each file to
# OUT/SHA256SUMS: two binaries whose sums match give byte-identical results (the check that a
# refactoring changed no behaviour). Usage: tools/golden.sh BIN OUT
set -euo pipefail
bin=$(realpath "$1"); final=$(realpath -m "$2")
cd "$(dirname "$0")/.."
# Outputs name their own paths (reports, JSON): every binary writes into the same folder.
out=/tmp/clusterlab-golden
rm -rf "$out" "$final"; mkdir -p "$out"
for s in examples/*.toml examples/policy/*.toml examples/experiments/spatial-diffusion.toml examples/game/evolving-cluster.toml; do
  name=$(basename "$s" .toml)
  [ "$(dirname "$s")" = examples/policy ] && name="policy-$name"
  "$bin" run "$s" --steps 60 --quiet --report --out "$out/run-$name"
done
"$bin" run --quiet --report --out "$out/run-default-full"
for e in examples/experiments/{morris-diffusion,sobol-diffusion,subsidy-sweep}.toml; do
  name=$(basename "$e" .toml)
  "$bin" sweep "$e" --jobs 2 --csv --out "$out/sweep-$name" >/dev/null
  "$bin" summarize --quiet "$out/sweep-$name"
  "$bin" report "$out/sweep-$name" >/dev/null
done
"$bin" sensitivity --metric share:cad --json "$out/sweep-sobol-diffusion" > "$out/sobol.json"
"$bin" sensitivity --metric share:cad --json "$out/sweep-morris-diffusion" > "$out/morris.json"
"$bin" regions examples/regions/two-regions.toml --quiet --out "$out/regions"
"$bin" game --json examples/game/kuang-zhang.toml > "$out/game-kuang-zhang.json"
"$bin" gem --json examples/gem-scores.csv > "$out/gem.json"
"$bin" diffuse --size 128x128 --p 0.01 --q 0.3 --steps 50 > "$out/diffuse.csv"
"$bin" fit --json examples/data/room-air-conditioners.csv > "$out/fit.json"
"$bin" fit --json examples/data/room-air-conditioners.csv --calibrate examples/bass-global.toml --replications 2 --evaluations 30 --out "$out/fit-curves.csv" > "$out/fit-calibrated.json"
"$bin" policy list > "$out/policy-list.txt"
"$bin" policy compare examples/policy/lagging.toml --policies rd-subsidy,broker-network,rd-subsidy+broker-network --replications 3 --json --report "$out/policy.html" > "$out/policy-compare.json"
"$bin" policy diagnose examples/policy/lagging.toml --json > "$out/policy-diagnose.json"
cd "$out"
# Sweep catalogues record times and paths: compare their tables, not the database file.
find . -type f ! -name '*.sqlite*' ! -name SHA256SUMS | sort | xargs sha256sum > SHA256SUMS
cd /; mv "$out" "$final"
