#!/usr/bin/env python3
"""Side-by-side timing of this library against faiss-cpu (PyPI) on the same data.

Run it with the reference venv's python (scripts/setup_faiss_venv.sh creates it):

    .venv-faiss/bin/python benchs/e2e/run_vs_faiss.py [--cases ...] [--threads 1,2]

For every case and thread count it times faiss-cpu in this process
(faiss.omp_set_num_threads), then runs our benchmark binary (build/benchs/bench_*) with
OMP_NUM_THREADS on the same .fvecs files. Both do a warm-up run and then --repeats timed
runs; the table reports medians (and minimums, which suffer less from a noisy machine).
Results are checked for agreement (label overlap, distances, k-means objective) so that
the two sides never time different work. Writes a markdown table and JSON to
benchs/results/.
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

# OpenBLAS reads these when it is loaded, so they must go before `import faiss`.
# They are often set to work around CPU misdetection; they would make the two sides
# run different BLAS kernels, so the benchmark never runs with them.
BLAS_ENV_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
REMOVED_ENV = {k: os.environ.pop(k) for k in BLAS_ENV_OVERRIDES if k in os.environ}

import numpy as np  # noqa: E402

faiss = None  # imported by import_faiss() once the OpenMP settings are in the environment

try:
    import threadpoolctl  # noqa: E402
except ImportError:
    threadpoolctl = None

CASES = {
    "flat_l2_batch": dict(kind="flat", metric="l2", mode="batch",
                          d=128, nb=200_000, nq=1000, k=10),
    "flat_l2_single": dict(kind="flat", metric="l2", mode="single",
                           d=128, nb=200_000, nq=1000, k=10),
    "flat_ip_d4096": dict(kind="flat", metric="ip", mode="batch",
                          d=4096, nb=20_000, nq=100, k=10),
    "kmeans": dict(kind="kmeans", d=128, n=200_000, k=1024, niter=10, seed=1234),
}
# --quick shrinks every case (smoke test of the harness, figures meaningless).
QUICK_SCALE = dict(nb=10, nq=10, n=10, k_centroids=8)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", default="all",
                   help="comma-separated subset of: " + ", ".join(CASES) + " (default all)")
    p.add_argument("--threads", default="1,2", help="thread counts, e.g. 1,2")
    p.add_argument("--repeats", type=int, default=5, help="timed runs per measurement")
    p.add_argument("--warmup", type=int, default=1, help="untimed runs before them")
    p.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    p.add_argument("--data-dir", default=os.environ.get(
        "FAISS_BENCH_DATA", os.path.join(REPO, "benchs", "e2e", "data")),
        help="cache for the generated .fvecs files (gitignored)")
    p.add_argument("--out-dir", default=os.path.join(REPO, "benchs", "results"))
    p.add_argument("--out-name", default=None,
                   help="base name of the result files (default vs_faiss_<date>)")
    p.add_argument("--no-save", action="store_true", help="print only, write no files")
    p.add_argument("--quick", action="store_true",
                   help="tiny sizes to smoke-test the harness (figures meaningless)")
    p.add_argument("--min-overlap", type=float, default=0.99,
                   help="minimum mean label overlap between the two sides")
    p.add_argument("--obj-tol", type=float, default=0.01,
                   help="maximum relative difference of the k-means objectives")
    p.add_argument("--omp-wait-policy", choices=["passive", "active"], default=None,
                   help="set OMP_WAIT_POLICY for both sides (default: leave the environment"
                   " as it is). 'passive' stops idle OpenMP threads from spinning, which"
                   " on a loaded machine otherwise dominates multi-threaded timings")
    args = p.parse_args()
    args.case_names = list(CASES) if args.cases == "all" else args.cases.split(",")
    unknown = [c for c in args.case_names if c not in CASES]
    if unknown:
        p.error("unknown case(s) %s; known: %s" % (unknown, ", ".join(CASES)))
    args.thread_list = [int(t) for t in args.threads.split(",")]
    if args.repeats < 1 or args.warmup < 0 or min(args.thread_list) < 1:
        p.error("need --repeats >= 1, --warmup >= 0, threads >= 1")
    return args


def import_faiss(args):
    """Imports faiss-cpu after the environment both sides share has been set."""
    global faiss
    if args.omp_wait_policy:
        os.environ["OMP_WAIT_POLICY"] = args.omp_wait_policy.upper()
    import faiss as faiss_module
    faiss = faiss_module


def case_params(name, quick):
    c = dict(CASES[name])
    if quick:
        for key in ("nb", "nq", "n"):
            if key in c:
                c[key] = max(c[key] // QUICK_SCALE[key], 50)
        if c["kind"] == "kmeans":
            c["k"] = max(c["k"] // QUICK_SCALE["k_centroids"], 8)
    return c


# ---------------------------------------------------------------- data

def fvecs_path(data_dir, tag, n, d, seed):
    return os.path.join(data_dir, "%s_d%d_n%d_s%d.fvecs" % (tag, d, n, seed))


def make_fvecs(data_dir, tag, n, d, seed):
    """Seeded uniform [0, 1) float32 vectors, cached as .fvecs; returns (path, array)."""
    path = fvecs_path(data_dir, tag, n, d, seed)
    x = np.random.default_rng(seed).random((n, d), dtype=np.float32)
    if not os.path.exists(path):
        os.makedirs(data_dir, exist_ok=True)
        rows = np.empty((n, d + 1), dtype=np.float32)
        rows[:, 0] = np.array([d], dtype=np.int32).view(np.float32)[0]
        rows[:, 1:] = x
        tmp = path + ".tmp%d" % os.getpid()
        rows.tofile(tmp)
        os.replace(tmp, path)
    return path, x


# ---------------------------------------------------------------- faiss side

def faiss_threads(t):
    """Context limiting faiss-cpu (OpenMP and its OpenBLAS) to t threads."""
    faiss.omp_set_num_threads(t)
    if threadpoolctl is not None:
        return threadpoolctl.threadpool_limits(limits=t)
    return _NullContext()


class _NullContext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def faiss_flat(c, xb, xq, repeats, warmup):
    index = faiss.IndexFlatL2(c["d"]) if c["metric"] == "l2" else faiss.IndexFlatIP(c["d"])
    index.add(xb)
    k, nq = c["k"], xq.shape[0]
    D = np.empty((nq, k), dtype=np.float32)
    I = np.empty((nq, k), dtype=np.int64)

    def once():
        if c["mode"] == "batch":
            t0 = time.perf_counter()
            index.search(xq, k, D=D, I=I)
            total = time.perf_counter() - t0
            return total, total / nq
        per_query = np.empty(nq)
        for i in range(nq):
            t0 = time.perf_counter()
            index.search(xq[i:i + 1], k, D=D[i:i + 1], I=I[i:i + 1])
            per_query[i] = time.perf_counter() - t0
        return per_query.sum(), float(np.median(per_query))

    for _ in range(warmup):
        once()
    runs = [once() for _ in range(repeats)]
    return dict(times_s=[r[0] for r in runs], per_query_median_s=[r[1] for r in runs],
                D=D.copy(), I=I.copy())


def faiss_kmeans(c, x, repeats, warmup):
    def once():
        clus = faiss.Clustering(c["d"], c["k"])
        clus.niter = c["niter"]
        clus.seed = c["seed"]
        index = faiss.IndexFlatL2(c["d"])
        t0 = time.perf_counter()
        clus.train(x, index)
        elapsed = time.perf_counter() - t0
        stats = clus.iteration_stats
        return elapsed, stats.at(stats.size() - 1).obj

    for _ in range(warmup):
        once()
    runs = [once() for _ in range(repeats)]
    return dict(times_s=[r[0] for r in runs], obj=[r[1] for r in runs])


# ---------------------------------------------------------------- our side

def run_ours(binary, argv, threads):
    if not os.path.exists(binary):
        sys.exit("missing %s; build it first:\n  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release"
                 " && cmake --build build -j2 --target %s"
                 % (binary, os.path.basename(binary)))
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    cmd = [binary] + [str(a) for a in argv]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("our benchmark failed (%d): %s\n%s" % (proc.returncode, shlex.join(cmd),
                                                       proc.stderr))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ours_flat(args, c, base, query, threads, tmp):
    lab, dis = os.path.join(tmp, "labels.i64"), os.path.join(tmp, "dist.f32")
    out = run_ours(os.path.join(args.build_dir, "benchs", "bench_flat_vs"),
                   ["--base", base, "--query", query, "--metric", c["metric"],
                    "--mode", c["mode"], "--k", c["k"], "--repeats", args.repeats,
                    "--warmup", args.warmup, "--labels-out", lab, "--distances-out", dis],
                   threads)
    out["I"] = np.fromfile(lab, dtype=np.int64).reshape(-1, c["k"])
    out["D"] = np.fromfile(dis, dtype=np.float32).reshape(-1, c["k"])
    return out


def ours_kmeans(args, c, data, threads):
    return run_ours(os.path.join(args.build_dir, "benchs", "bench_kmeans_vs"),
                    ["--data", data, "--k", c["k"], "--niter", c["niter"], "--seed", c["seed"],
                     "--repeats", args.repeats, "--warmup", args.warmup], threads)


# ---------------------------------------------------------------- checks

def check_flat(ours, ref, min_overlap):
    """Mean fraction of shared labels per query, and worst distance gap (relative)."""
    overlap = np.mean([len(np.intersect1d(a, b)) / len(b) for a, b in zip(ours["I"], ref["I"])])
    scale = np.maximum(np.abs(ref["D"]), 1e-6)
    dist_gap = float(np.max(np.abs(ours["D"] - ref["D"]) / scale))
    ok = overlap >= min_overlap and dist_gap <= 1e-3
    return ok, "overlap %.4f, max rel dist diff %.1e" % (overlap, dist_gap)


def check_kmeans(ours, ref, tol):
    o, f = float(np.median(ours["obj"])), float(np.median(ref["obj"]))
    rel = abs(o - f) / abs(f)
    return rel <= tol, "obj ours %.6g faiss %.6g (rel diff %.2e)" % (o, f, rel)


# ---------------------------------------------------------------- driver

def summarize(vals):
    return float(np.median(vals)), float(np.min(vals))


def measure_case(args, name, c, tmp):
    """Yields one result row per (metric, thread count) of a case."""
    if c["kind"] == "flat":
        base, xb = make_fvecs(args.data_dir, "base", c["nb"], c["d"], 1)
        query, xq = make_fvecs(args.data_dir, "query", c["nq"], c["d"], 2)
    else:
        data, x = make_fvecs(args.data_dir, "train", c["n"], c["d"], 3)
    for i, t in enumerate(args.thread_list):
        load_before = os.getloadavg()[0]

        def run_faiss():
            with faiss_threads(t):
                if c["kind"] == "flat":
                    return faiss_flat(c, xb, xq, args.repeats, args.warmup)
                return faiss_kmeans(c, x, args.repeats, args.warmup)

        def run_mine():
            if c["kind"] == "flat":
                return ours_flat(args, c, base, query, t, tmp)
            return ours_kmeans(args, c, data, t)

        # Alternate which side goes first, so slow drifts in machine load do not
        # always hit the same side.
        if i % 2 == 0:
            ref, ours = run_faiss(), run_mine()
        else:
            ours, ref = run_mine(), run_faiss()
        if c["kind"] == "flat":
            ok, note = check_flat(ours, ref, args.min_overlap)
        else:
            ok, note = check_kmeans(ours, ref, args.obj_tol)
        load = max(load_before, os.getloadavg()[0])
        metrics = [("time (s)", "times_s", 1.0)]
        if c.get("mode") == "single":
            metrics = [("total (s)", "times_s", 1.0),
                       ("per-query median (ms)", "per_query_median_s", 1e3)]
        for label, key, unit in metrics:
            om, omin = summarize(ours[key])
            fm, fmin = summarize(ref[key])
            row = dict(case=name, metric=label, threads=t, ours=om * unit, faiss=fm * unit,
                       ours_min=omin * unit, faiss_min=fmin * unit, ratio=om / fm,
                       ratio_min=omin / fmin, check_ok=ok, check=note, load1=load,
                       ours_runs=[v * unit for v in ours[key]],
                       faiss_runs=[v * unit for v in ref[key]], params=c,
                       our_simd=ours["simd_level"], our_blas=ours["blas"])
            print_row(row)
            yield row


def print_row(r):
    print("%-15s %-22s t=%d  ours %9.4f  faiss %9.4f  ratio %5.2f (min %5.2f)  load %.1f  %s %s"
          % (r["case"], r["metric"], r["threads"], r["ours"], r["faiss"], r["ratio"],
             r["ratio_min"], r["load1"], "OK" if r["check_ok"] else "MISMATCH", r["check"]),
          flush=True)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def faiss_blas():
    if threadpoolctl is None:
        return "unknown (threadpoolctl not installed)"
    # faiss-cpu wheels bundle their own OpenBLAS in faiss_cpu.libs/; numpy has another.
    libs = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"
            and os.path.basename(os.path.dirname(i.get("filepath", ""))).startswith("faiss")]
    return ", ".join("%s %s (%s, %s threading)" % (i["internal_api"], i.get("version"),
                                                   i.get("architecture"),
                                                   i.get("threading_layer"))
                     for i in libs) or "not found by threadpoolctl"


def environment(argv):
    simd = faiss.SIMDConfig.get_level_name() if hasattr(faiss, "SIMDConfig") else "unknown"
    return dict(
        date=datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        command=shlex.join(argv), host=platform.node(), nproc=os.cpu_count(),
        cpu=cpu_model(), faiss_version=faiss.__version__, faiss_simd=simd,
        faiss_compile_options=faiss.get_compile_options().strip(), faiss_blas=faiss_blas(),
        numpy=np.__version__, removed_env=REMOVED_ENV, load_start=os.getloadavg(),
        omp_wait_policy=os.environ.get("OMP_WAIT_POLICY", "unset (runtime default)"))


def markdown(env, rows, args):
    ours_simd = sorted({r["our_simd"] for r in rows})
    ours_blas = sorted({r["our_blas"] for r in rows})
    out = ["# Ours vs faiss-cpu, %s" % env["date"], "",
           "- command: `%s`" % env["command"],
           "- machine: %s, nproc %s, CPU %s" % (env["host"], env["nproc"], env["cpu"]),
           "- faiss-cpu %s, SIMD %s (%s), BLAS %s" % (env["faiss_version"], env["faiss_simd"],
                                                     env["faiss_compile_options"],
                                                     env["faiss_blas"]),
           "- ours: SIMD %s, BLAS %s" % (", ".join(ours_simd), ", ".join(ours_blas)),
           "- %d warm-up + %d timed runs per cell; medians, ratio = ours / faiss "
           "(< 1 means ours is faster); 'min' columns use the fastest run"
           % (args.warmup, args.repeats),
           "- OMP_WAIT_POLICY (both sides): %s" % env["omp_wait_policy"],
           "- load average (1 min) at start: %.2f, at end: %.2f"
           % (env["load_start"][0], env["load_end"][0])]
    if env["removed_env"]:
        out.append("- unset for the run: %s" % ", ".join(
            "%s=%s" % kv for kv in env["removed_env"].items()))
    if args.quick:
        out.append("- **--quick sizes: smoke test only, figures meaningless**")
    out += ["", "| case | measure | threads | ours | faiss | ours/faiss | ours/faiss (min) "
            "| load | check |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append("| %s | %s | %d | %.4g | %.4g | **%.2f** | %.2f | %.1f | %s |" % (
            r["case"], r["metric"], r["threads"], r["ours"], r["faiss"], r["ratio"],
            r["ratio_min"], r["load1"], ("ok: " if r["check_ok"] else "MISMATCH: ")
            + r["check"]))
    return "\n".join(out) + "\n"


def main():
    args = parse_args()
    import_faiss(args)
    python = sys.executable
    if python.startswith(REPO + os.sep):
        python = os.path.relpath(python, REPO)
    script = os.path.relpath(sys.argv[0], REPO) if os.path.isabs(sys.argv[0]) else sys.argv[0]
    env = environment([python, script] + sys.argv[1:])
    for k, v in env["removed_env"].items():
        print("note: unset %s=%s for this run (both sides use OpenBLAS's own detection)"
              % (k, v), flush=True)
    print("faiss-cpu %s SIMD %s, BLAS %s" % (env["faiss_version"], env["faiss_simd"],
                                            env["faiss_blas"]), flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_vs_faiss_") as tmp:
        for name in args.case_names:
            rows.extend(measure_case(args, name, case_params(name, args.quick), tmp))
    if rows:
        print("ours: SIMD %s, BLAS %s" % (rows[0]["our_simd"], rows[0]["our_blas"]))
    env["load_end"] = os.getloadavg()
    md = markdown(env, rows, args)
    print()
    print(md)
    if not args.no_save:
        os.makedirs(args.out_dir, exist_ok=True)
        base = args.out_name or ("vs_faiss_" + datetime.datetime.now().strftime("%Y%m%d_%H%M%S")
                                 + ("_quick" if args.quick else ""))
        with open(os.path.join(args.out_dir, base + ".md"), "w") as f:
            f.write(md)
        with open(os.path.join(args.out_dir, base + ".json"), "w") as f:
            json.dump(dict(environment=env, rows=rows), f, indent=1)
        print("wrote %s.{md,json}" % os.path.join(os.path.relpath(args.out_dir, REPO), base))
    return 0 if all(r["check_ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
