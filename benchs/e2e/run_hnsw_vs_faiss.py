#!/usr/bin/env python3
"""Side-by-side benchmark of IndexHNSWFlat against faiss-cpu (and hnswlib when present).

    python3 benchs/e2e/run_hnsw_vs_faiss.py [--datasets clustered,minilm] [--nb 500000]
        [--efs 16,32,64,128,256] [--repeats 3] [--build-threads 2]

Each library runs in its own worker process (ours and faiss-cpu both import as `faiss`):
  ours     .venv/bin/python with PYTHONPATH=build/python
  faiss    .venv-faiss/bin/python (faiss-cpu from PyPI)
  hnswlib  --hnswlib-python (a venv with `pip install hnswlib`), skipped if missing
The driver sends every worker the same data file. Each worker builds its index once
(M=32, efConstruction=40, --build-threads threads) and reports the build time; then,
for every repeat, every efSearch and every library in turn (interleaved, so load
changes hit all libraries alike), the worker answers the queries one at a time
(search of one vector, k=10, one thread) and reports the QPS. Figures are medians over
repeats; recall@10 is the mean overlap of the 10 returned ids with the exact 10 nearest
(computed once with faiss-cpu IndexFlatL2 and cached).

Data: clustered = seeded Gaussian clusters (d=128, 1000 centres ~ N(0, 1), noise N(0, 1):
overlapping clusters, so recall depends on efSearch), queries
drawn from the same distribution; minilm = data/minilm/{base,queries}.fvecs (d=384).
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "benchs", "harness"))
from datasets import read_fvecs  # noqa: E402  (shared with the harness)
K = 10
M = 32
EF_CONSTRUCTION = 40


# ----------------------------------------------------------------------------- worker

def worker_main(lib, threads, cpu_time=False):
    """Line protocol on stdin/stdout: {"cmd": "build", "xb": path} then
    {"cmd": "search", "xq": path, "ef": n, "gt": path} ... {"cmd": "quit"}."""
    if lib == "hnswlib":
        import hnswlib
    else:
        import faiss
        faiss.omp_set_num_threads(threads)
    index = None
    # Thread CPU time instead of wall time: on a loaded machine the wall clock also
    # counts the time other processes held the core.
    clock = time.thread_time if cpu_time else time.perf_counter
    out = sys.stdout
    for line in sys.stdin:
        msg = json.loads(line)
        if msg["cmd"] == "quit":
            break
        if msg["cmd"] == "build":
            xb = np.load(msg["xb"])
            t0 = time.perf_counter()
            if lib == "hnswlib":
                index = hnswlib.Index(space="l2", dim=xb.shape[1])
                index.init_index(max_elements=xb.shape[0], M=M,
                                 ef_construction=EF_CONSTRUCTION, random_seed=100)
                index.set_num_threads(threads)
                index.add_items(xb, np.arange(xb.shape[0]))
                index.set_num_threads(1)
            else:
                index = faiss.IndexHNSWFlat(xb.shape[1], M)
                index.hnsw.efConstruction = EF_CONSTRUCTION
                index.add(xb)
                faiss.omp_set_num_threads(1)
            reply = {"build_s": time.perf_counter() - t0}
        elif msg["cmd"] == "search":
            xq = np.load(msg["xq"])
            gt = np.load(msg["gt"])
            ef = msg["ef"]
            res = np.empty((xq.shape[0], K), dtype=np.int64)
            if lib == "hnswlib":
                index.set_ef(max(ef, K))
                t0 = clock()
                for i in range(xq.shape[0]):
                    res[i] = index.knn_query(xq[i:i + 1], k=K)[0][0]
                dt = clock() - t0
            else:
                index.hnsw.efSearch = ef
                t0 = clock()
                for i in range(xq.shape[0]):
                    res[i] = index.search(xq[i:i + 1], K)[1][0]
                dt = clock() - t0
            recall = np.mean([len(set(res[i]) & set(gt[i, :K])) / K for i in range(len(xq))])
            reply = {"qps": xq.shape[0] / dt, "recall": float(recall)}
        out.write(json.dumps(reply) + "\n")
        out.flush()


# ----------------------------------------------------------------------------- driver

def clustered(n, d, seed, ncentres=1000):
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(12345).standard_normal((ncentres, d)).astype(np.float32)
    return (centres[rng.integers(0, ncentres, n)] +
            rng.standard_normal((n, d)).astype(np.float32)).astype(np.float32)


def prepare(args, name):
    """Cached .npy files (xb, xq, ground truth) of one dataset; returns their paths."""
    os.makedirs(args.data_dir, exist_ok=True)
    tag = f"{name}_{args.nb}_{args.nq}" if name == "clustered" else name
    paths = {k: os.path.join(args.data_dir, f"hnsw_{tag}_{k}.npy") for k in ("xb", "xq", "gt")}
    if not os.path.exists(paths["xb"]):
        if name == "clustered":
            xb, xq = clustered(args.nb, 128, 1), clustered(args.nq, 128, 2)
        else:
            xb = read_fvecs(os.path.join(args.minilm_dir, "base.fvecs"))
            xq = read_fvecs(os.path.join(args.minilm_dir, "queries.fvecs"))[:args.nq]
        np.save(paths["xb"], xb)
        np.save(paths["xq"], xq)
    if not os.path.exists(paths["gt"]):
        script = ("import sys, numpy as np, faiss\n"
                  "xb, xq = np.load(sys.argv[1]), np.load(sys.argv[2])\n"
                  "ix = faiss.IndexFlatL2(xb.shape[1]); ix.add(xb)\n"
                  "np.save(sys.argv[3], ix.search(xq, 100)[1])\n")
        subprocess.run([args.faiss_python, "-c", script, paths["xb"], paths["xq"], paths["gt"]],
                       check=True, env=clean_env())
    return paths


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FAISS_PYTHON_DIR")}
    env.update(extra)
    return env


class Worker:
    def __init__(self, lib, python, env, threads, cpu_time=False):
        self.lib = lib
        self.proc = subprocess.Popen(
            [python, os.path.abspath(__file__), "--worker", lib, "--build-threads", str(threads)]
            + (["--cpu-time"] if cpu_time else []),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)

    def ask(self, **msg):
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"worker {self.lib} died")
        return json.loads(line)

    def close(self):
        try:
            self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        self.proc.wait(timeout=60)


def make_workers(args):
    ours_env = clean_env(PYTHONPATH=os.path.join(args.build_dir, "python"))
    if args.ours_lib_dir:
        ours_env["LD_LIBRARY_PATH"] = args.ours_lib_dir
    workers = [Worker("ours", args.ours_python, ours_env, args.build_threads, args.cpu_time),
               Worker("faiss", args.faiss_python, clean_env(), args.build_threads, args.cpu_time)]
    if args.hnswlib_python and os.path.exists(args.hnswlib_python) and subprocess.run(
            [args.hnswlib_python, "-c", "import hnswlib, numpy"], capture_output=True,
            env=clean_env()).returncode == 0:
        workers.append(Worker("hnswlib", args.hnswlib_python, clean_env(), args.build_threads,
                              args.cpu_time))
    return workers


def run_dataset(args, name):
    paths = prepare(args, name)
    workers = make_workers(args)
    try:
        build = {w.lib: w.ask(cmd="build", xb=paths["xb"])["build_s"] for w in workers}
        print(f"[{name}] build s: " + ", ".join(f"{k} {v:.1f}" for k, v in build.items()),
              flush=True)
        runs = {(w.lib, ef): [] for w in workers for ef in args.ef_list}
        recall = {}
        for rep in range(args.repeats):
            for ef in args.ef_list:
                for w in (workers if rep % 2 == 0 else workers[::-1]):
                    r = w.ask(cmd="search", xq=paths["xq"], gt=paths["gt"], ef=ef)
                    runs[(w.lib, ef)].append(r["qps"])
                    recall[(w.lib, ef)] = r["recall"]
            print(f"[{name}] repeat {rep + 1}/{args.repeats} done", flush=True)
    finally:
        for w in workers:
            w.close()
    libs = [w.lib for w in workers]
    rows = []
    for ef in args.ef_list:
        row = {"ef": ef}
        for lib in libs:
            row[lib] = {"qps": float(np.median(runs[(lib, ef)])), "recall": recall[(lib, ef)],
                        "qps_runs": runs[(lib, ef)]}
        rows.append(row)
    return {"dataset": name, "build_s": build, "rows": rows, "libs": libs}


def qps_at_recall(rows, lib, target):
    """QPS of lib at recall `target`, interpolated linearly in (recall, log qps) between
    the two efSearch points around it; None when the target is out of lib's range."""
    pts = sorted((r[lib]["recall"], r[lib]["qps"]) for r in rows)
    for (r0, q0), (r1, q1) in zip(pts, pts[1:]):
        if r0 <= target <= r1 and r1 > r0:
            t = (target - r0) / (r1 - r0)
            return float(np.exp(np.log(q0) + t * (np.log(q1) - np.log(q0))))
    return None


def markdown(res, args):
    libs = res["libs"]
    lines = [f"### {res['dataset']}", "",
             "Build (s): " + ", ".join(f"{lib} {res['build_s'][lib]:.1f}" for lib in libs) +
             f"; ratio ours/faiss {res['build_s']['ours'] / res['build_s']['faiss']:.2f} "
             f"({args.build_threads} build threads)", "",
             "| efSearch | " + " | ".join(f"QPS {lib} | R@10 {lib}" for lib in libs) +
             " | QPS ratio ours/faiss |",
             "|---" * (2 + 2 * len(libs)) + "|"]
    for r in res["rows"]:
        cells = " | ".join(f"{r[lib]['qps']:.0f} | {r[lib]['recall']:.3f}" for lib in libs)
        lines.append(f"| {r['ef']} | {cells} | {r['ours']['qps'] / r['faiss']['qps']:.2f} |")
    lines.append("")
    for target in (0.9, 0.95, 0.99):
        qo, qf = qps_at_recall(res["rows"], "ours", target), qps_at_recall(res["rows"], "faiss",
                                                                          target)
        if qo and qf:
            lines.append(f"- at recall@10 = {target}: ours {qo:.0f} QPS, faiss {qf:.0f} QPS, "
                         f"ratio {qo / qf:.2f}")
    lines.append("")
    return "\n".join(lines)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--worker", choices=["ours", "faiss", "hnswlib"], help=argparse.SUPPRESS)
    p.add_argument("--datasets", default="clustered,minilm")
    p.add_argument("--nb", type=int, default=500_000, help="clustered: base size")
    p.add_argument("--nq", type=int, default=1000, help="queries (both datasets)")
    p.add_argument("--efs", default="16,32,64,128,256")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--build-threads", type=int, default=2)
    p.add_argument("--cpu-time", action="store_true",
                   help="time queries with the worker thread's CPU time (for loaded machines; "
                        "build times stay wall-clock)")
    p.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    p.add_argument("--ours-lib-dir", default=None,
                   help="directory holding a copy of libfaiss.so.0 to use (so the build tree "
                        "can be rebuilt while the benchmark runs)")
    p.add_argument("--ours-python", default=os.path.join(REPO, ".venv", "bin", "python"))
    p.add_argument("--faiss-python", default=os.path.join(REPO, ".venv-faiss", "bin", "python"))
    p.add_argument("--hnswlib-python", default="/tmp/hnswlib-venv/bin/python")
    p.add_argument("--minilm-dir", default=os.path.join(REPO, "data", "minilm"))
    p.add_argument("--data-dir", default=os.environ.get(
        "FAISS_BENCH_DATA", os.path.join(REPO, "benchs", "e2e", "data")))
    p.add_argument("--out", default=None, help="also write the JSON results here")
    args = p.parse_args()
    args.ef_list = [int(e) for e in args.efs.split(",")]
    return args


def main():
    args = parse_args()
    if args.worker:
        worker_main(args.worker, args.build_threads, args.cpu_time)
        return
    results = []
    for name in args.datasets.split(","):
        res = run_dataset(args, name)
        results.append(res)
        print(markdown(res, args), flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
