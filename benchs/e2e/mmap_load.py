"""Loading time and resident memory of a large index: read_index normally vs memory-mapped
(IO_FLAG_MMAP | IO_FLAG_READ_ONLY), plus the first and second search after the load.

Builds a ~1 GiB IndexFlatL2 and a ~1 GiB IVF256,Flat of random vectors (d = 128) in a
scratch folder, then measures each (file, mode, cache state) in a fresh process:
  load_s      time of read_index
  rss_mb      resident memory the load added (VmRSS after - before), and of it the
              file-backed part (RssFile: pages of the mapping, shared with the page
              cache and other processes) and the private part (RssAnon)
  search1_s   first search (1 query, k = 10; IVF nprobe = 16) after the load: for a
              mapped index this pays the page faults (and the disk reads when cold)
  search2_s   the same search again
  rss_after   resident memory added once the search has run
Cold cache: the file's pages are evicted with posix_fadvise(POSIX_FADV_DONTNEED) before
the child starts (no root needed; drop_caches is not writable here). Warm: the file was
read just before. The files are deleted at the end (--keep to keep them).

Usage (from the repository root, after building the Python package):
  PYTHONPATH=build/python .venv/bin/python benchs/e2e/mmap_load.py [--gib 1] [--dir /tmp] \
      [--faiss-python .venv-faiss/bin/python]   # side by side with faiss-cpu
"""

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import json, os, sys, time
import numpy as np
import faiss

def status():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile"):
                out[k] = int(v.split()[0]) / 1024.0
    return out

path = sys.argv[1]
flags = 0
for name in sys.argv[2].split("|"):
    flags |= getattr(faiss, name) if name else 0
xq = np.random.RandomState(123).rand(1, 128).astype("float32")
before = status()
t0 = time.perf_counter()
index = faiss.read_index(path, flags)
t1 = time.perf_counter()
loaded = status()
ivf = faiss.try_extract_index_ivf(index)
if ivf is not None:
    ivf.nprobe = 16
t2 = time.perf_counter()
index.search(xq, 10)
t3 = time.perf_counter()
index.search(xq, 10)
t4 = time.perf_counter()
searched = status()
print(json.dumps({
    "load_s": t1 - t0, "search1_s": t3 - t2, "search2_s": t4 - t3,
    "rss_mb": loaded["VmRSS"] - before["VmRSS"],
    "rss_file_mb": loaded["RssFile"] - before["RssFile"],
    "rss_anon_mb": loaded["RssAnon"] - before["RssAnon"],
    "rss_after_search_mb": searched["VmRSS"] - before["VmRSS"],
    "rss_file_after_search_mb": searched["RssFile"] - before["RssFile"],
}))
"""


def build(path, kind, n, d, seed=0):
    import numpy as np
    import faiss
    rs = np.random.RandomState(seed)
    if kind == "Flat":
        index = faiss.IndexFlatL2(d)
    else:
        index = faiss.index_factory(d, "IVF256,Flat")
        index.train(rs.rand(256 * 40, d).astype("float32"))
    chunk = 1 << 18
    for i0 in range(0, n, chunk):
        index.add(rs.rand(min(chunk, n - i0), d).astype("float32"))
    faiss.write_index(index, path)
    del index


def evict(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def warm(path):
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def measure(python, path, flags, cold):
    if cold:
        evict(path)
    else:
        warm(path)
    env = dict(os.environ)
    if python != sys.executable:
        env.pop("PYTHONPATH", None)  # the other interpreter imports its own faiss
    out = subprocess.run([python, "-c", CHILD, path, flags], check=True,
                         capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    import faiss
    ap = argparse.ArgumentParser()
    ap.add_argument("--gib", type=float, default=1.0, help="size of the vectors per index")
    ap.add_argument("--dir", default=tempfile.gettempdir())
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--faiss-python", default=None,
                    help="also measure faiss-cpu, run by this interpreter (.venv-faiss/bin/python)")
    args = ap.parse_args()
    d = 128
    n = int(args.gib * (1 << 30)) // (4 * d)
    libs = [("ours", sys.executable)]
    if args.faiss_python:
        libs.append(("faiss-cpu", args.faiss_python))
    # Faiss maps flat codes with IO_FLAG_MMAP_IFC and IVF lists with IO_FLAG_MMAP (its
    # on-disk hook); this library maps both with either.
    mmap_flags = {"Flat": "IO_FLAG_MMAP_IFC|IO_FLAG_READ_ONLY",
                  "IVF256,Flat": "IO_FLAG_MMAP|IO_FLAG_READ_ONLY"}
    rows = []
    paths = []
    try:
        for kind in ("Flat", "IVF256,Flat"):
            path = os.path.join(args.dir, f"mmap_load_{kind.replace(',', '_')}_{os.getpid()}.index")
            paths.append(path)
            t0 = time.perf_counter()
            build(path, kind, n, d)
            size_mb = os.path.getsize(path) / 2**20
            print(f"# built {kind}: n={n} d={d}, {size_mb:.0f} MiB in "
                  f"{time.perf_counter() - t0:.1f} s", flush=True)
            for cold in (True, False):
                for (lib, python), (mode, flags) in itertools.product(
                        libs, [("read", ""), ("mmap", mmap_flags[kind])]):
                    r = measure(python, path, flags, cold)
                    r.update(lib=lib, index=kind, mode=mode, cache="cold" if cold else "warm",
                             file_mb=size_mb)
                    rows.append(r)
                    print(json.dumps(r), flush=True)
    finally:
        if not args.keep:
            for p in paths:
                if os.path.exists(p):
                    os.remove(p)
    print()
    print("| lib | index | file MiB | cache | mode | load s | RSS +MiB (file / anon) | "
          "1st search s | 2nd search s | RSS after search +MiB (file) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['lib']} | {r['index']} | {r['file_mb']:.0f} | {r['cache']} | {r['mode']} | "
              f"{r['load_s']:.4f} | {r['rss_mb']:.1f} ({r['rss_file_mb']:.1f} / "
              f"{r['rss_anon_mb']:.1f}) | {r['search1_s']:.4f} | {r['search2_s']:.4f} | "
              f"{r['rss_after_search_mb']:.1f} ({r['rss_file_after_search_mb']:.1f}) |")


if __name__ == "__main__":
    main()
