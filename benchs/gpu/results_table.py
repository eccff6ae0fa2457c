"""Joins the CSV files of bench_gpu_flat and torch_knn.py into one Markdown table:
per (nb, d, nq, k), each mode's time and TFLOP/s, and the speed-up of our index-dev
search over torch.

    python3 results_table.py ours.csv torch.csv
"""

import csv
import sys

PEAK_TFLOPS = 67.0


def main(paths):
    rows = []
    for p in paths:
        try:
            with open(p) as f:
                rows.extend(csv.DictReader(f))
        except OSError:
            pass
    if not rows:
        print("(no benchmark results)")
        return 0
    torch_ms = {}
    for r in rows:
        if r["mode"] == "torch":
            torch_ms[(r["nb"], r["d"], r["nq"], r["k"])] = float(r["ms"])
    print("| nb | d | nq | k | mode | ms | TFLOP/s | % FP32 peak | vs torch |")
    print("|---:|---:|---:|---:|---|---:|---:|---:|---:|")
    for r in sorted(rows, key=lambda r: (int(r["d"]), int(r["nb"]), int(r["k"]), r["mode"])):
        key = (r["nb"], r["d"], r["nq"], r["k"])
        ms = float(r["ms"])
        tf = float(r["tflops"])
        ratio = f"{torch_ms[key] / ms:.2f}x" if key in torch_ms and r["mode"] != "torch" else ""
        print(f"| {r['nb']} | {r['d']} | {r['nq']} | {r['k']} | {r['mode']} | {ms:.1f} | "
              f"{tf:.1f} | {100 * tf / PEAK_TFLOPS:.0f}% | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
