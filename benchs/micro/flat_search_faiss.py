"""faiss-cpu timings for the cases of bench_flat_search (same sizes, uniform data).

Run in a virtual environment holding faiss-cpu and numpy (not our package):
    python3 -m venv /tmp/fv && /tmp/fv/bin/pip install faiss-cpu numpy
    /tmp/fv/bin/python benchs/micro/flat_search_faiss.py --threads 1 --repeats 5
Prints the median and minimum wall time of each case, like bench_flat_search.
"""
import argparse
import time

import faiss
import numpy as np


def time_case(name, repeats, threads, run):
    run()
    ms, cpu = [], []
    for _ in range(repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        run()
        ms.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    ms.sort()
    cpu.sort()
    print(f"{name:8s} threads={threads}  median {ms[len(ms) // 2]:9.2f} ms  min {ms[0]:9.2f} ms"
          f"  cpu median {cpu[len(cpu) // 2]:9.2f} ms", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--cases", default="batch,single,ip4096,assign")
    args = ap.parse_args()
    faiss.omp_set_num_threads(args.threads)
    cases = args.cases.split(",")
    rng = np.random.default_rng(0)
    k = 10
    if "batch" in cases or "single" in cases:
        xb = rng.random((200000, 128), dtype=np.float32)
        xq = rng.random((1000, 128), dtype=np.float32)
        index = faiss.IndexFlatL2(128)
        index.add(xb)
        if "batch" in cases:
            time_case("batch", args.repeats, args.threads, lambda: index.search(xq, k))

        def single():
            for q in range(len(xq)):
                index.search(xq[q:q + 1], k)
        if "single" in cases:
            time_case("single", args.repeats, args.threads, single)
    if "ip4096" in cases:
        xb = rng.random((20000, 4096), dtype=np.float32)
        xq = rng.random((100, 4096), dtype=np.float32)
        index = faiss.IndexFlatIP(4096)
        index.add(xb)
        time_case("ip4096", args.repeats, args.threads, lambda: index.search(xq, k))
    if "assign" in cases:
        x = rng.random((200000, 128), dtype=np.float32)
        c = rng.random((1024, 128), dtype=np.float32)
        index = faiss.IndexFlatL2(128)
        index.add(c)
        time_case("assign", args.repeats, args.threads, lambda: index.search(x, 1))


if __name__ == "__main__":
    main()
