#!/usr/bin/env python3
"""IVF<nlist>,PQ32np recall per training seed, ours and faiss-cpu, on the harness's
clustered set (100k x 128 base, 100k training vectors, 1,000 queries; the same cached
files as benchs/run_harness.sh). Separates a systematic recall gap from the variance of
one codebook draw: both libraries train with cp.seed = pq.cp.seed = s for every s.

With --coarse-from-faiss, both sides get faiss-cpu's coarse centroids (trained at the
first seed) and only the product quantizer is trained: a PQ training difference shows
there, a coarse-quantizer one does not.

    .venv/bin/python benchs/e2e/run_ivfpq_seed_variance.py [--seeds 1234,1,2,3]
        [--coarse-from-faiss] [--data-dir /tmp/faiss_harness_data]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HARNESS = os.path.join(REPO, "benchs", "harness")
NPROBES = [1, 4, 16, 64]


def worker(spec):
    """One side: trains and searches at every seed; prints one JSON line."""
    import numpy as np
    import faiss
    import datasets

    faiss.omp_set_num_threads(2)
    p = spec["paths"]
    xb, xq, xt = (datasets.read_vecs(p[k]) for k in ("base", "query", "train"))
    gt = np.load(spec["gt"])
    d = xb.shape[1]
    out = {}
    for seed in spec["seeds"]:
        quantizer = faiss.IndexFlatL2(d)
        if spec["coarse"]:
            quantizer.add(np.load(spec["coarse"]))
        index = faiss.IndexIVFPQ(quantizer, d, spec["nlist"], 32, 8)
        index.cp.seed = seed
        index.pq.cp.seed = seed
        index.train(xt)
        if spec["save_coarse"] and seed == spec["seeds"][0]:
            np.save(spec["save_coarse"], quantizer.reconstruct_n(0, spec["nlist"]))
        index.add(xb)
        r = []
        for nprobe in NPROBES:
            index.nprobe = nprobe
            _, I = index.search(xq, 10)
            r.append(float(np.mean([len(set(I[q]) & set(gt[q])) for q in range(len(xq))]) / 10))
        out[str(seed)] = r
    print(json.dumps(out))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--worker")
    p.add_argument("--seeds", default="1234,1,2,3,4,5,6")
    p.add_argument("--coarse-from-faiss", action="store_true")
    p.add_argument("--data-dir", default="/tmp/faiss_harness_data")
    p.add_argument("--build", default=os.path.join(REPO, "build"))
    p.add_argument("--ref-python", default=os.path.join(REPO, ".venv-faiss", "bin", "python"))
    p.add_argument("--our-python", default=os.path.join(REPO, ".venv", "bin", "python"))
    args = p.parse_args()
    sys.path.insert(0, HARNESS)
    if args.worker:
        return worker(json.loads(args.worker))

    import numpy as np
    import datasets

    paths = datasets.clustered_files(args.data_dir, 100_000, 1000, 100_000, 128)
    gt_path = os.path.join(args.data_dir, "ivfpq_seed_variance_gt10.npy")
    if not os.path.exists(gt_path):
        xb = datasets.read_vecs(paths["base"]).astype(np.float64)
        xq = datasets.read_vecs(paths["query"]).astype(np.float64)
        dis = (xq ** 2).sum(1)[:, None] - 2 * xq @ xb.T + (xb ** 2).sum(1)[None, :]
        np.save(gt_path, np.argsort(dis, axis=1, kind="stable")[:, :10])
    seeds = [int(s) for s in args.seeds.split(",")]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FAISS_PYTHON_DIR")}
    env["PYTHONPATH"] = HARNESS
    ours_env = dict(env, PYTHONPATH=os.path.join(args.build, "python") + os.pathsep + HARNESS)
    coarse = os.path.join(args.data_dir, "ivfpq_seed_variance_coarse.npy")

    def run_side(python, e, spec):
        run = subprocess.run([python, os.path.abspath(__file__), "--worker", json.dumps(spec)],
                             env=e, check=True, capture_output=True, text=True)
        return json.loads(run.stdout.strip().splitlines()[-1])

    spec = {"paths": paths, "gt": gt_path, "seeds": seeds, "nlist": 1024, "coarse": None,
            "save_coarse": None}
    if args.coarse_from_faiss:
        # faiss-cpu's coarse centroids of the first seed, then both sides train only the PQ.
        run_side(args.ref_python, env, dict(spec, seeds=seeds[:1], save_coarse=coarse))
        spec["coarse"] = coarse
    res = {"faiss": run_side(args.ref_python, env, spec),
           "ours": run_side(args.our_python, ours_env, spec)}
    print("seed | ours R@10 nprobe %s | faiss-cpu | diff at nprobe 1 / 64" % NPROBES)
    diffs = {1: [], 64: []}
    for s in seeds:
        o, t = res["ours"][str(s)], res["faiss"][str(s)]
        diffs[1].append(o[0] - t[0])
        diffs[64].append(o[-1] - t[-1])
        print("%d | %s | %s | %+.4f / %+.4f" % (s, " ".join("%.4f" % v for v in o),
                                               " ".join("%.4f" % v for v in t), o[0] - t[0],
                                               o[-1] - t[-1]))
    for nprobe, d in diffs.items():
        sd = statistics.stdev(d) if len(d) > 1 else 0.0
        print("nprobe %d: mean diff %+.4f, sd %.4f, ours higher %d / lower %d" % (
            nprobe, statistics.mean(d), sd, sum(v > 0 for v in d), sum(v < 0 for v in d)))


if __name__ == "__main__":
    main()
