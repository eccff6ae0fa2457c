#!/usr/bin/env python3
"""Markdown table of a bench_kernels run: one row per benchmark shape, one column per
SIMD level (items per CPU second, in millions), and the speed-up of the best level over
scalar.

    build/benchs/bench_kernels --benchmark_format=json > kernels.json
    python3 benchs/micro/kernels/table.py kernels.json
"""

import json
import sys

LEVELS = ["scalar", "avx2", "avx512", "baseline"]


def main(path):
    with open(path) as f:
        run = json.load(f)
    rows = {}
    for b in run["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration":
            continue
        shape, _, level = b["name"].rpartition("/")
        if level not in LEVELS:
            shape, level = b["name"], "-"
        rows.setdefault(shape, {})[level] = b.get("items_per_second", 0.0) / 1e6
    levels = [lv for lv in LEVELS + ["-"] if any(lv in r for r in rows.values())]
    # Rates are per CPU second (Google Benchmark's default), so waiting for a core on a
    # loaded machine does not lower them; cache and memory contention still does.
    ctx = run.get("context", {})
    print("%s, %s CPUs at %s MHz, load %s; items per CPU second in millions (vectors, codes or scores)"
          % (ctx.get("date", "?"), ctx.get("num_cpus", "?"), ctx.get("mhz_per_cpu", "?"),
             ", ".join("%.1f" % v for v in ctx.get("load_avg", []))))
    print()
    print("| benchmark | " + " | ".join(levels) + " | best / scalar |")
    print("|---" * (len(levels) + 2) + "|")
    for shape, r in rows.items():
        cells = ["%.1f" % r[lv] if lv in r else "" for lv in levels]
        simd = [r[lv] for lv in ("avx2", "avx512") if lv in r]
        gain = "%.1fx" % (max(simd) / r["scalar"]) if simd and r.get("scalar") else ""
        print("| %s | %s | %s |" % (shape, " | ".join(cells), gain))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
