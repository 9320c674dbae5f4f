#!/usr/bin/env bash
# Every test of clusterlab, on a fresh machine of this image: installs what is missing
# (tools/setup.sh), then the workspace's tests (browser and end-to-end tests included) and
# the sweeps under mpirun -n 2 and -n 3. The model's tests alone need none of it:
# `cargo test -p clusterlab-model`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cargo test --workspace
# Sweeps under mpirun -n 2 and -n 3 (oversubscribed) equal the single process's; a killed
# rank, then the same command again (docs/hpc.md).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cargo test -p clusterlab-lab --features mpi --lib distributed
cargo test -p clusterlab --features mpi --test mpi
