"""Side by side: faiss-cpu's fvec_L2sqr_ny / fvec_inner_products_ny against ours, on the
shapes of the distance benchmarks of build/benchs/bench_kernels (benchs/micro/kernels/
distances.cpp), in one process and on the same arrays.

    .venv-faiss/bin/python benchs/micro/distances_vs_faiss.py [--reps 7]
        [--ours build/faiss/libfaiss.so]

(the venv from scripts/setup_faiss_venv.sh). faiss-cpu is called through its SWIG
wrappers, our shared library through ctypes (C++ symbol names), at our best SIMD
level. The variants are timed round-robin, each keeping its best time, so bursts of
outside load on a shared machine hit both sides alike; each timing repeats the call
until it lasts >= 20 ms. Single thread (these kernels are not parallel).
"""
import argparse
import ctypes
import os
import time

import faiss
import numpy as np

OUR_SYMBOLS = {
    "fvec_L2sqr_ny": "_ZN5faiss13fvec_L2sqr_nyEPfPKfS2_mm",
    "fvec_inner_products_ny": "_ZN5faiss22fvec_inner_products_nyEPfPKfS2_mm",
}


def load_ours(path):
    lib = ctypes.CDLL(os.path.abspath(path))
    fns = {}
    for name, sym in OUR_SYMBOLS.items():
        fn = getattr(lib, sym)
        fn.restype = None
        fn.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_size_t] * 2
        fns[name] = fn
    level_name = getattr(lib, "_ZN5faiss15simd_level_nameEv")
    level_name.restype = ctypes.c_char_p
    return fns, level_name().decode()


def time_calls(fn, inner):
    t0 = time.perf_counter()
    for _ in range(inner):
        fn()
    return time.perf_counter() - t0


def bench_case(d, ny, reps, ours):
    rng = np.random.default_rng(2)
    x = rng.uniform(-1, 1, d).astype("float32")
    y = rng.uniform(-1, 1, (ny, d)).astype("float32")
    out = np.empty(ny, dtype="float32")
    px, py, po = faiss.swig_ptr(x), faiss.swig_ptr(y), faiss.swig_ptr(out)
    cx, cy, co = x.ctypes.data, y.ctypes.data, out.ctypes.data
    variants = []
    for name in OUR_SYMBOLS:
        ref = getattr(faiss, name)
        variants.append((name, "faiss", lambda ref=ref: ref(po, px, py, d, ny)))
        if ours:
            fn = ours[name]
            variants.append((name, "ours", lambda fn=fn: fn(co, cx, cy, d, ny)))
    inner = []
    for _, _, fn in variants:
        n = 1
        while time_calls(fn, n) < 0.02 and n < 1 << 20:
            n *= 2
        inner.append(n)
    best = [float("inf")] * len(variants)
    for _ in range(reps):
        for i, (_, _, fn) in enumerate(variants):
            best[i] = min(best[i], time_calls(fn, inner[i]) / inner[i])
    for i, (name, side, _) in enumerate(variants):
        s = best[i]
        print(f"{name:<22} {side:<6} d={d:<5} ny={ny:<7} {ny * d * 4 / s * 1e-9:8.2f} GB/s "
              f"{s / ny * 1e9:9.2f} ns/vector", end="")
        if side == "ours":
            print(f"   ours/faiss time {s / best[i - 1]:.2f}")
        else:
            print()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--ours", default="build/faiss/libfaiss.so",
                    help="our shared library; '' to time faiss-cpu alone")
    args = ap.parse_args()
    faiss.omp_set_num_threads(1)
    ours, level = (load_ours(args.ours) if args.ours else (None, "-"))
    print(f"faiss-cpu {faiss.__version__} ({faiss.get_compile_options().strip()}); "
          f"ours at {level}; best of {args.reps} round-robin runs; "
          f"load {os.getloadavg()[0]:.1f}")
    dims = [128, 384, 4096]
    for d in dims:
        bench_case(d, max(4, (128 << 10) // d), args.reps, ours)
    for d in dims:
        bench_case(d, (25 << 20) // d, args.reps, ours)
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
