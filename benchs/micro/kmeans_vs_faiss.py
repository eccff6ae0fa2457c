#!/usr/bin/env python3
"""k-means training time, ours (build/benchs/bench_kmeans) against faiss-cpu, round-robin.

Run with a Python that has faiss-cpu and numpy (their own venv: our package also imports
as `faiss`), from the repository root after building bench_kmeans:

    python3 -m venv /tmp/fvk && /tmp/fvk/bin/pip install faiss-cpu numpy
    /tmp/fvk/bin/python benchs/micro/kmeans_vs_faiss.py --rounds 3 --threads 1,2

Both sides train on the same seeded uniform data (written once as raw float32), with
d=128, n=200k, k=1024, 10 iterations, seed 1234 (faiss.Kmeans(d, k, niter=10,
seed=1234) against faiss::Clustering + IndexFlatL2). Each timed call is one process with
OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to the thread count; sides alternate so that
load changes on a shared machine hit both. Prints every run and the medians.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

import numpy as np

FAISS_SNIPPET = r"""
import sys, time, numpy as np, faiss
d, n, k, niter, path = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
x = np.fromfile(path, dtype="float32").reshape(n, d)
km = faiss.Kmeans(d, k, niter=niter, seed=1234)
t0 = time.perf_counter(); obj = km.train(x); t = time.perf_counter() - t0
print("time %.4f search %.4f obj %.8g" % (t, km.iteration_stats[-1]["time_search"], obj))
"""


def run(cmd, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--k", type=int, default=1024)
    ap.add_argument("--niter", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--bench", default="build/benchs/bench_kmeans")
    ap.add_argument("--data", default="/tmp/kmeans_bench_d128_n200k.f32")
    a = ap.parse_args()
    if not os.path.exists(a.data):
        np.random.RandomState(123).rand(a.n, a.d).astype("float32").tofile(a.data)
    threads = [int(t) for t in a.threads.split(",")]
    times = {(side, t): [] for side in ("faiss", "ours") for t in threads}
    for r in range(a.rounds):
        for t in threads:
            load = os.getloadavg()[0]
            out = run([sys.executable, "-c", FAISS_SNIPPET, str(a.d), str(a.n), str(a.k),
                       str(a.niter), a.data], t)
            tf, sf, of = (float(v) for v in re.search(r"time (\S+) search (\S+) obj (\S+)",
                                                      out).groups())
            out = run([a.bench, "--data", a.data, "--d", str(a.d), "--n", str(a.n), "--k",
                       str(a.k), "--niter", str(a.niter), "--repeats", "1"], t)
            m = re.search(r"run 0: (\S+) s \(search (\S+) s, rest (\S+) s\) obj (\S+)", out)
            to, so, _, oo = (float(v) for v in m.groups())
            times[("faiss", t)].append(tf)
            times[("ours", t)].append(to)
            print("round %d threads %d load %.1f | faiss %.2f s (search %.2f, obj %.6g) | "
                  "ours %.2f s (search %.2f, obj %.6g) | ours/faiss %.2f"
                  % (r, t, load, tf, sf, of, to, so, oo, to / tf), flush=True)
    for t in threads:
        mf, mo = statistics.median(times[("faiss", t)]), statistics.median(times[("ours", t)])
        print("threads %d: median faiss %.2f s, ours %.2f s, ratio ours/faiss %.2f"
              % (t, mf, mo, mo / mf))


if __name__ == "__main__":
    main()
