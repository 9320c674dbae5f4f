#!/usr/bin/env bash
# The MPI benchmark: the same sweep of the bundled default scenario (about 3,000 firms, 200
# steps per run) under `mpirun -n 1` and `mpirun -n 2`, one job per rank, in the same run on
# the same machine, reported as a ratio; and 1 rank × 2 jobs (threads) beside them. Needs
# OpenMPI (Debian: openmpi-bin libopenmpi-dev) and libclang (libclang-dev) to build.
#
#   bash bench/mpi.sh [RUNS]      (default 200; about 2 minutes on 2 cores after the build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cargo build --release --quiet -p clusterlab --features mpi
bin=$PWD/target/release/clusterlab
cat > "$work/sweep.toml" <<TOML
name = "bench-mpi"
seed = 1
replications = $runs
metrics = ["share:erp", "welfare", "gem"]
[[parameter]]
path = "government.budget"
values = [50.0]
TOML

seconds() { # command... -> wall seconds
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
echo "== a sweep of $runs runs of the default scenario"
one=$(seconds mpirun -n 1 "$bin" sweep "$work/sweep.toml" --out "$work/one" --jobs 1 --quiet)
two=$(seconds mpirun -n 2 "$bin" sweep "$work/sweep.toml" --out "$work/two" --jobs 1 --quiet)
# OpenMPI binds each rank to one core by default (for up to two ranks): a rank that runs
# threads needs its cores, here all of them.
threads=$(seconds mpirun -n 1 --bind-to none "$bin" sweep "$work/sweep.toml" --out "$work/threads" --jobs 2 --quiet)
diff -r "$work/one/runs" "$work/two/runs" > /dev/null && same="identical" || same="DIFFERENT"
printf "mpirun -n 1, 1 job : %6.1f s\n" "$one"
printf "mpirun -n 2, 1 job : %6.1f s   x%.2f (target >= 1.8)\n" "$two" "$(echo "$one / $two" | bc -l)"
printf "mpirun -n 1 --bind-to none, 2 jobs: %6.1f s   x%.2f\n" "$threads" "$(echo "$one / $threads" | bc -l)"
echo "runs of 1 and 2 ranks: $same files"
