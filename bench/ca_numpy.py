"""The diffusion automaton's `moore` rule in NumPy: the peer baseline of bench/run.sh.

A fully occupied SIZE x SIZE bounded grid; a non-adopter adopts with probability
1 - (1 - p)(1 - q)^n, n its adopting Moore neighbours (Goldenberg, Libai & Muller 2001), the
same rule as `clusterlab diffuse --neighbourhood moore --density 1`. The implementation is the
idiomatic fast one: a zero-padded uint8 grid, eight shifted slices summed, a lookup table by
neighbour count, one uniform float32 per cell from NumPy's PCG64 generator.

Prints `RESULT numpy <cell-updates per second> <adopters>`.
"""

import sys
import time

import numpy as np


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    p, q = 0.0005, 0.1
    rng = np.random.default_rng(0)
    padded = np.zeros((size + 2, size + 2), dtype=np.uint8)
    state = padded[1:-1, 1:-1]
    table = (1.0 - (1.0 - p) * (1.0 - q) ** np.arange(9)).astype(np.float32)
    counts = np.empty((size, size), dtype=np.uint8)
    best = 0.0
    for _ in range(3):
        padded[:] = 0
        start = time.perf_counter()
        for _ in range(steps):
            counts[:] = padded[:-2, :-2]
            counts += padded[:-2, 1:-1]
            counts += padded[:-2, 2:]
            counts += padded[1:-1, :-2]
            counts += padded[1:-1, 2:]
            counts += padded[2:, :-2]
            counts += padded[2:, 1:-1]
            counts += padded[2:, 2:]
            draws = rng.random((size, size), dtype=np.float32)
            adopt = (state == 0) & (draws < table[counts])
            state[adopt] = 1
        elapsed = time.perf_counter() - start
        best = max(best, size * size * steps / elapsed)
    print(f"RESULT numpy {best:.4e} {int(state.sum())}")


if __name__ == "__main__":
    main()
