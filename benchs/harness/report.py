"""Output of the harness: CSV (one row per index configuration and sweep point), Markdown
(ratios ours/faiss-cpu), JSON (everything, with the environment) and one recall-vs-QPS
plot per dataset and thread count (both libraries on the same axes)."""

import csv
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from run_hnsw_vs_faiss import qps_at_recall  # noqa: E402

CSV_FIELDS = ["dataset", "nb", "nq", "d", "index", "factory", "param", "value", "threads",
              "qps_ours", "qps_faiss", "qps_ratio", "recall_ours", "recall_faiss",
              "recall_diff", "r1_ours", "r1_faiss", "train_s_ours", "train_s_faiss",
              "train_ratio", "add_s_ours", "add_s_faiss", "add_ratio", "load1", "error"]


def write_all(args, env, dsets, rows):
    stem = os.path.join(args.out_dir, args.out_name)
    written = [stem + ".csv", stem + ".md", stem + ".json"]
    with open(stem + ".csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: (round(v, 6) if isinstance(v, float) else v) for k, v in r.items()})
    plots = write_plots(args, env, dsets, rows, stem)
    with open(stem + ".md", "w") as f:
        f.write(markdown(args, env, dsets, rows, plots))
    with open(stem + ".json", "w") as f:
        json.dump(dict(environment=env, datasets=dsets, rows=rows), f, indent=1, default=str)
    return written + plots


def _groups(rows):
    """(dataset, threads) -> index name -> its rows, in run order."""
    out = {}
    for r in rows:
        out.setdefault((r["dataset"], r["threads"]), {}).setdefault(r["index"], []).append(r)
    return out


def _curve(rs):
    return [dict(ours=dict(recall=r["recall_ours"], qps=r["qps_ours"]),
                 faiss=dict(recall=r["recall_faiss"], qps=r["qps_faiss"])) for r in rs]


def equal_recall_ratio(rs):
    """(recall, QPS ratio) at the highest recall both curves reach, interpolated in
    (recall, log QPS) between sweep points; None when the recall ranges do not overlap."""
    pts = _curve(rs)
    if len(pts) < 2:
        return None
    top = min(max(p[lib]["recall"] for p in pts) for lib in ("ours", "faiss"))
    low = max(min(p[lib]["recall"] for p in pts) for lib in ("ours", "faiss"))
    if top < low:
        return None
    qo, qf = qps_at_recall(pts, "ours", top), qps_at_recall(pts, "faiss", top)
    return (top, qo / qf) if qo and qf else None


def batch_words(args):
    batch = getattr(args, "batch", 0)
    if batch <= 0:
        return "one search() call for all queries"
    return "%d quer%s per search() call" % (batch, "y" if batch == 1 else "ies")


def markdown(args, env, dsets, rows, plots):
    info = env.get("info", {})
    lines = ["# Harness: ours vs faiss-cpu, %s" % env["date"], "",
             "- command: `%s`" % env["command"],
             "- machine: %s, nproc %s, CPU %s" % (env["host"], env["nproc"], env["cpu"]),
             "- load average (1/5/15 min) at start %.2f / %.2f / %.2f, at end %.2f / %.2f / "
             "%.2f; wall time of the run %.0f s" % (tuple(env["load_start"]) +
                                                    tuple(env["load_end"]) + (env["wall_s"],))]
    for lib in ("ours", "faiss"):
        if lib in info:
            lines.append("- %s: faiss %s, SIMD %s, numpy %s (%s)"
                         % (lib, info[lib]["version"], info[lib]["simd"], info[lib]["numpy"],
                            os.path.relpath(info[lib]["module"], REPO)))
    lines += [
        "- OMP_WAIT_POLICY %s on both sides; OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = the "
        "threads column" % env["omp_wait_policy"],
        "- k=%d; QPS = queries / median wall time of searching all of them (%s; %d warm-up, "
        "%d+ timed runs, more while under %.1f s); train and add timed once"
        % (args.k, batch_words(args), args.warmup, args.repeats, args.min_time),
        "- recall = %d-R@%d (mean overlap with the exact top %d); R@1 = true nearest "
        "neighbour ranked first; ratios are ours / faiss: QPS ratio > 1 and time ratios < 1 "
        "mean ours is faster" % (args.k, args.k, args.k)]
    for ds in dsets:
        lines.append("- dataset %s: %s; nb=%d, nq=%d, d=%d, training vectors %d, nlist %d; "
                     "ground truth %s" % (ds["name"], ds["note"], ds["nb"], ds["nq"], ds["d"],
                                          ds["nt"], ds["nlist"], ds.get("gt_how", "-")))
    if args.quick:
        lines.append("- **--quick sizes: smoke test of the harness, figures meaningless**")
    for (dsname, threads), by_index in _groups(rows).items():
        lines += ["", "## %s, %d thread%s" % (dsname, threads, "s" if threads > 1 else ""), ""]
        png = [p for p in plots if p.endswith(plot_name(args, dsname, threads))]
        if png:
            lines += ["![recall vs QPS](%s)" % os.path.basename(png[0]), ""]
        lines += summary_table(by_index) + [""] + detail_table(by_index)
    return "\n".join(lines) + "\n"


def summary_table(by_index):
    out = ["| index | train s ours / faiss (ratio) | add s ours / faiss (ratio) | QPS ratio "
           "min / median / max | recall diff (ours - faiss) max abs | QPS ratio at the highest "
           "recall both reach |", "|---|---|---|---|---|---|"]
    for name, rs in by_index.items():
        if "error" in rs[0]:
            out.append("| %s | failed: %s | | | | |" % (rs[0]["factory"], rs[0]["error"]))
            continue
        r0, q = rs[0], [r["qps_ratio"] for r in rs]
        eq = equal_recall_ratio(rs)
        diff = max((r["recall_diff"] for r in rs), key=abs)
        out.append("| %s | %.2f / %.2f (%.2f) | %.2f / %.2f (%.2f) | %.2f / **%.2f** / %.2f "
                   "| %+.3f | %s |" % (
                       r0["factory"], r0["train_s_ours"], r0["train_s_faiss"],
                       r0["train_ratio"], r0["add_s_ours"], r0["add_s_faiss"],
                       r0["add_ratio"], min(q), float(np.median(q)), max(q), diff,
                       "%.2f at %.3f" % (eq[1], eq[0]) if eq else "-"))
    return out


def detail_table(by_index):
    out = ["| index | parameter | QPS ours | QPS faiss | QPS ratio | recall ours / faiss "
           "(diff) | R@1 ours / faiss | load |", "|---|---|---|---|---|---|---|---|"]
    for rs in by_index.values():
        for r in rs:
            if "error" in r:
                continue
            out.append("| %s | %s | %.0f | %.0f | **%.2f** | %.3f / %.3f (%+.3f) | %.3f / %.3f "
                       "| %.1f |" % (r["factory"], ("%s=%s" % (r["param"], r["value"]))
                                     if r["param"] else "-", r["qps_ours"], r["qps_faiss"],
                                     r["qps_ratio"], r["recall_ours"], r["recall_faiss"],
                                     r["recall_diff"], r["r1_ours"], r["r1_faiss"], r["load1"]))
    return out


# ----------------------------------------------------------------------------- plots

def plot_name(args, dsname, threads):
    suffix = "" if len(args.thread_list) == 1 else "_t%d" % threads
    return "%s_%s%s.png" % (args.out_name, dsname, suffix)


def write_plots(args, env, dsets, rows, stem):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plots (bash scripts/install_deps.sh --bench "
              "installs it)", flush=True)
        return []
    from matplotlib.lines import Line2D

    colors = plt.get_cmap("tab10")
    written = []
    for (dsname, threads), by_index in _groups(rows).items():
        fig, ax = plt.subplots(figsize=(10, 5.5))
        handles = []
        for i, (name, rs) in enumerate(by_index.items()):
            rs = [r for r in rs if "error" not in r]
            if not rs:
                continue
            for lib, style, marker in (("ours", "-", "o"), ("faiss", "--", "x")):
                ax.plot([r["recall_" + lib] for r in rs], [r["qps_" + lib] for r in rs],
                        linestyle=style, marker=marker, color=colors(i % 10), markersize=5)
            handles.append(Line2D([], [], color=colors(i % 10), marker="o",
                                  label=rs[0]["factory"]))
        handles += [Line2D([], [], color="black", linestyle="-", marker="o", label="ours"),
                    Line2D([], [], color="black", linestyle="--", marker="x",
                           label="faiss-cpu")]
        ds = next(d for d in dsets if d["name"] == dsname)
        ax.set_yscale("log")
        ax.set_xlabel("%d-recall@%d" % (args.k, args.k))
        ax.set_ylabel("queries per second (%d queries, log scale)" % ds["nq"])
        ax.set_title("%s: nb=%d, d=%d, %d thread%s, %s (solid: ours, dashed: faiss-cpu)"
                     % (dsname, ds["nb"], ds["d"], threads, "s" if threads > 1 else "",
                        batch_words(args)), fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(handles=handles, fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
        fig.text(0.99, 0.01, "%s, load %.1f-%.1f" % (env["date"][:16], env["load_start"][0],
                                                     env["load_end"][0]),
                 ha="right", fontsize=7, color="gray")
        fig.tight_layout()
        path = os.path.join(os.path.dirname(stem), plot_name(args, dsname, threads))
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
    return written
