#!/usr/bin/env python3
"""Build and search scaling of the MPI component from 1 to 2 ranks (issue 12).

Runs faiss-cli mpi-build / mpi-search under mpirun on one machine and prints a
markdown table (also written to benchs/results/mpi_scaling_<date>.md):
  - build (train by distributed k-means + add + shard write) of an IVF index sharded by
    list, and of Flat shards;
  - search: one batch of all queries (throughput) and batches of one query (latency:
    broadcast, routed scan, top-k reduction), for IVF (routed by list) and Flat.
Configurations on the same cores: 1 rank x 1 thread, 1 rank x 2 threads (OpenMP only),
2 ranks x 1 thread (MPI only). Data: a seeded clustered set (--nb x --d) or .fvecs files.

  .venv/bin/python benchs/mpi/run_mpi_scaling.py [--nb 100000] [--d 128] [--nlist 512]
      [--nq 1000] [--nprobe 16] [--k 10] [--base F.fvecs --queries Q.fvecs]
Needs a build with FAISS_ENABLE_MPI (build/tools/faiss-cli) and mpiexec on PATH.
"""
import argparse
import datetime
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_hwloc_base_binding_policy="none",
           OMPI_MCA_mpi_yield_when_idle="1")
# Single-copy shared memory (CMA) is left on: in containers that forbid it, set
# OMPI_MCA_btl_vader_single_copy_mechanism=none (the ctest entries do).


def write_fvecs(path, x):
    out = np.empty((x.shape[0], x.shape[1] + 1), dtype="float32")
    out[:, 0] = np.array([x.shape[1]], dtype="int32").view("float32")[0]
    out[:, 1:] = x
    out.tofile(path)


def make_data(work, nb, nq, d, seed=7):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(1000, d)).astype("float32")
    def draw(n):
        return (centers[rng.integers(0, 1000, n)] + 0.5 * rng.normal(size=(n, d))).astype("float32")
    base, queries = os.path.join(work, "xb.fvecs"), os.path.join(work, "xq.fvecs")
    write_fvecs(base, draw(nb))
    write_fvecs(queries, draw(nq))
    return base, queries


def cli(np_, threads, *args):
    cmd = ["mpiexec", "-n", str(np_), os.path.join(ROOT, "build/tools/faiss-cli"), *args,
           "--threads", str(threads)]
    env = dict(ENV, OMP_NUM_THREADS=str(threads))
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def build(np_, threads, base, factory, prefix, by_list):
    out = cli(np_, threads, "mpi-build", "--base", base, "--factory", factory,
              "--output-shards", prefix, *(["--by-list"] if by_list else []))
    m = re.search(r"build total ([\d.]+) s \(train ([\d.]+), add ([\d.]+), write ([\d.]+)\)", out)
    cpu = re.search(r"build CPU time: ([\d.]+) s on the busiest rank", out)
    return tuple(float(v) for v in m.groups()) + (float(cpu.group(1)),)


def search(np_, threads, prefix, queries, k, params, batch):
    args = ["mpi-search", "--shards", prefix, "--queries", queries, "--k", str(k),
            "--batch", str(batch)]
    if params:
        args += ["--params", params]
    out = cli(np_, threads, *args)
    m = re.search(r"QPS = ([\d.]+) .* ([\d.]+) ms per batch\); ([\d.]+) ranks", out)
    return float(m.group(1)), float(m.group(2)), float(m.group(3))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nb", type=int, default=100000)
    ap.add_argument("--nq", type=int, default=1000)
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--nlist", type=int, default=512)
    ap.add_argument("--nprobe", type=int, default=16)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--base")
    ap.add_argument("--queries")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="faiss-mpi-bench.")
    if a.base:
        base, queries = a.base, a.queries
    else:
        base, queries = make_data(work, a.nb, a.nq, a.d)
    configs = [(1, 1), (1, 2), (2, 1)]
    rows = []
    for factory, by_list, params in [(f"IVF{a.nlist},Flat", True, f"nprobe={a.nprobe}"),
                                     ("Flat", False, "")]:
        for np_, threads in configs:
            prefix = os.path.join(work, f"{factory.split(',')[0]}_{np_}x{threads}")
            total, train, add, write, cpu = build(np_, threads, base, factory, prefix, by_list)
            qps, _, scanned = search(np_, threads, prefix, queries, a.k, params, 1 << 20)
            _, lat_ms, _ = search(np_, threads, prefix, queries, a.k, params, 1)
            rows.append((factory, np_, threads, train, add, total, cpu, qps, lat_ms, scanned))
    load = os.getloadavg()[0]
    head = (f"data: {base} ({'clustered %d x %d' % (a.nb, a.d) if not a.base else 'file'}), "
            f"{queries}, k={a.k}; load average {load:.1f} on {os.cpu_count()} cores\n\n"
            "| index | ranks x threads | train s | add s | build total s | build CPU s, busiest rank "
            "| QPS (one batch) | ms per 1-query batch | ranks scanning a query |\n"
            "|---|---|---|---|---|---|---|---|---|\n")
    body = "".join(f"| {f} | {n} x {t} | {tr:.2f} | {ad:.2f} | {to:.2f} | {c:.2f} | {q:.0f} | {l:.3f} "
                   f"| {s:.2f} |\n" for f, n, t, tr, ad, to, c, q, l, s in rows)
    print(head + body)
    os.makedirs(os.path.join(ROOT, "benchs/results"), exist_ok=True)
    name = os.path.join(ROOT, "benchs/results",
                        "mpi_scaling_%s.md" % datetime.datetime.utcnow().strftime("%Y%m%d_%H%M"))
    with open(name, "w") as f:
        f.write(head + body)
    print("wrote", name)


if __name__ == "__main__":
    main()
