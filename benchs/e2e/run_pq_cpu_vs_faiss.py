#!/usr/bin/env python3
"""IVF<nlist>,PQ32 and PQ32 side by side with faiss-cpu, timed in CPU seconds as well as
wall seconds, for a machine shared with other jobs.

On a loaded machine the wall time of a 1-thread run mostly measures how long the process
waited for a core; its CPU time (time.process_time) does not, so at 1 thread the CPU-time
ratio is the figure to compare. At 2 threads CPU time sums both threads and does not show
the parallel speed-up: both are printed, read the wall ratio with care.

Both sides run the same worker code (this file, --worker) in a fresh process: faiss-cpu
with the reference venv's python, ours with the project venv's python and
PYTHONPATH=<build>/python. Sides alternate in every round; figures are the medians over
--rounds. Data: the synthetic clustered set and the MiniLM embeddings of
run_ivf_vs_faiss.py (same files, same seeds, cached under --data-dir), exact ground truth
from faiss-cpu IndexFlatL2.

    .venv-faiss/bin/python benchs/e2e/run_pq_cpu_vs_faiss.py [--datasets clustered,minilm]
        [--indexes IVF_PQ32,PQ32] [--threads 1,2] [--rounds 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

NPROBES = [1, 4, 16, 64]
K = 10
M = 32


def worker(spec):
    """Builds, trains, fills and searches one index; prints one JSON line."""
    import numpy as np
    import faiss

    faiss.omp_set_num_threads(spec["threads"])
    from run_ivf_vs_faiss import read_fvecs

    xt, xb, xq = (read_fvecs(spec["paths"][k]) for k in ("train", "base", "query"))
    gt = np.load(spec["gt"])
    d = xb.shape[1]
    if spec["index"] == "IVF,PQ32":
        quantizer = faiss.IndexFlatL2(d)
        index = faiss.IndexIVFPQ(quantizer, d, spec["nlist"], M, 8)
        nprobes = NPROBES
    else:
        index = faiss.IndexPQ(d, M, 8)
        nprobes = [0]
    out = {}

    def timed(fn):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        return time.process_time() - c0, time.perf_counter() - w0

    out["train_cpu"], out["train_wall"] = timed(lambda: index.train(xt))
    out["add_cpu"], out["add_wall"] = timed(lambda: index.add(xb))
    for npb in nprobes:
        if npb:
            index.nprobe = npb
        cpu, wall = [], []
        for r in range(spec["repeats"] + 1):
            res = {}
            c, w = timed(lambda: res.update(I=index.search(xq, K)[1]))
            if r:
                cpu.append(c)
                wall.append(w)
        I = res["I"]
        out["np%d" % npb] = dict(
            cpu=statistics.median(cpu), wall=statistics.median(wall),
            r1=float(np.mean(I[:, 0] == gt[:, 0])),
            r10=float(np.mean((I == gt[:, :1]).any(axis=1))))
    # Single-query latency (IndexPQ only: the database is split over the threads).
    if not nprobes[0]:
        nq1 = min(50, xq.shape[0])
        c, w = timed(lambda: [index.search(xq[i:i + 1], K) for i in range(nq1)])
        out["single_cpu"], out["single_wall"] = c / nq1, w / nq1
    print(json.dumps(out), flush=True)


def run_side(side, spec, args):
    env = dict(os.environ, OMP_NUM_THREADS=str(spec["threads"]),
               OPENBLAS_NUM_THREADS=str(spec["threads"]))
    if side == "ours":
        python = args.ours_python
        env["PYTHONPATH"] = os.path.join(args.build_dir, "python")
        # Lets a copied build (python/ and faiss/libfaiss.so*) run against its own library.
        env["LD_LIBRARY_PATH"] = os.path.join(args.build_dir, "faiss")
    else:
        python = args.faiss_python
        env.pop("PYTHONPATH", None)
    proc = subprocess.run([python, os.path.abspath(__file__), "--worker", json.dumps(spec)],
                          env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("%s worker failed:\n%s" % (side, proc.stderr[-3000:]))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def med(runs, *keys):
    vals = []
    for r in runs:
        v = r
        for k in keys:
            v = v[k]
        vals.append(v)
    return statistics.median(vals)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--datasets", default="clustered,minilm")
    p.add_argument("--indexes", default="IVF_PQ32,PQ32")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repeats", type=int, default=3, help="timed searches per nprobe")
    p.add_argument("--nb", type=int, default=500_000)
    p.add_argument("--nq", type=int, default=1000)
    p.add_argument("--nt", type=int, default=100_000)
    p.add_argument("--nlist", type=int, default=1024)
    p.add_argument("--minilm-nlist", type=int, default=256)
    p.add_argument("--minilm-dir", default=os.path.join(REPO, "data", "minilm"))
    p.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    p.add_argument("--data-dir", default=os.environ.get(
        "FAISS_BENCH_DATA", os.path.join(REPO, "benchs", "e2e", "data")))
    p.add_argument("--ours-python", default=os.path.join(REPO, ".venv", "bin", "python"))
    p.add_argument("--faiss-python", default=sys.executable)
    args = p.parse_args()
    if args.worker:
        worker(json.loads(args.worker))
        return 0

    import numpy as np
    import run_ivf_vs_faiss as ivf

    args.quick = False
    args.omp_wait_policy = None
    ivf.common.import_faiss(args)
    datasets = []
    for name in args.datasets.split(","):
        ds = ivf.clustered_dataset(args) if name == "clustered" else ivf.minilm_dataset(args, None)
        if ds is None:
            continue
        x = {k: ivf.read_fvecs(ds["paths"][k]) for k in ("base", "query")}
        gt_path = os.path.join(args.data_dir, "gt_pqcpu_%s_%d_%d.npy"
                               % (name, x["base"].shape[0], x["query"].shape[0]))
        if not os.path.exists(gt_path):
            os.makedirs(args.data_dir, exist_ok=True)
            np.save(gt_path, ivf.ground_truth(ds, x["base"], x["query"], args.data_dir))
        ds["gt"] = gt_path
        datasets.append(ds)
    print("load average at start: %.1f" % os.getloadavg()[0], flush=True)
    for ds in datasets:
        for index in args.indexes.split(","):
            index = {"IVF_PQ32": "IVF,PQ32", "PQ32": "PQ32"}[index]
            for t in (int(v) for v in args.threads.split(",")):
                spec = dict(paths=ds["paths"], gt=ds["gt"], nlist=ds["nlist"], index=index,
                            threads=t, repeats=args.repeats)
                runs = {"ours": [], "faiss": []}
                for r in range(args.rounds):
                    order = ("faiss", "ours") if r % 2 == 0 else ("ours", "faiss")
                    for side in order:
                        runs[side].append(run_side(side, spec, args))
                report(ds["name"], index, ds["nlist"], t, runs)
    print("load average at end: %.1f" % os.getloadavg()[0], flush=True)
    return 0


def report(dsname, index, nlist, t, runs):
    o, f = runs["ours"], runs["faiss"]
    label = index.replace("IVF,", "IVF%d," % nlist)
    tr = (med(o, "train_cpu"), med(f, "train_cpu"), med(o, "train_wall"), med(f, "train_wall"))
    ad = (med(o, "add_cpu"), med(f, "add_cpu"), med(o, "add_wall"), med(f, "add_wall"))
    print("%s %s t=%d train cpu %.2f/%.2f (x%.2f) wall %.2f/%.2f (x%.2f) | add cpu %.2f/%.2f "
          "(x%.2f) wall %.2f/%.2f (x%.2f)"
          % (dsname, label, t, tr[0], tr[1], tr[0] / tr[1], tr[2], tr[3], tr[2] / tr[3],
             ad[0], ad[1], ad[0] / ad[1], ad[2], ad[3], ad[2] / ad[3]), flush=True)
    for key in sorted(k for k in o[0] if k.startswith("np")):
        oc, fc = med(o, key, "cpu"), med(f, key, "cpu")
        ow, fw = med(o, key, "wall"), med(f, key, "wall")
        print("  %-5s R@1 %.3f/%.3f R@10 %.3f/%.3f  QPS ratio cpu x%.2f wall x%.2f "
              "(search cpu s %.4f/%.4f, wall s %.4f/%.4f)"
              % (key, o[0][key]["r1"], f[0][key]["r1"], o[0][key]["r10"], f[0][key]["r10"],
                 fc / oc, fw / ow, oc, fc, ow, fw), flush=True)
    if "single_cpu" in o[0]:
        print("  single-query latency ms: cpu %.3f/%.3f wall %.3f/%.3f (wall ratio x%.2f)"
              % (1e3 * med(o, "single_cpu"), 1e3 * med(f, "single_cpu"),
                 1e3 * med(o, "single_wall"), 1e3 * med(f, "single_wall"),
                 med(f, "single_wall") / med(o, "single_wall")), flush=True)


if __name__ == "__main__":
    sys.exit(main())
