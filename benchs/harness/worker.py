"""One library's side of the harness: a long-lived process that imports `faiss` (ours
from build/python with the project venv, or the real faiss-cpu with .venv-faiss), so the
same code times both libraries.

    python worker.py --threads T       (started by run.py, never by hand)

Protocol: one JSON request per line on stdin, one JSON reply per line on the protocol
stream (the process's original stdout; anything the library prints on stdout goes to
stderr instead, so it cannot corrupt a reply). Requests:
  {"cmd": "info"}
  {"cmd": "load", "base": path, "nb": n, "query": path, "nq": n, "train": path, "nt": n}
  {"cmd": "groundtruth", "k": k, "out": path.ivecs}       exact k-NN (IndexFlatL2)
  {"cmd": "run", "factory": str, "param": name|null, "values": [...], "k": k,
   "warmup": w, "repeats": r, "min_time": s, "batch": b, "labels_out": prefix}
  {"cmd": "quit"}
A reply is {"ok": true, ...} or {"ok": false, "error": message}.
"""

import argparse
import json
import os
import sys
import time
import traceback

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datasets  # noqa: E402

MAX_REPEATS = 10


class Worker:
    def __init__(self, faiss, threads):
        self.faiss = faiss
        self.threads = threads
        self.x = {}

    def info(self, msg):
        f = self.faiss
        if hasattr(f, "SIMDConfig"):
            simd = f.SIMDConfig.get_level_name()
        elif hasattr(f, "simd_level_name"):
            simd = f.simd_level_name()
        else:
            simd = "unknown"
        return dict(version=getattr(f, "__version__", "unknown"), simd=simd,
                    module=os.path.dirname(f.__file__), threads=f.omp_get_max_threads(),
                    numpy=np.__version__)

    def load(self, msg):
        for tag, size in (("base", "nb"), ("query", "nq"), ("train", "nt")):
            self.x[tag] = datasets.read_vecs(msg[tag], msg[size])
        return {t: list(v.shape) for t, v in self.x.items()}

    def groundtruth(self, msg):
        index = self.faiss.IndexFlatL2(self.x["base"].shape[1])
        index.add(self.x["base"])
        _, I = index.search(self.x["query"], msg["k"])
        datasets.write_ivecs(msg["out"], I.astype(np.int32))
        return {}

    @staticmethod
    def _search_all(index, xq, k, batch):
        """Labels of all queries, searched `batch` at a time (0: one call for all)."""
        if batch <= 0 or batch >= xq.shape[0]:
            return index.search(xq, k)[1]
        return np.vstack([index.search(xq[i:i + batch], k)[1]
                          for i in range(0, xq.shape[0], batch)])

    def _timed_search(self, index, xq, k, msg):
        """Wall times of searches of all the queries: `repeats` runs at least, more (up to
        MAX_REPEATS) while their sum is under min_time."""
        times = []
        for r in range(msg["warmup"] + MAX_REPEATS):
            t0 = time.perf_counter()
            I = self._search_all(index, xq, k, msg.get("batch", 0))
            if r >= msg["warmup"]:
                times.append(time.perf_counter() - t0)
                if len(times) >= msg["repeats"] and sum(times) >= msg["min_time"]:
                    break
        return times, I

    def run(self, msg):
        f = self.faiss
        xb, xq, xt = self.x["base"], self.x["query"], self.x["train"]
        index = f.index_factory(xb.shape[1], msg["factory"])
        out = dict(index_type=type(index).__name__)
        t0 = time.perf_counter()
        index.train(xt)
        out["train_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        index.add(xb)
        out["add_s"] = time.perf_counter() - t0
        ps = f.ParameterSpace()
        points = []
        for v in msg["values"] or [None]:
            if v is not None:
                ps.set_index_parameter(index, msg["param"], v)
            times, I = self._timed_search(index, xq, msg["k"], msg)
            path = "%s_%s.npy" % (msg["labels_out"], v)
            np.save(path, I)
            points.append(dict(value=v, times=times, labels=path))
        out["points"] = points
        return out


def serve(worker, proto):
    for line in sys.stdin:
        msg = json.loads(line)
        if msg["cmd"] == "quit":
            break
        try:
            reply = dict(getattr(worker, msg["cmd"])(msg), ok=True)
        except Exception as e:  # reported to the driver, which decides what to do
            traceback.print_exc(file=sys.stderr)
            reply = dict(ok=False, error="%s: %s" % (type(e).__name__, e))
        proto.write(json.dumps(reply) + "\n")
        proto.flush()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, required=True)
    args = p.parse_args()
    proto = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    import faiss

    faiss.omp_set_num_threads(args.threads)
    serve(Worker(faiss, args.threads), proto)


if __name__ == "__main__":
    main()
