#!/usr/bin/env python3
"""Side-by-side benchmark of the IVF and compressed indexes against faiss-cpu (PyPI).

Run it with the reference venv's python (scripts/setup_faiss_venv.sh creates it):

    .venv-faiss/bin/python benchs/e2e/run_ivf_vs_faiss.py [--datasets clustered,minilm]
        [--threads 1,2] [--quick]

Indexes: IVF<nlist>,Flat; IVF<nlist>,PQ32; IVF<nlist>,SQ8; PQ32; SQ8, built the same way on
both sides (constructors, not index_factory; IndexFlatL2 coarse quantizer; default k-means
settings of each library). Same training set, same base, same queries, same thread count.
For each index: train time, add time, bytes per vector, and for nprobe 1, 4, 16, 64 the
batch-search QPS (median of --repeats timed runs after --warmup) and recall against exact
ground truth (IndexFlatL2 of faiss-cpu, computed once per dataset and cached):
  R@1  = fraction of queries whose true nearest neighbour is ranked first,
  R@10 = fraction whose true nearest neighbour is among the 10 returned,
  10-R@10 = mean overlap of the 10 returned with the true 10 nearest.
Ours is build/benchs/bench_ivf_vs (one process per index and thread count, JSON on
stdout); an index type our build lacks is reported as skipped. Writes a markdown table
and JSON to benchs/results/ivf_vs_faiss_<date>.{md,json}.
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

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))

# Must happen before numpy / faiss load OpenBLAS (see run_vs_faiss.py).
BLAS_ENV_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
REMOVED_ENV = {k: os.environ.pop(k) for k in BLAS_ENV_OVERRIDES if k in os.environ}

import numpy as np  # noqa: E402
import run_vs_faiss as common  # noqa: E402

INDEXES = ["IVF,Flat", "IVF,PQ32", "IVF,SQ8", "PQ32", "SQ8"]
KIND = {"IVF,Flat": "ivfflat", "IVF,PQ32": "ivfpq", "IVF,SQ8": "ivfsq8", "PQ32": "pq",
        "SQ8": "sq8"}
NPROBES = [1, 4, 16, 64]
K = 10
M = 32


def parse_args():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--datasets", default="clustered,minilm",
                   help="clustered (synthetic, d=128) and/or minilm (real embeddings, d=384)")
    p.add_argument("--indexes", default=",".join(i.replace(",", "_") for i in INDEXES),
                   help="subset of IVF_Flat,IVF_PQ32,IVF_SQ8,PQ32,SQ8")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--repeats", type=int, default=3, help="timed search runs per nprobe")
    p.add_argument("--warmup", type=int, default=1, help="untimed search runs before them")
    p.add_argument("--nb", type=int, default=500_000, help="clustered: base size")
    p.add_argument("--nq", type=int, default=1000, help="clustered: queries")
    p.add_argument("--nt", type=int, default=100_000, help="clustered: training set size")
    p.add_argument("--nlist", type=int, default=1024, help="clustered: inverted lists")
    p.add_argument("--minilm-dir", default=os.path.join(REPO, "data", "minilm"))
    p.add_argument("--minilm-nlist", type=int, default=256)
    p.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    p.add_argument("--data-dir", default=os.environ.get(
        "FAISS_BENCH_DATA", os.path.join(REPO, "benchs", "e2e", "data")))
    p.add_argument("--out-dir", default=os.path.join(REPO, "benchs", "results"))
    p.add_argument("--out-name", default=None)
    p.add_argument("--no-save", action="store_true")
    p.add_argument("--quick", action="store_true",
                   help="nb 20k, nq 200, nt 10k, nlist 64, minilm nlist 32: smoke test only")
    p.add_argument("--omp-wait-policy", choices=["passive", "active"], default=None)
    args = p.parse_args()
    if args.quick:
        args.nb, args.nq, args.nt, args.nlist, args.minilm_nlist = 20_000, 200, 10_000, 64, 32
    args.index_list = [i.replace("_", ",") for i in args.indexes.split(",")]
    bad = [i for i in args.index_list if i not in KIND]
    if bad:
        p.error("unknown index(es) %s" % bad)
    args.thread_list = [int(t) for t in args.threads.split(",")]
    args.dataset_list = args.datasets.split(",")
    return args


# ---------------------------------------------------------------- data

# .fvecs I/O and the clustered generator are shared with the harness (benchs/harness).
from datasets import clustered_files, read_fvecs, write_fvecs  # noqa: E402


def clustered_dataset(args):
    d = 128
    paths = clustered_files(args.data_dir, args.nb, args.nq, args.nt, d)
    return dict(name="clustered", nlist=args.nlist, paths=paths,
                note="synthetic: 1000 gaussian blobs (sigma 0.35, centres N(0,1)) + 5 %% "
                "N(0,1.5^2) background, d=128, nb=%d, nq=%d, training set %d (separate draw)"
                % (args.nb, args.nq, args.nt))


def minilm_dataset(args, tmp):
    base = os.path.join(args.minilm_dir, "base.fvecs")
    query = os.path.join(args.minilm_dir, "queries.fvecs")
    if not (os.path.exists(base) and os.path.exists(query)):
        print("minilm: %s or %s missing, dataset skipped" % (base, query), flush=True)
        return None
    paths = dict(base=base, query=query, train=base)
    if args.quick:
        xb = read_fvecs(base)[:5000]
        paths["base"] = paths["train"] = os.path.join(tmp, "minilm_base_quick.fvecs")
        write_fvecs(paths["base"], xb)
    return dict(name="minilm", nlist=args.minilm_nlist, paths=paths,
                note="all-MiniLM-L6-v2 sentence embeddings (%s), d=384; trained on the base "
                "itself; nlist %d because 24k vectors are too few for 1024 lists"
                % (args.minilm_dir, args.minilm_nlist))


def ground_truth(ds, xb, xq, data_dir):
    key = "gt_%s_%d_%d_%d.npy" % (ds["name"], xb.shape[0], xq.shape[0], xb.shape[1])
    path = os.path.join(data_dir, key)
    if os.path.exists(path) and ds["name"] == "clustered":
        return np.load(path)
    index = common.faiss.IndexFlatL2(xb.shape[1])
    index.add(xb)
    _, I = index.search(xq, K)
    if ds["name"] == "clustered":
        np.save(path, I)
    return I


def recalls(I, gt):
    return dict(r1=float(np.mean(I[:, 0] == gt[:, 0])),
                r10=float(np.mean((I == gt[:, :1]).any(axis=1))),
                r10at10=float(np.mean([len(np.intersect1d(a, b)) / K for a, b in zip(I, gt)])))


# ---------------------------------------------------------------- both sides

def faiss_index(name, d, nlist):
    f = common.faiss
    if name.startswith("IVF"):
        q = f.IndexFlatL2(d)
        if name == "IVF,Flat":
            idx = f.IndexIVFFlat(q, d, nlist)
        elif name == "IVF,PQ32":
            idx = f.IndexIVFPQ(q, d, nlist, M, 8)
        else:
            idx = f.IndexIVFScalarQuantizer(q, d, nlist, f.ScalarQuantizer.QT_8bit)
        idx.own_fields = True
        q.this.disown()
        return idx
    if name == "PQ32":
        return f.IndexPQ(d, M, 8)
    return f.IndexScalarQuantizer(d, f.ScalarQuantizer.QT_8bit)


def run_faiss(name, ds, x, t, args):
    f = common.faiss
    with common.faiss_threads(t):
        d = x["base"].shape[1]
        idx = faiss_index(name, d, ds["nlist"])
        out = dict(kind=KIND[name])
        if name.startswith("IVF"):
            out.update(kmeans_niter=idx.cp.niter,
                       kmeans_max_points_per_centroid=idx.cp.max_points_per_centroid,
                       by_residual=int(idx.by_residual))
        if name in ("PQ32", "IVF,PQ32"):
            out.update(pq_niter=idx.pq.cp.niter,
                       pq_max_points_per_centroid=idx.pq.cp.max_points_per_centroid)
        t0 = time.perf_counter()
        idx.train(x["train"])
        out["train_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        idx.add(x["base"])
        out["add_s"] = time.perf_counter() - t0
        out["bytes_per_vector"] = idx.code_size + (8 if name.startswith("IVF") else 0)
        nprobes = NPROBES if name.startswith("IVF") else [0]
        nq = x["query"].shape[0]
        D = np.empty((nq, K), dtype=np.float32)
        I = np.empty((nq, K), dtype=np.int64)
        out["labels"] = {}
        for np_ in nprobes:
            params = f.SearchParametersIVF(nprobe=np_) if np_ else None
            times = []
            for r in range(args.warmup + args.repeats):
                t0 = time.perf_counter()
                idx.search(x["query"], K, D=D, I=I, params=params)
                if r >= args.warmup:
                    times.append(time.perf_counter() - t0)
            out["search_s_np%d" % np_] = times
            out["labels"][np_] = I.copy()
        return out


def run_ours(name, ds, t, args, tmp):
    binary = os.path.join(args.build_dir, "benchs", "bench_ivf_vs")
    prefix = os.path.join(tmp, "labels")
    argv = ["--kind", KIND[name], "--train", ds["paths"]["train"],
            "--base", ds["paths"]["base"], "--query", ds["paths"]["query"],
            "--nlist", ds["nlist"], "--M", M, "--k", K,
            "--nprobes", ",".join(map(str, NPROBES)), "--repeats", args.repeats,
            "--warmup", args.warmup, "--labels-out", prefix]
    out = common.run_ours(binary, argv, t)
    if "skipped" in out:
        return out
    out["labels"] = {}
    for np_ in (NPROBES if name.startswith("IVF") else [0]):
        out["labels"][np_] = np.fromfile("%s_np%d.i64" % (prefix, np_),
                                         dtype=np.int64).reshape(-1, K)
    return out


# ---------------------------------------------------------------- driver

def measure(args, ds, x, gt, tmp):
    for name in args.index_list:
        probe = common.run_ours(os.path.join(args.build_dir, "benchs", "bench_ivf_vs"),
                                ["--kind", KIND[name], "--train", ds["paths"]["query"],
                                 "--base", ds["paths"]["query"], "--query",
                                 ds["paths"]["query"], "--probe", 1], 1)
        for i, t in enumerate(args.thread_list):
            if "skipped" in probe:
                label = name.replace("IVF,", "IVF%d," % ds["nlist"])
                print("%-9s %-14s t=%d  SKIPPED (ours): %s" % (ds["name"], label, t,
                                                                probe["skipped"]), flush=True)
                yield dict(dataset=ds["name"], index=label, threads=t, load1=os.getloadavg()[0],
                           skipped=probe["skipped"])
                continue
            load_before = os.getloadavg()[0]
            if i % 2 == 0:
                ref, ours = run_faiss(name, ds, x, t, args), run_ours(name, ds, t, args, tmp)
            else:
                ours, ref = run_ours(name, ds, t, args, tmp), run_faiss(name, ds, x, t, args)
            load = max(load_before, os.getloadavg()[0])
            label = name.replace("IVF,", "IVF%d," % ds["nlist"])
            base = dict(dataset=ds["name"], index=label, threads=t, load1=load)
            if "skipped" in ours:
                row = dict(base, skipped=ours["skipped"])
                print("%-9s %-14s t=%d  SKIPPED (ours): %s" % (ds["name"], label, t,
                                                                ours["skipped"]), flush=True)
                yield row
                continue
            settings = {k: (ours.get(k), ref.get(k)) for k in
                        ("kmeans_niter", "kmeans_max_points_per_centroid", "by_residual",
                         "pq_niter", "pq_max_points_per_centroid")
                        if k in ref}
            for np_ in sorted(ref["labels"]):
                key = "search_s_np%d" % np_
                om, fm = float(np.median(ours[key])), float(np.median(ref[key]))
                nq = x["query"].shape[0]
                row = dict(base, nprobe=np_ or None, settings=settings,
                           ours=dict(recalls(ours["labels"][np_], gt), qps=nq / om,
                                     search_runs_s=ours[key], train_s=ours["train_s"],
                                     add_s=ours["add_s"],
                                     bytes_per_vector=ours["bytes_per_vector"]),
                           faiss=dict(recalls(ref["labels"][np_], gt), qps=nq / fm,
                                      search_runs_s=ref[key], train_s=ref["train_s"],
                                      add_s=ref["add_s"],
                                      bytes_per_vector=ref["bytes_per_vector"]),
                           our_simd=ours["simd_level"], our_blas=ours["blas"])
                print_row(row)
                yield row


def print_row(r):
    o, f = r["ours"], r["faiss"]
    print("%-9s %-14s t=%d np=%-3s R@1 %.3f/%.3f R@10 %.3f/%.3f QPS %8.0f/%8.0f (x%.2f) "
          "train %.2f/%.2f add %.2f/%.2f B/v %g/%g load %.1f"
          % (r["dataset"], r["index"], r["threads"], r["nprobe"] or "-", o["r1"], f["r1"],
             o["r10"], f["r10"], o["qps"], f["qps"], o["qps"] / f["qps"], o["train_s"],
             f["train_s"], o["add_s"], f["add_s"], o["bytes_per_vector"],
             f["bytes_per_vector"], r["load1"]), flush=True)


def markdown(env, datasets, rows, args):
    out = ["# IVF / compressed indexes, ours vs faiss-cpu, %s" % env["date"], "",
           "- command: `%s`" % env["command"],
           "- machine: %s, nproc %s, CPU %s" % (env["host"], env["nproc"], env["cpu"]),
           "- faiss-cpu %s, SIMD %s, BLAS %s" % (env["faiss_version"], env["faiss_simd"],
                                                env["faiss_blas"]),
           "- ours: SIMD %s, BLAS %s" % (", ".join(sorted({r["our_simd"] for r in rows
                                                           if "our_simd" in r})),
                                         ", ".join(sorted({r["our_blas"] for r in rows
                                                           if "our_blas" in r}))),
           "- k=%d; QPS = queries / median of %d timed batch searches (after %d warm-up);"
           " train and add timed once; B/v = code bytes (+ 8-byte id in IVF lists)"
           % (K, args.repeats, args.warmup),
           "- R@1: true NN ranked first; R@10: true NN in the top 10; 10-R@10: overlap with"
           " the true top 10 (exact ground truth: faiss-cpu IndexFlatL2)",
           "- ratios are ours/faiss: QPS ratio > 1 and time ratios < 1 mean ours is faster",
           "- OMP_WAIT_POLICY: %s; load average (1 min) at start %.2f, at end %.2f"
           % (env["omp_wait_policy"], env["load_start"][0], env["load_end"][0])]
    for ds in datasets:
        out.append("- dataset %s: %s" % (ds["name"], ds["note"]))
    if args.quick:
        out.append("- **--quick sizes: smoke test only, figures meaningless**")
    settings = sorted({json.dumps(r["settings"], sort_keys=True) for r in rows
                       if r.get("settings")})
    for s in settings:
        out.append("- k-means settings (ours, faiss): %s" % s)
    out += ["", "| dataset | index | t | nprobe | R@1 ours / faiss | R@10 ours / faiss "
            "| 10-R@10 ours / faiss | QPS ours | QPS faiss | QPS ratio | train s ours / faiss "
            "(ratio) | add s ours / faiss (ratio) | B/v ours / faiss | load |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "skipped" in r:
            out.append("| %s | %s | %d | - | skipped: %s | | | | | | | | | %.1f |"
                       % (r["dataset"], r["index"], r["threads"], r["skipped"], r["load1"]))
            continue
        o, f = r["ours"], r["faiss"]
        out.append("| %s | %s | %d | %s | %.3f / %.3f | %.3f / %.3f | %.3f / %.3f | %.0f | %.0f "
                   "| **%.2f** | %.2f / %.2f (%.2f) | %.2f / %.2f (%.2f) | %g / %g | %.1f |" % (
                       r["dataset"], r["index"], r["threads"], r["nprobe"] or "-", o["r1"],
                       f["r1"], o["r10"], f["r10"], o["r10at10"], f["r10at10"], o["qps"],
                       f["qps"], o["qps"] / f["qps"], o["train_s"], f["train_s"],
                       o["train_s"] / f["train_s"], o["add_s"], f["add_s"],
                       o["add_s"] / f["add_s"], o["bytes_per_vector"],
                       f["bytes_per_vector"], r["load1"]))
    return "\n".join(out) + "\n"


def main():
    args = parse_args()
    common.import_faiss(args)
    python = sys.executable
    if python.startswith(REPO + os.sep):
        python = os.path.relpath(python, REPO)
    script = os.path.relpath(sys.argv[0], REPO) if os.path.isabs(sys.argv[0]) else sys.argv[0]
    env = common.environment([python, script] + sys.argv[1:])
    env["removed_env"] = REMOVED_ENV
    print("faiss-cpu %s SIMD %s" % (env["faiss_version"], env["faiss_simd"]), flush=True)
    rows, datasets = [], []
    with tempfile.TemporaryDirectory(prefix="bench_ivf_vs_") as tmp:
        for name in args.dataset_list:
            ds = clustered_dataset(args) if name == "clustered" else minilm_dataset(args, tmp)
            if ds is None:
                continue
            datasets.append(ds)
            x = {k: read_fvecs(p) for k, p in ds["paths"].items()}
            gt = ground_truth(ds, x["base"], x["query"], args.data_dir)
            rows.extend(measure(args, ds, x, gt, tmp))
    env["load_end"] = os.getloadavg()
    md = markdown(env, datasets, rows, args)
    print()
    print(md)
    if not args.no_save:
        os.makedirs(args.out_dir, exist_ok=True)
        base = args.out_name or ("ivf_vs_faiss_" + datetime.datetime.now().strftime(
            "%Y%m%d_%H%M%S") + ("_quick" if args.quick else ""))
        with open(os.path.join(args.out_dir, base + ".md"), "w") as fh:
            fh.write(md)
        with open(os.path.join(args.out_dir, base + ".json"), "w") as fh:
            json.dump(dict(environment=env, datasets=datasets, rows=rows), fh, indent=1)
        print("wrote %s.{md,json}" % os.path.join(os.path.relpath(args.out_dir, REPO), base))
    return 0


if __name__ == "__main__":
    sys.exit(main())
