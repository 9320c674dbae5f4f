#!/usr/bin/env bash
# Installs what the full test suite needs and a fresh machine of this image lacks: rustfmt and
# clippy, Debian's chromium (browser tests), Node.js with the e2e packages (the dashboard's
# end-to-end test), OpenMPI and libclang (sweeps over MPI, `--features mpi`). Each is checked
# for itself first, so a second call installs nothing. Safe to run as often as you like.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "tools/setup.sh: cargo not found: install Rust stable (1.89 or later) with rustup" >&2
  exit 1
fi
if ! cargo fmt --version >/dev/null 2>&1; then rustup component add rustfmt; fi
if ! cargo clippy --version >/dev/null 2>&1; then rustup component add clippy; fi

# libclang itself (what bindgen loads for the mpi crate): libclang.so or libclang-N.so of an
# LLVM. libclang-cpp.so, which the image ships, is another library and does not count.
have_libclang() {
  local dirs=(/usr/lib/llvm-*/lib /usr/lib/*-linux-gnu /usr/lib64 /usr/local/lib)
  if [ -n "${LIBCLANG_PATH:-}" ]; then dirs=("$LIBCLANG_PATH" "${dirs[@]}"); fi
  local dir file
  for dir in "${dirs[@]}"; do
    for file in "$dir"/libclang.so* "$dir"/libclang-[0-9]*.so*; do
      if [ -e "$file" ]; then return 0; fi
    done
  done
  return 1
}

missing=()
if [ -z "${CLUSTERLAB_BROWSER:-}" ] && ! command -v chromium >/dev/null 2>&1; then missing+=(chromium); fi
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi
if ! command -v mpirun >/dev/null 2>&1; then missing+=(openmpi-bin); fi
if ! command -v mpicc >/dev/null 2>&1; then missing+=(libopenmpi-dev); fi
if ! have_libclang; then missing+=(libclang-dev); fi
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    echo "tools/setup.sh: installing ${missing[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "tools/setup.sh: install ${missing[*]} (or set CLUSTERLAB_BROWSER) for the browser and MPI tests" >&2
    exit 1
  fi
fi
if ! have_libclang; then
  echo "tools/setup.sh: libclang-dev is installed but no libclang.so was found; set LIBCLANG_PATH" >&2
  exit 1
fi
if [ ! -d e2e/node_modules/playwright-core ]; then
  npm ci --prefix e2e --no-audit --no-fund --loglevel=error
fi
