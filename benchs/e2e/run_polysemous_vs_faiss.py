#!/usr/bin/env python3
"""Polysemous search side by side with faiss-cpu: IndexPQ ST_polysemous and IndexIVFPQ
polysemous_ht on the MiniLM embeddings (data/minilm, d = 384), PQ<M> x 8 bits.

Both libraries search the same index file: faiss-cpu trains it once (PQ with polysemous
training, `do_polysemous_training = True`) and writes it under --cache-dir, so the codes,
the codebook order and the query codes are the same on both sides and the results must
agree (labels identical, distances to the last bits of the distance tables).

Timing as in run_pq_cpu_vs_faiss.py: each side runs this file with --worker in a fresh
process (faiss-cpu with the reference venv's python, ours with PYTHONPATH=<build>/python),
sides alternate in every round, figures are medians over --rounds. At 1 thread the CPU
time per query (time.process_time) is the figure to compare on a shared machine; wall
QPS is printed for every thread count.

    .venv/bin/python benchs/e2e/run_polysemous_vs_faiss.py [--ms 8,16,32,64]
        [--threads 1,2] [--rounds 3] [--ivf]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "benchs", "harness"))

K = 10
# Thresholds per M (bits per code 8 * M): the first keeps most of the full-scan recall
# on MiniLM, the second all of it (measured with faiss-cpu's training).
HTS = {8: [22, 26], 16: [46, 52], 32: [100, 110], 64: [200, 220]}
IVF_HTS = {8: [30, 34], 16: [58, 64], 32: [120, 130], 64: [250, 270]}
IVF_NLIST, IVF_NPROBE = 256, 16


def index_path(cache, m, ivf):
    return os.path.join(cache, "minilm_%spq%d_poly.index" % ("ivf%d" % IVF_NLIST if ivf else "", m))


def train(spec):
    """faiss-cpu side: trains and writes the index file."""
    import faiss
    import datasets

    xb = datasets.read_vecs(spec["base"])
    d = xb.shape[1]
    if spec["ivf"]:
        index = faiss.IndexIVFPQ(faiss.IndexFlatL2(d), d, IVF_NLIST, spec["m"], 8)
    else:
        index = faiss.IndexPQ(d, spec["m"], 8)
    index.do_polysemous_training = True
    index.train(xb)
    index.add(xb)
    faiss.write_index(index, spec["path"])


def worker(spec):
    """Searches one index file at each threshold; prints one JSON line."""
    import numpy as np
    import faiss
    import datasets

    faiss.omp_set_num_threads(spec["threads"])
    xq = datasets.read_vecs(spec["query"])
    gt = np.load(spec["gt"])
    index = faiss.read_index(spec["path"])
    if spec["ivf"]:
        faiss.extract_index_ivf(index).nprobe = IVF_NPROBE
    else:
        index.search_type = faiss.IndexPQ.ST_polysemous
    out = []
    for ht in spec["hts"]:
        index.polysemous_ht = ht
        _, I = index.search(xq, K)  # warm-up, and the labels compared
        wall, cpu = [], []
        for _ in range(spec["reps"]):
            t0, c0 = time.perf_counter(), time.process_time()
            index.search(xq, K)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        r10 = float(np.mean([len(set(I[q]) & set(gt[q, :K])) for q in range(len(xq))]) / K)
        np.save(spec["labels"] % ht, I)
        out.append({"ht": ht, "r10": r10, "qps": len(xq) / min(wall),
                    "cpu_ms": 1000 * min(cpu) / len(xq)})
    print(json.dumps(out))


def run_side(python, env, spec):
    res = subprocess.run([python, os.path.abspath(__file__), "--worker", json.dumps(spec)],
                         env=env, check=True, capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--worker")
    p.add_argument("--train")
    p.add_argument("--ms", default="8,16,32,64")
    p.add_argument("--ivf", action="store_true", help="IndexIVFPQ instead of IndexPQ")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--cache-dir", default="/tmp/faiss_polysemous_bench")
    p.add_argument("--build", default=os.path.join(REPO, "build"))
    p.add_argument("--ref-python", default=os.path.join(REPO, ".venv-faiss", "bin", "python"))
    p.add_argument("--our-python", default=os.path.join(REPO, ".venv", "bin", "python"))
    args = p.parse_args()
    if args.worker:
        return worker(json.loads(args.worker))
    if args.train:
        return train(json.loads(args.train))

    import numpy as np
    import datasets

    os.makedirs(args.cache_dir, exist_ok=True)
    base = os.path.join(REPO, "data", "minilm", "base.fvecs")
    query = os.path.join(REPO, "data", "minilm", "queries.fvecs")
    gt_path = os.path.join(args.cache_dir, "minilm_gt%d.npy" % K)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FAISS_PYTHON_DIR")}
    env["OMP_WAIT_POLICY"] = "passive"
    env["PYTHONPATH"] = os.path.join(REPO, "benchs", "harness")
    ours_env = dict(env, PYTHONPATH=os.path.join(args.build, "python") + os.pathsep +
                    env["PYTHONPATH"])
    if not os.path.exists(gt_path):
        # Exact k-NN in float64 numpy (needs neither library).
        xb = datasets.read_vecs(base).astype(np.float64)
        xq = datasets.read_vecs(query).astype(np.float64)
        dis = (xq ** 2).sum(1)[:, None] - 2 * xq @ xb.T + (xb ** 2).sum(1)[None, :]
        np.save(gt_path, np.argsort(dis, axis=1, kind="stable")[:, :K])
    for m in [int(v) for v in args.ms.split(",")]:
        path = index_path(args.cache_dir, m, args.ivf)
        if not os.path.exists(path):
            t0 = time.time()
            spec = {"base": base, "m": m, "ivf": args.ivf, "path": path}
            subprocess.run([args.ref_python, os.path.abspath(__file__), "--train",
                            json.dumps(spec)], env=env, check=True)
            print("trained %s with faiss-cpu in %.0f s" % (path, time.time() - t0), flush=True)
        hts = (IVF_HTS if args.ivf else HTS)[m]
        for nt in [int(v) for v in args.threads.split(",")]:
            rows = {"ours": [], "faiss": []}
            for _ in range(args.rounds):
                for side, python, e in (("ours", args.our_python, ours_env),
                                        ("faiss", args.ref_python, env)):
                    spec = {"path": path, "query": query, "gt": gt_path, "threads": nt,
                            "hts": hts, "ivf": args.ivf, "reps": args.reps,
                            "labels": os.path.join(args.cache_dir, side + "_I_ht%d.npy")}
                    rows[side].append(run_side(python, e, spec))
            for i, ht in enumerate(hts):
                same = np.array_equal(np.load(os.path.join(args.cache_dir, "ours_I_ht%d.npy" % ht)),
                                      np.load(os.path.join(args.cache_dir, "faiss_I_ht%d.npy" % ht)))
                med = {s: {f: statistics.median(r[i][f] for r in rows[s])
                           for f in ("qps", "cpu_ms", "r10")} for s in rows}
                print("%s PQ%d ht=%d threads=%d  R@10 %.4f / %.4f  labels %s  "
                      "CPU ms/query %.4f / %.4f (x%.2f)  QPS %.0f / %.0f (x%.2f)" % (
                          "IVF%d," % IVF_NLIST if args.ivf else "", m, ht, nt,
                          med["ours"]["r10"], med["faiss"]["r10"],
                          "identical" if same else "DIFFER",
                          med["ours"]["cpu_ms"], med["faiss"]["cpu_ms"],
                          med["faiss"]["cpu_ms"] / med["ours"]["cpu_ms"],
                          med["ours"]["qps"], med["faiss"]["qps"],
                          med["ours"]["qps"] / med["faiss"]["qps"]), flush=True)


if __name__ == "__main__":
    main()
