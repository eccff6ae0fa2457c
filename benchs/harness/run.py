#!/usr/bin/env python3
"""Benchmark harness: this library and faiss-cpu side by side, on the same data, with the
same thread count, over a list of index configurations; writes a CSV, a Markdown table of
ratios and one recall-vs-QPS plot (PNG) per dataset into benchs/results/.

    bash benchs/run_harness.sh [options]        (installs, builds, then runs this file)
    .venv/bin/python benchs/harness/run.py [options]

Datasets (--datasets, default clustered,minilm):
  clustered  synthetic gaussian blobs, seeded (--nb, --d, --nq, --nt), cached as .fvecs
  minilm     real sentence embeddings data/minilm/{base,queries}.fvecs (d=384), made by
             scripts/make_embeddings.py (the main job's step) when missing
  files      SIFT-format files given with --base/--query [--train] [--gt] (.fvecs, .bvecs,
             .npy; ground truth .ivecs); added automatically when --base is given
Ground truth (exact k-NN by faiss-cpu IndexFlatL2) is computed once per (file, size) and
cached in --data-dir.

Index configurations (--indexes): Flat, IVFFlat, IVFPQ, IVFSQ8, PQ, SQ8, HNSW32, built
with index_factory on both sides ("IVF<nlist>,Flat", "IVF<nlist>,PQ<M>", ...), each
library's default training settings; IVF indexes sweep nprobe (--nprobes), HNSW sweeps
efSearch (--efs). Each library runs in its own worker process (benchs/harness/worker.py):
ours with --ours-python and PYTHONPATH=<build>/python, faiss-cpu with --faiss-python.
Both get OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = --threads and the same OMP_WAIT_POLICY.
Per configuration: train and add time (once), then per sweep point the QPS of whole-batch
searches (median of --repeats runs after --warmup, more runs while under --min-time) and
the recall against the exact ground truth. The libraries alternate which goes first.
"""

import argparse
import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "benchs", "e2e"))
import datasets  # noqa: E402
import report  # noqa: E402
from run_vs_faiss import cpu_model  # noqa: E402

INDEX_NAMES = ["Flat", "IVFFlat", "IVFPQ", "IVFSQ8", "PQ", "SQ8", "HNSW32"]
GT_K = 100
LIBS = ("ours", "faiss")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--datasets", default="clustered,minilm",
                   help="comma-separated: clustered, minilm, files")
    p.add_argument("--indexes", default=",".join(INDEX_NAMES),
                   help="comma-separated subset of " + ",".join(INDEX_NAMES))
    p.add_argument("--nb", type=int, default=100_000, help="clustered: base vectors")
    p.add_argument("--d", type=int, default=128, help="clustered: dimension")
    p.add_argument("--nq", type=int, default=1000, help="queries (every dataset; at most)")
    p.add_argument("--nt", type=int, default=None,
                   help="clustered: training vectors (separate draw; default min(nb, 100k))")
    p.add_argument("--nlist", type=int, default=None,
                   help="IVF lists (default: power of two nearest 4*sqrt(nb), 64..65536)")
    p.add_argument("--pq-m", type=int, default=32, help="PQ sub-quantizers (8 bits each)")
    p.add_argument("--nprobes", default="1,2,4,8,16,32,64")
    p.add_argument("--efs", default="16,32,64,128,256")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--batch", type=int, default=0,
                   help="queries per search() call (default 0: all in one call; 1: one query "
                   "at a time, the latency-bound case)")
    p.add_argument("--threads", default="2", help="thread counts, e.g. 1,2 (same on both sides)")
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--min-time", type=float, default=0.2,
                   help="keep timing a sweep point (up to 10 runs) until this many seconds")
    p.add_argument("--omp-wait-policy", choices=["passive", "active", "unset"],
                   default="passive",
                   help="OMP_WAIT_POLICY for both sides (passive: idle threads sleep, which "
                   "keeps a loaded machine's timings sane; unset: the runtime default)")
    p.add_argument("--minilm-dir", default=os.path.join(REPO, "data", "minilm"))
    p.add_argument("--no-make-embeddings", action="store_true",
                   help="skip minilm when its files are missing instead of making them")
    p.add_argument("--base", help="files: base vectors (.fvecs/.bvecs/.npy)")
    p.add_argument("--query", help="files: query vectors")
    p.add_argument("--train", help="files: training vectors (default: the base)")
    p.add_argument("--gt", help="files: ground truth .ivecs (default: computed and cached)")
    p.add_argument("--name", help="files: dataset name (default: the base file's folder)")
    p.add_argument("--max-nb", type=int, default=None, help="files/minilm: use the first N base")
    p.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    p.add_argument("--ours-python", default=os.path.join(REPO, ".venv", "bin", "python"))
    p.add_argument("--faiss-python",
                   default=os.path.join(REPO, ".venv-faiss", "bin", "python"))
    p.add_argument("--data-dir", default=os.environ.get(
        "FAISS_BENCH_DATA", os.path.join(REPO, "benchs", "e2e", "data")))
    p.add_argument("--out-dir", default=os.path.join(REPO, "benchs", "results"))
    p.add_argument("--out-name", default="harness",
                   help="result files <out-dir>/<out-name>.{csv,md,json}, "
                   "<out-name>_<dataset>.png")
    p.add_argument("--from-json", metavar="PATH",
                   help="measure nothing: rewrite the CSV, Markdown and plots from the JSON "
                   "of an earlier run (with that run's settings)")
    p.add_argument("--quick", action="store_true",
                   help="tiny sizes (nb 5000, nq 200, 2 sweep points): smoke test only")
    args = p.parse_args(argv)
    if args.quick:
        args.nb, args.nq, args.max_nb = 5000, 200, 5000
        args.nprobes, args.efs, args.repeats, args.min_time = "1,8", "16,64", 1, 0
    args.index_list = args.indexes.split(",")
    bad = [i for i in args.index_list if i not in INDEX_NAMES]
    if bad:
        p.error("unknown index name(s) %s; known: %s" % (bad, ", ".join(INDEX_NAMES)))
    args.dataset_list = args.datasets.split(",")
    if args.base and "files" not in args.dataset_list:
        args.dataset_list.append("files")
    if "files" in args.dataset_list and not (args.base and args.query):
        p.error("dataset 'files' needs --base and --query")
    args.thread_list = [int(t) for t in args.threads.split(",")]
    if min(args.thread_list) < 1 or args.k < 1 or args.k > GT_K or args.repeats < 1:
        p.error("need threads >= 1, 1 <= k <= %d, repeats >= 1" % GT_K)
    return args


def default_nlist(nb):
    """Power of two nearest 4 * sqrt(nb), within 64 .. 65536 and at most nb / 39 (the
    fewest training points per centroid k-means accepts without a warning)."""
    target = min(4 * np.sqrt(nb), nb / 39)
    return int(min(max(2 ** round(np.log2(max(target, 1))), 64), 65536))


# ----------------------------------------------------------------------------- datasets

def make_minilm(args):
    """Runs the main job's embedding step (install the model, make_embeddings.py)."""
    print("minilm: %s missing; making it with scripts/make_embeddings.py (about 15 min "
          "on 2 cores, once)" % args.minilm_dir, flush=True)
    subprocess.run(["bash", os.path.join(REPO, "scripts", "install_deps.sh"), "--model"],
                   check=True)
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    subprocess.run([args.ours_python, os.path.join(REPO, "scripts", "make_embeddings.py"),
                    "--out", args.minilm_dir], check=True, env=env)


def resolve_datasets(args):
    out = []
    for name in args.dataset_list:
        if name == "clustered":
            nt = args.nt or min(args.nb, 100_000)
            paths = datasets.clustered_files(args.data_dir, args.nb, args.nq, nt, args.d)
            out.append(dict(name="clustered", paths=paths, nb=args.nb, nq=args.nq, nt=nt,
                            note="synthetic clustered (1000 gaussian blobs, sigma 0.35, + 5 %% "
                            "background), d=%d, separate training draw" % args.d))
        elif name == "minilm":
            base = os.path.join(args.minilm_dir, "base.fvecs")
            query = os.path.join(args.minilm_dir, "queries.fvecs")
            if not (os.path.exists(base) and os.path.exists(query)):
                if args.no_make_embeddings:
                    print("minilm: files missing, skipped", flush=True)
                    continue
                make_minilm(args)
            out.append(file_dataset("minilm", base, query, None, None, args,
                                    "all-MiniLM-L6-v2 sentence embeddings, d=384, trained "
                                    "on the base"))
        elif name == "files":
            label = args.name or os.path.basename(os.path.dirname(os.path.abspath(args.base)))
            out.append(file_dataset(label, args.base, args.query, args.train, args.gt, args,
                                    "user files %s" % os.path.basename(args.base)))
        else:
            sys.exit("unknown dataset '%s' (clustered, minilm, files)" % name)
    for ds in out:
        ds["d"] = datasets.read_vecs(ds["paths"]["query"], 1).shape[1]
        ds["nlist"] = args.nlist or default_nlist(ds["nt"])
    return out


def file_dataset(name, base, query, train, gt, args, note):
    nb = datasets.count_vecs(base)
    nb = min(nb, args.max_nb) if args.max_nb else nb
    nq = min(datasets.count_vecs(query), args.nq)
    train = train or base
    nt = min(datasets.count_vecs(train), nb if train == base else 10 ** 12)
    return dict(name=name, paths=dict(base=base, query=query, train=train), nb=nb, nq=nq,
                nt=nt, user_gt=gt, note=note)


def factory_of(name, ds, args):
    """index_factory string and the swept parameter (name, values) of an index name."""
    ivf = "IVF%d," % ds["nlist"]
    nprobes = [v for v in map(int, args.nprobes.split(",")) if v <= ds["nlist"]]
    table = {
        "Flat": ("Flat", None, []),
        "IVFFlat": (ivf + "Flat", "nprobe", nprobes),
        # "np": no polysemous training. faiss-cpu's factory turns it on for "PQ<M>" (ours
        # does not implement it), and it would dominate faiss's training time.
        "IVFPQ": (ivf + "PQ%dnp" % args.pq_m, "nprobe", nprobes),
        "IVFSQ8": (ivf + "SQ8", "nprobe", nprobes),
        "PQ": ("PQ%dnp" % args.pq_m, None, []),
        "SQ8": ("SQ8", None, []),
        "HNSW32": ("HNSW32", "efSearch", list(map(int, args.efs.split(",")))),
    }
    return table[name]


# ----------------------------------------------------------------------------- workers

class Worker:
    """One library's worker process (see worker.py for the protocol)."""

    def __init__(self, lib, args, threads, log_dir):
        self.lib = lib
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FAISS_PYTHON_DIR")}
        env.update(OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
        if args.omp_wait_policy != "unset":
            env["OMP_WAIT_POLICY"] = args.omp_wait_policy.upper()
        if lib == "ours":
            python = args.ours_python
            env["PYTHONPATH"] = os.path.join(args.build_dir, "python")
            if not os.path.isdir(env["PYTHONPATH"]):
                sys.exit("missing %s: build the Python bindings first (bash scripts/build.sh "
                         "swigfaiss)" % env["PYTHONPATH"])
        else:
            python = args.faiss_python
            if not os.path.exists(python):
                sys.exit("missing %s: run scripts/setup_faiss_venv.sh" % python)
        # The libraries' warnings (k-means sizes ...) go to a log, shown when a step fails.
        self.log_path = os.path.join(log_dir, "worker_%s_t%d.log" % (lib, threads))
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                [python, os.path.join(HERE, "worker.py"), "--threads", str(threads)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, env=env)

    def log_tail(self, lines=20):
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    def ask(self, **msg):
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("%s worker died (exit %s) during %s; its log ends with:\n%s"
                               % (self.lib, self.proc.wait(), msg["cmd"], self.log_tail()))
        reply = json.loads(line)
        if not reply["ok"]:
            print("%s worker failed: %s; its log ends with:\n%s"
                  % (self.lib, reply["error"], self.log_tail()), file=sys.stderr, flush=True)
        return reply

    def must(self, **msg):
        reply = self.ask(**msg)
        if not reply["ok"]:
            raise RuntimeError("%s worker, %s: %s" % (self.lib, msg["cmd"], reply["error"]))
        return reply

    def close(self):
        try:
            self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.proc.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        self.proc.wait(timeout=120)


def ground_truth(ds, workers, args):
    if ds.get("user_gt"):
        gt = datasets.read_vecs(ds["user_gt"], ds["nq"])
        if gt.shape[0] < ds["nq"] or gt.shape[1] < args.k:
            sys.exit("%s: ground truth has shape %s, need at least %d x %d"
                     % (ds["user_gt"], gt.shape, ds["nq"], args.k))
        return gt, "given (%s)" % ds["user_gt"]
    path = datasets.gt_cache_path(args.data_dir, ds["paths"]["base"], ds["nb"],
                                  ds["paths"]["query"], ds["nq"], GT_K)
    how = "cached (%s)" % os.path.relpath(path, REPO)
    if not os.path.exists(path):
        os.makedirs(args.data_dir, exist_ok=True)
        t0 = time.perf_counter()
        workers["faiss"].must(cmd="groundtruth", k=min(GT_K, ds["nb"]), out=path)
        how = "computed in %.1f s by faiss-cpu IndexFlatL2, cached (%s)" % (
            time.perf_counter() - t0, os.path.relpath(path, REPO))
    return datasets.read_vecs(path), how


def measure(ds, threads, args, tmp):
    """Rows (one per index configuration and sweep point) of one dataset and thread count."""
    workers = {lib: Worker(lib, args, threads, tmp) for lib in LIBS}
    rows, info = [], {}
    try:
        load = dict(cmd="load", base=ds["paths"]["base"], nb=ds["nb"],
                    query=ds["paths"]["query"], nq=ds["nq"], train=ds["paths"]["train"],
                    nt=ds["nt"])
        for lib, w in workers.items():
            info[lib] = w.must(cmd="info")
            w.must(**load)
        gt, ds["gt_how"] = ground_truth(ds, workers, args)
        print("[%s] nb=%d nq=%d d=%d nlist=%d threads=%d; ground truth %s"
              % (ds["name"], ds["nb"], ds["nq"], ds["d"], ds["nlist"], threads, ds["gt_how"]),
              flush=True)
        for i, name in enumerate(args.index_list):
            factory, param, values = factory_of(name, ds, args)
            res = {}
            for lib in (LIBS if i % 2 == 0 else LIBS[::-1]):
                res[lib] = workers[lib].ask(
                    cmd="run", factory=factory, param=param, values=values, k=args.k,
                    warmup=args.warmup, repeats=args.repeats, min_time=args.min_time,
                    batch=args.batch,
                    labels_out=os.path.join(tmp, "%s_%s_%s_t%d" % (lib, ds["name"], name,
                                                                   threads)))
            rows.extend(make_rows(ds, name, factory, param, threads, res, gt, args))
    finally:
        for w in workers.values():
            w.close()
    return rows, info


def make_rows(ds, name, factory, param, threads, res, gt, args):
    base = dict(dataset=ds["name"], nb=ds["nb"], nq=ds["nq"], d=ds["d"], index=name,
                factory=factory, param=param or "", threads=threads, load1=os.getloadavg()[0])
    failed = {lib: r["error"] for lib, r in res.items() if not r["ok"]}
    if failed:
        row = dict(base, value="", error="; ".join("%s: %s" % kv for kv in failed.items()))
        print("%-9s %-16s FAILED %s" % (ds["name"], factory, row["error"]), flush=True)
        return [row]
    rows = []
    for po, pf in zip(res["ours"]["points"], res["faiss"]["points"]):
        row = dict(base, value="" if po["value"] is None else po["value"])
        for lib, pt in (("ours", po), ("faiss", pf)):
            rec = datasets.recalls(np.load(pt["labels"]), gt, args.k)
            row.update({"qps_" + lib: ds["nq"] / float(np.median(pt["times"])),
                        "recall_" + lib: rec["krk"], "r1_" + lib: rec["r1"],
                        "train_s_" + lib: res[lib]["train_s"], "add_s_" + lib: res[lib]["add_s"],
                        "runs_" + lib: len(pt["times"])})
        row["qps_ratio"] = row["qps_ours"] / row["qps_faiss"]
        row["recall_diff"] = row["recall_ours"] - row["recall_faiss"]
        row["train_ratio"] = row["train_s_ours"] / max(row["train_s_faiss"], 1e-9)
        row["add_ratio"] = row["add_s_ours"] / max(row["add_s_faiss"], 1e-9)
        print("%-9s %-16s %-8s %-4s QPS %9.0f / %9.0f (x%.2f)  %d-R@%d %.3f / %.3f  "
              "train %.2f / %.2f s  add %.2f / %.2f s  load %.1f"
              % (ds["name"], factory, param or "", row["value"], row["qps_ours"],
                 row["qps_faiss"], row["qps_ratio"], args.k, args.k, row["recall_ours"],
                 row["recall_faiss"], row["train_s_ours"], row["train_s_faiss"],
                 row["add_s_ours"], row["add_s_faiss"], row["load1"]), flush=True)
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------- main

def environment(args, info):
    argv = [os.path.relpath(a, REPO) if os.path.isabs(a) and a.startswith(REPO) else a
            for a in [sys.executable, sys.argv[0]]] + sys.argv[1:]
    return dict(date=datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                command=os.environ.get("FAISS_HARNESS_COMMAND", shlex.join(argv)),
                host=platform.node(), nproc=os.cpu_count(), cpu=cpu_model(),
                omp_wait_policy=args.omp_wait_policy, info=info,
                load_start=os.getloadavg())


def rewrite_from_json(args):
    with open(args.from_json) as f:
        saved = json.load(f)
    old = argparse.Namespace(**saved["environment"]["args"])
    old.out_dir, old.out_name = args.out_dir, args.out_name
    os.makedirs(args.out_dir, exist_ok=True)
    for path in report.write_all(old, saved["environment"], saved["datasets"], saved["rows"]):
        print("wrote", os.path.relpath(path, REPO))
    return 0


def main(argv=None):
    args = parse_args(argv)
    if args.from_json:
        return rewrite_from_json(args)
    t_start = time.perf_counter()
    env = environment(args, {})
    env["args"] = {k: v for k, v in vars(args).items() if k != "from_json"}
    print("load average at start: %.2f %.2f %.2f" % env["load_start"], flush=True)
    dsets = resolve_datasets(args)
    rows = []
    with tempfile.TemporaryDirectory(prefix="faiss_harness_") as tmp:
        for ds in dsets:
            for t in args.thread_list:
                r, info = measure(ds, t, args, tmp)
                rows.extend(r)
                env["info"] = info
    env["load_end"] = os.getloadavg()
    env["wall_s"] = time.perf_counter() - t_start
    os.makedirs(args.out_dir, exist_ok=True)
    written = report.write_all(args, env, dsets, rows)
    print("wall time %.0f s; load average at end: %.2f %.2f %.2f"
          % ((env["wall_s"],) + tuple(env["load_end"])))
    for path in written:
        print("wrote", os.path.relpath(path, REPO))
    return 1 if any("error" in r for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
