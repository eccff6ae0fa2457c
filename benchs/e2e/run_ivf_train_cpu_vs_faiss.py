#!/usr/bin/env python3
"""IVF training (coarse k-means, then the encoder) and IVF add side by side with faiss-cpu,
in CPU seconds as well as wall seconds, for a machine shared with other jobs.

The indexes, data and k-means settings are those of run_ivf_vs_faiss.py (IndexFlatL2
coarse quantizer, default k-means settings of each library: 10 iterations, at most 256
points per centroid). Each round runs both sides in fresh processes, in alternating
order; each process trains and fills a fresh index --repeats times. Figures are medians
over all rounds and repeats. At 1 thread compare the CPU-time ratio (on a loaded machine
the wall time mostly measures waiting for a core); at 2 threads CPU time sums both
threads and includes threads spinning at barriers, so read both, on an idle machine.

    .venv-faiss/bin/python benchs/e2e/run_ivf_train_cpu_vs_faiss.py [--datasets minilm,clustered]
        [--indexes IVF_Flat,IVF_SQ8] [--threads 1,2] [--rounds 3] [--repeats 3]
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


def worker(spec):
    """Trains and fills the index spec["repeats"] times; prints one JSON line."""
    import faiss

    faiss.omp_set_num_threads(spec["threads"])
    from run_ivf_vs_faiss import read_fvecs

    xt, xb = read_fvecs(spec["paths"]["train"]), read_fvecs(spec["paths"]["base"])
    d, nlist = xb.shape[1], spec["nlist"]
    out = {"train_cpu": [], "train_wall": [], "add_cpu": [], "add_wall": []}

    def timed(fn, key):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        out[key + "_cpu"].append(time.process_time() - c0)
        out[key + "_wall"].append(time.perf_counter() - w0)

    for _ in range(spec["repeats"]):
        quantizer = faiss.IndexFlatL2(d)
        if spec["index"] == "IVF_SQ8":
            index = faiss.IndexIVFScalarQuantizer(quantizer, d, nlist,
                                                  faiss.ScalarQuantizer.QT_8bit)
        else:
            index = faiss.IndexIVFFlat(quantizer, d, nlist)
        timed(lambda: index.train(xt), "train")
        timed(lambda: index.add(xb), "add")
    print(json.dumps(out))


def run_side(side, spec, args):
    env = dict(os.environ)
    if side == "ours":
        python = args.ours_python
        env["PYTHONPATH"] = os.path.join(args.build_dir, "python")
    else:
        python = args.faiss_python
        env.pop("PYTHONPATH", None)
    proc = subprocess.run([python, os.path.abspath(__file__), "--worker", json.dumps(spec)],
                          env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("%s worker failed:\n%s" % (side, proc.stderr[-3000:]))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--datasets", default="minilm,clustered")
    p.add_argument("--indexes", default="IVF_Flat,IVF_SQ8")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repeats", type=int, default=3, help="trainings per process")
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

    import run_ivf_vs_faiss as ivf

    args.quick = False
    print("load average at start: %.1f" % os.getloadavg()[0], flush=True)
    for name in args.datasets.split(","):
        ds = ivf.clustered_dataset(args) if name == "clustered" else ivf.minilm_dataset(args, None)
        if ds is None:
            continue
        for index in args.indexes.split(","):
            for t in (int(v) for v in args.threads.split(",")):
                spec = dict(paths=ds["paths"], nlist=ds["nlist"], index=index, threads=t,
                            repeats=args.repeats)
                runs = {"ours": [], "faiss": []}
                for r in range(args.rounds):
                    for side in (("faiss", "ours") if r % 2 == 0 else ("ours", "faiss")):
                        runs[side].append(run_side(side, spec, args))
                report(name, index.replace("IVF_", "IVF%d," % ds["nlist"]), t, runs)
    print("load average at end: %.1f" % os.getloadavg()[0], flush=True)
    return 0


def report(dsname, label, t, runs):
    def med(side, key):
        return statistics.median(v for run in runs[side] for v in run[key])

    parts = []
    for what in ("train", "add"):
        o_c, f_c = med("ours", what + "_cpu"), med("faiss", what + "_cpu")
        o_w, f_w = med("ours", what + "_wall"), med("faiss", what + "_wall")
        parts.append("%s cpu %.3f/%.3f (x%.2f) wall %.3f/%.3f (x%.2f)"
                     % (what, o_c, f_c, o_c / f_c, o_w, f_w, o_w / f_w))
    print("%-9s %-13s t=%d  %s" % (dsname, label, t, " | ".join(parts)), flush=True)


if __name__ == "__main__":
    sys.exit(main())
