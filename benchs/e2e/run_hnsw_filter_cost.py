#!/usr/bin/env python3
"""Cost of a filtered IndexHNSWFlat search by graph walk vs exact scan of the allowed ids,
the measurement behind IndexHNSW::filtered_exact_threshold's default rule.

    PYTHONPATH=build/python .venv/bin/python benchs/e2e/run_hnsw_filter_cost.py [--nb 50000]

Clustered data as run_hnsw_vs_faiss.py (d=128), M=32, efSearch 64, k=10, queries one at a
time, IDSelectorBitmap of a seeded random subset; for each allowed fraction the search is
forced onto the graph (filtered_exact_threshold = 0) and onto the scan (= 1.01), with
recall against IndexFlat under the same selector.
"""

import argparse
import time

import numpy as np

import faiss


def clustered(n, d, seed, ncentres=1000):
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(12345).standard_normal((ncentres, d)).astype(np.float32)
    return (centres[rng.integers(0, ncentres, n)] +
            rng.standard_normal((n, d)).astype(np.float32)).astype(np.float32)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nb", type=int, default=50_000)
    p.add_argument("--nq", type=int, default=100)
    p.add_argument("--fractions", default="0.5,0.2,0.1,0.05,0.02,0.01,0.001")
    args = p.parse_args()
    xb, xq = clustered(args.nb, 128, 1), clustered(args.nq, 128, 2)
    index = faiss.IndexHNSWFlat(128, 32)
    index.add(xb)
    flat = faiss.IndexFlatL2(128)
    flat.add(xb)
    faiss.omp_set_num_threads(1)
    rng = np.random.default_rng(0)
    print("| allowed | graph walk us/query | recall | exact scan us/query | recall |")
    print("|---|---|---|---|---|")
    for f in [float(v) for v in args.fractions.split(",")]:
        allowed = rng.choice(args.nb, max(1, int(f * args.nb)), replace=False)
        bitmap = np.zeros(args.nb // 8 + 1, dtype=np.uint8)
        np.bitwise_or.at(bitmap, allowed >> 3, (1 << (allowed & 7)).astype(np.uint8))
        sel = faiss.IDSelectorBitmap(bitmap)
        params = faiss.SearchParametersHNSW(sel=sel, efSearch=64)
        _, ref = flat.search(xq, 10, params=faiss.SearchParameters(sel=sel))
        cells = []
        for threshold in (0.0, 1.01):
            index.filtered_exact_threshold = threshold
            t0 = time.perf_counter()
            for i in range(args.nq):
                index.search(xq[i:i + 1], 10, params=params)
            us = (time.perf_counter() - t0) / args.nq * 1e6
            _, found = index.search(xq, 10, params=params)
            recall = np.mean([len(set(a) & (set(b) - {-1})) / max(1, len(set(b) - {-1}))
                              for a, b in zip(found, ref)])
            cells += [f"{us:.0f}", f"{recall:.3f}"]
        print(f"| {f:g} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
