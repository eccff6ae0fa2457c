"""Reference timings of faiss-cpu's fvec_L2sqr_ny / fvec_inner_products_ny on the same
shapes as build/benchs/bench_distances, for a side-by-side ratio.

    /path/to/.venv-faiss/bin/python benchs/micro/distances_vs_faiss.py [reps]

(the venv from scripts/setup_faiss_venv.sh). Data differ from bench_distances' (numpy
RNG) but the kernels are data-independent; times are the best of `reps` calls, with
each call repeated until it lasts >= 20 ms, as in bench_distances.
"""
import sys
import time

import faiss
import numpy as np


def best_seconds(fn, reps):
    inner = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        if time.perf_counter() - t0 >= 0.02 or inner >= 1 << 20:
            break
        inner *= 2
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        best = min(best, (time.perf_counter() - t0) / inner)
    return best


def bench_case(d, ny, reps):
    rng = np.random.default_rng(2)
    x = rng.uniform(-1, 1, d).astype("float32")
    y = rng.uniform(-1, 1, (ny, d)).astype("float32")
    out = np.empty(ny, dtype="float32")
    px, py, po = faiss.swig_ptr(x), faiss.swig_ptr(y), faiss.swig_ptr(out)
    kernels = [
        ("fvec_L2sqr_ny", lambda: faiss.fvec_L2sqr_ny(po, px, py, d, ny)),
        ("fvec_inner_products_ny", lambda: faiss.fvec_inner_products_ny(po, px, py, d, ny)),
    ]
    for name, fn in kernels:
        s = best_seconds(fn, reps)
        print(f"{name:<22} faiss  d={d:<5} ny={ny:<7} {ny * d * 4 / s * 1e-9:8.2f} GB/s "
              f"{s / ny * 1e9:9.2f} ns/vector")


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    faiss.omp_set_num_threads(1)
    print(f"faiss-cpu {faiss.__version__}, {faiss.get_compile_options()}; best of {reps} runs")
    dims = [128, 384, 4096]
    for d in dims:
        bench_case(d, max(4, (128 << 10) // d), reps)
    for d in dims:
        bench_case(d, (25 << 20) // d, reps)


if __name__ == "__main__":
    main()
