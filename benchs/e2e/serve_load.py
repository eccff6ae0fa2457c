#!/usr/bin/env python3
"""Load test of `faiss-cli serve`: latency of single-vector searches at fixed rates.

Open-loop pacing: the requests of a run are scheduled at fixed times (rate R: one every
1/R s, spread over several client processes) and each one's latency counts from its
scheduled time, not from when a free client thread sent it, so a slow answer that delays
the next sends shows up in the percentiles (a closed-loop tool such as wrk hides it).
The client pool is bounded (--procs x --threads connections); a request that cannot be
sent before the end of its run counts as late.

Steps (defaults in brackets):
  1. builds a synthetic 1M x 128 base (low intrinsic dimension), an IVF index of it [IVF1024,Flat], and
     picks the smallest nprobe reaching 10-recall@10 >= --target-recall [0.9] against
     exact search (or takes --ivf-index FILE with --nprobe);
  2. builds a 100k x 4096 index [IVF256,Flat], nprobe chosen the same way (--large-nb,
     --large-key; --large-nb 0 skips it);
  3. starts `faiss-cli serve` on loopback (the IVF index writable in a --data-dir);
  4. for each --rates [500,1000,2000] QPS: a run of --duration s [10] without writes,
     then one with a concurrent add stream (--add-rate vectors/s in --add-batch batches);
     reports QPS, p50/p99 latency, the slowdown of searches under adds, client and
     service CPU use;
  5. the max sustainable rate: a closed-loop run with every client thread busy;
  6. the 4096-d index at --large-rates and closed loop.
Index files live in a temporary folder under /tmp, deleted at the end (--keep keeps it).

    FAISS_PYTHON_DIR=build/python .venv/bin/python benchs/e2e/serve_load.py
"""

import argparse
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

_REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.environ.get("FAISS_PYTHON_DIR", os.path.join(_REPO, "build", "python")))
import faiss  # noqa: E402
from faiss.serve_client import ServeClient, ServeError  # noqa: E402

KEY = "serve-load-key"


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, flush=True)


# data and indexes -------------------------------------------------------------------


def latent(rng, proj, n, noise):
    """n vectors z @ proj + noise, z gaussian in a low dimension: a continuous base of
    low intrinsic dimension (as real embeddings), where an IVF needs several probes."""
    out = np.empty((n, proj.shape[1]), dtype=np.float32)
    for i0 in range(0, n, 50000):
        m = min(50000, n - i0)
        z = rng.standard_normal((m, proj.shape[0]), dtype=np.float32)
        out[i0:i0 + m] = z @ proj + noise * rng.standard_normal((m, proj.shape[1]), dtype=np.float32)
    return out


def make_index(args, key, xb, xq, train_n, rng):
    """key trained and filled with xb; for an IVF, the smallest nprobe (a power of 2) with
    10-recall@10 >= --target-recall on the first --recall-queries of xq."""
    t0 = time.time()
    index = faiss.index_factory(xb.shape[1], key)
    if not index.is_trained:
        index.train(xb[rng.choice(len(xb), min(len(xb), train_n), replace=False)])
    index.add(xb)
    log(f"built {key} of {len(xb)} x {xb.shape[1]} in {time.time() - t0:.1f} s")
    try:
        faiss.extract_index_ivf(index)
    except RuntimeError:
        return index, None, 1.0
    t0 = time.time()
    flat = faiss.IndexFlatL2(xb.shape[1])
    flat.add(xb)
    _, gt = flat.search(xq[:args.recall_queries], 10)
    del flat
    nprobe, recall = None, 0.0
    for p in (1, 2, 4, 8, 16, 32, 64, 128, 256):
        index.nprobe = p
        _, I = index.search(xq[:args.recall_queries], 10)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I, gt)])
        nprobe = p
        if recall >= args.target_recall:
            break
    log(f"  nprobe={nprobe}: 10-recall@10 = {recall:.3f} ({time.time() - t0:.1f} s)")
    return index, nprobe, recall


def build_ivf(args, workdir):
    rng = np.random.default_rng(1234)
    proj = rng.standard_normal((args.latent_dim, args.d), dtype=np.float32)
    xb = latent(rng, proj, args.nb, args.noise)
    xq = latent(rng, proj, 1000, args.noise)
    xadd = latent(rng, proj, 200000, args.noise)
    path = os.path.join(workdir, "ivf.index")
    meta = os.path.join(workdir, "ivf.json")
    key = [args.ivf_key, args.nb, args.d, args.latent_dim, args.noise, args.target_recall]
    if args.workdir and os.path.exists(meta):
        with open(meta) as f:
            saved = json.load(f)
        if saved["key"] == key:
            log(f"reusing {path} (nprobe={saved['nprobe']})")
            return path, saved["nprobe"], saved["recall"], xq, xadd
    index, nprobe, recall = make_index(args, args.ivf_key, xb, xq, args.train_n, rng)
    faiss.write_index(index, path)
    with open(meta, "w") as f:
        json.dump({"key": key, "nprobe": nprobe, "recall": recall}, f)
    return path, nprobe, recall, xq, xadd


def build_large(args, workdir):
    rng = np.random.default_rng(99)
    proj = rng.standard_normal((args.latent_dim, args.large_d), dtype=np.float32)
    xb = latent(rng, proj, args.large_nb, args.noise)
    xq = latent(rng, proj, 1000, args.noise)
    index, nprobe, recall = make_index(args, args.large_key, xb, xq, args.large_train_n, rng)
    del xb
    path = os.path.join(workdir, "large.index")
    faiss.write_index(index, path)
    return path, xq, nprobe


# service ----------------------------------------------------------------------------


class Service:
    def __init__(self, cli, args, indexes, data_dir):
        env = dict(os.environ, FAISS_SERVE_API_KEY=KEY)
        spec = ",".join(f"{n}={p}" for n, p in indexes)
        cmd = [cli, "serve", "--port", "0", "--index", spec, "--data-dir", data_dir,
               "--threads", str(args.server_threads), "--queue", "256",
               "--merge-threshold", str(args.merge_threshold)]
        if args.checkpoint_rate is not None:
            cmd += ["--checkpoint-rate", str(args.checkpoint_rate)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, env=env)
        self.port = None
        for line in self.proc.stdout:
            if "listening on http://" in line:
                self.port = int(line.rsplit(":", 1)[1])
                break
        if self.port is None:
            raise RuntimeError("faiss-cli serve did not start: " + " ".join(cmd))
        self.url = f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stats(self):
        """Service-side counters: search time sum (s) and count, checkpoints written."""
        text = ServeClient(self.url, api_key=KEY).metrics()
        out = {"search_s": 0.0, "searches": 0, "checkpoints": 0, "checkpoint_s": 0.0}
        for line in text.splitlines():
            name, _, value = line.rpartition(" ")
            if name == 'faiss_serve_request_duration_seconds_sum{endpoint="search"}':
                out["search_s"] = float(value)
            elif name == 'faiss_serve_request_duration_seconds_count{endpoint="search"}':
                out["searches"] = int(float(value))
            elif name.startswith("faiss_serve_checkpoints_total{"):
                out["checkpoints"] += int(float(value))
            elif name.startswith("faiss_serve_checkpoint_seconds_total{"):
                out["checkpoint_s"] += float(value)
        return out

    def wait_idle(self, name, threshold, limit=300.0):
        """Waits until no checkpoint runs nor is due, so that a run without adds measures
        searches alone (a paced checkpoint started by the adds of the run before it can
        last tens of seconds). Returns the seconds waited."""
        client, t0 = ServeClient(self.url, api_key=KEY), time.time()
        while time.time() - t0 < limit:
            info = client.info(name)
            if (not info.get("checkpoint_running") and info["delta_vectors"] < threshold
                    and info["pending_removes"] < threshold):
                break
            time.sleep(0.5)
        client.close()
        return time.time() - t0

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# load generation --------------------------------------------------------------------


def client_proc(url, name, xq, k, params, rate, phase, start, duration, nthreads, out):
    """One client process: nthreads threads, each with its own keep-alive connection,
    sending the requests scheduled at start + phase + i / rate (rate 0: back to back)."""
    n = int(duration * rate) if rate > 0 else None
    lock = threading.Lock()
    counter = [0]
    records = []
    errors = []
    end = start + duration

    def worker(tid):
        client = ServeClient(url, api_key=KEY, timeout=30)
        local, rng = [], np.random.default_rng(tid + int(phase * 1e6))
        time.sleep(max(0.0, start - time.perf_counter()))
        while True:
            with lock:
                i = counter[0]
                counter[0] += 1
            if n is not None:
                if i >= n:
                    break
                due = start + phase + i / rate
            else:
                due = time.perf_counter()
                if due >= end:
                    break
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            sent = time.perf_counter()
            if n is not None and sent > end + 1.0:
                local.append((due, sent, float("nan")))  # never sent in time
                continue
            q = xq[rng.integers(len(xq)):][:1]
            try:
                client.search(name, q, k=k, **params)
                local.append((due, sent, time.perf_counter()))
            except (ServeError, OSError) as e:
                errors.append(repr(e))
        client.close()
        with lock:
            records.extend(local)

    r0 = os.times()
    threads = [threading.Thread(target=worker, args=(t,)) for t in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    r1 = os.times()
    cpu = (r1.user - r0.user) + (r1.system - r0.system)
    out.put((np.array(records, dtype=np.float64).reshape(-1, 3), errors[:5], len(errors), cpu))


def add_proc(url, name, xadd, id0, vec_rate, batch, start, duration, out):
    """The add stream: batches of `batch` vectors paced at vec_rate vectors/s."""
    client = ServeClient(url, api_key=KEY, timeout=60)
    lat, done, i = [], 0, 0
    while True:
        due = start + i * batch / vec_rate
        if due >= start + duration:
            break
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        x = xadd[(i * batch) % (len(xadd) - batch):][:batch]
        t0 = time.perf_counter()
        client.add(name, x, np.arange(id0 + i * batch, id0 + (i + 1) * batch))
        lat.append(time.perf_counter() - t0)
        done += batch
        i += 1
    client.close()
    out.put((done, lat))


def run_load(svc, args, name, xq, params, rate, adds=None):
    """One run; rate 0 = closed loop. adds: (xadd, first id) for a concurrent add stream."""
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    start = time.perf_counter() + 1.0
    procs = []
    for p in range(args.procs):
        share = rate / args.procs
        phase = p / rate if rate > 0 else 0.0
        procs.append(ctx.Process(target=client_proc, args=(
            svc.url, name, xq, args.k, params, share, phase, start, args.duration,
            args.threads, out)))
    add_out = ctx.Queue()
    if adds is not None:
        procs.append(ctx.Process(target=add_proc, args=(
            svc.url, name, adds[0], adds[1], args.add_rate, args.add_batch, start,
            args.duration, add_out)))
    cpu0 = svc.cpu_seconds()
    stats0 = svc.stats()
    for p in procs:
        p.start()
    results = [out.get() for _ in range(args.procs)]
    added = add_out.get() if adds is not None else None
    for p in procs:
        p.join()
    service_cpu = svc.cpu_seconds() - cpu0
    stats1 = svc.stats()
    served = max(stats1["searches"] - stats0["searches"], 1)
    rec = np.concatenate([r[0] for r in results])
    nerr = sum(r[2] for r in results)
    ok = rec[~np.isnan(rec[:, 2])]
    late = len(rec) - len(ok)
    lat = (ok[:, 2] - ok[:, 0]) * 1e3  # from the scheduled time
    svc_lat = (ok[:, 2] - ok[:, 1]) * 1e3  # from the actual send
    span = max(ok[:, 2].max() - start, 1e-9) if len(ok) else 1.0
    row = {
        "index": name, "target_qps": rate or "max", "adds": adds is not None,
        "qps": len(ok) / span, "n": len(ok), "errors": nerr, "late": late,
        "p50_ms": float(np.percentile(lat, 50)) if len(ok) else float("nan"),
        "p99_ms": float(np.percentile(lat, 99)) if len(ok) else float("nan"),
        "mean_ms": float(lat.mean()) if len(ok) else float("nan"),
        "send_p99_ms": float(np.percentile(svc_lat, 99)) if len(ok) else float("nan"),
        "client_cpu_pct": 100 * sum(r[3] for r in results) / args.duration,
        "service_cpu_pct": 100 * service_cpu / span,
        # routing to answer inside the service: without the client's and the network's share
        "service_mean_ms": 1e3 * (stats1["search_s"] - stats0["search_s"]) / served,
        "checkpoints": stats1["checkpoints"] - stats0["checkpoints"],
        # seconds a checkpoint was running during the run (paced ones span runs)
        "checkpoint_s": stats1["checkpoint_s"] - stats0["checkpoint_s"],
    }
    if results and results[0][1]:
        row["first_errors"] = results[0][1]
    if added is not None:
        row["added_vectors_per_s"] = added[0] / args.duration
        row["add_p50_ms"] = float(np.percentile(added[1], 50) * 1e3) if added[1] else float("nan")
        row["add_p99_ms"] = float(np.percentile(added[1], 99) * 1e3) if added[1] else float("nan")
    return row


def fmt(row):
    s = (f"{row['index']:>5} target={row['target_qps']!s:>5} adds={'yes' if row['adds'] else 'no ':3} "
         f"qps={row['qps']:7.1f} p50={row['p50_ms']:7.2f} ms p99={row['p99_ms']:8.2f} ms "
         f"mean={row['mean_ms']:7.2f} ms err={row['errors']} late={row['late']} "
         f"client_cpu={row['client_cpu_pct']:.0f}% service_cpu={row['service_cpu_pct']:.0f}% "
         f"in-service mean={row['service_mean_ms']:.2f} ms")
    if row["checkpoints"] or row["checkpoint_s"] > 0:
        s += f" checkpoints={row['checkpoints']} (running {row['checkpoint_s']:.1f} s)"
    if "added_vectors_per_s" in row:
        s += (f" adds={row['added_vectors_per_s']:.0f} vec/s (p50 {row['add_p50_ms']:.1f} ms,"
              f" p99 {row['add_p99_ms']:.1f} ms)")
    return s


def log_slowdown_medians(rows):
    """Per rate, the median over the repeats of the slowdown of each (no adds, adds) pair:
    one noisy pair does not decide the figure."""
    by_rate = {}
    for base, loaded in zip(rows[0::2], rows[1::2]):
        by_rate.setdefault(base["target_qps"], []).append(
            [100 * (loaded[m] / base[m] - 1) for m in ("p50_ms", "p99_ms", "mean_ms")])
    for rate, pairs in by_rate.items():
        med = np.median(np.array(pairs), axis=0)
        log(f"  median slowdown under adds at {rate} QPS over {len(pairs)} pairs: "
            f"p50 {med[0]:+.0f}% p99 {med[1]:+.0f}% mean {med[2]:+.0f}%")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", default=os.path.join(_REPO, "build", "tools", "faiss-cli"))
    ap.add_argument("--nb", type=int, default=1000000)
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--latent-dim", type=int, default=16,
                    help="intrinsic dimension of the synthetic data")
    ap.add_argument("--noise", type=float, default=0.1)
    ap.add_argument("--ivf-key", default="IVF1024,Flat")
    ap.add_argument("--ivf-index", help="take this index file instead of building one")
    ap.add_argument("--nprobe", type=int, help="with --ivf-index (else chosen for the recall)")
    ap.add_argument("--train-n", type=int, default=65536)
    ap.add_argument("--target-recall", type=float, default=0.9)
    ap.add_argument("--recall-queries", type=int, default=200)
    ap.add_argument("--large-nb", type=int, default=100000)
    ap.add_argument("--large-d", type=int, default=4096)
    ap.add_argument("--large-key", default="IVF256,Flat")
    ap.add_argument("--large-train-n", type=int, default=10240)
    ap.add_argument("--large-rates", default="100,200")
    ap.add_argument("--rates", default="500,1000,2000")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each rate pair (noise)")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--procs", type=int, default=2, help="client processes")
    ap.add_argument("--threads", type=int, default=4, help="connections per client process")
    ap.add_argument("--server-threads", type=int, default=16)
    ap.add_argument("--merge-threshold", type=int, default=20000)
    ap.add_argument("--checkpoint-rate", type=int,
                    help="MB/s of checkpoint work (the service's --checkpoint-rate; 0: unpaced)")
    ap.add_argument("--add-rate", type=float, default=500.0, help="added vectors per second")
    ap.add_argument("--add-batch", type=int, default=50)
    ap.add_argument("--workdir", help="folder for the index files, kept, its IVF index reused by "
                    "later runs with the same settings (default: a new one in /tmp, deleted)")
    ap.add_argument("--keep", action="store_true", help="keep the index files")
    ap.add_argument("--json", help="also write the rows to this file")
    args = ap.parse_args()

    workdir = args.workdir or tempfile.mkdtemp(prefix="serve_load_", dir="/tmp")
    os.makedirs(workdir, exist_ok=True)
    log(f"load average {os.getloadavg()}, {os.cpu_count()} CPUs, workdir {workdir}")
    svc = None
    rows = []
    try:
        if args.ivf_index:
            ivf_path, nprobe = args.ivf_index, args.nprobe
            rng = np.random.default_rng(5)
            d = faiss.read_index(ivf_path).d
            xq = rng.standard_normal((1000, d), dtype=np.float32)
            xadd = rng.standard_normal((200000, d), dtype=np.float32)
            nb = faiss.read_index(ivf_path).ntotal
        else:
            ivf_path, nprobe, _, xq, xadd = build_ivf(args, workdir)
            nb = args.nb
        indexes = [("ivf", ivf_path)]
        if args.large_nb > 0:
            large_path, xq_large, nprobe_large = build_large(args, workdir)
            indexes.append(("large", large_path))
        t0 = time.time()
        # The service's data of an earlier run would hold that run's adds.
        shutil.rmtree(os.path.join(workdir, "data"), ignore_errors=True)
        svc = Service(args.cli, args, indexes, os.path.join(workdir, "data"))
        log(f"service up on {svc.url} in {time.time() - t0:.1f} s")
        params = {"nprobe": nprobe} if nprobe else {}
        next_id = nb
        rates = [float(r) for r in args.rates.split(",") if r] * args.repeat
        for rate in rates:
            waited = svc.wait_idle("ivf", args.merge_threshold)
            if waited > 1:
                log(f"  waited {waited:.0f} s for the checkpoint of the adds before")
            rows.append(run_load(svc, args, "ivf", xq, params, rate))
            log(fmt(rows[-1]))
            rows.append(run_load(svc, args, "ivf", xq, params, rate, adds=(xadd, next_id)))
            next_id += int(args.add_rate * args.duration) + args.add_batch
            log(fmt(rows[-1]))
            base, loaded = rows[-2], rows[-1]
            log(f"  slowdown under adds: p50 {100 * (loaded['p50_ms'] / base['p50_ms'] - 1):+.0f}%"
                f" p99 {100 * (loaded['p99_ms'] / base['p99_ms'] - 1):+.0f}%"
                f" mean {100 * (loaded['mean_ms'] / base['mean_ms'] - 1):+.0f}%")
        if args.repeat > 1:
            log_slowdown_medians(rows)
        rows.append(run_load(svc, args, "ivf", xq, params, 0.0))
        log(fmt(rows[-1]) + f"  (closed loop, {args.procs * args.threads} connections)")
        if args.large_nb > 0:
            large_params = {"nprobe": nprobe_large} if nprobe_large else {}
            for rate in [float(r) for r in args.large_rates.split(",") if r]:
                rows.append(run_load(svc, args, "large", xq_large, large_params, rate))
                log(fmt(rows[-1]))
            rows.append(run_load(svc, args, "large", xq_large, large_params, 0.0))
            log(fmt(rows[-1]) + f"  (closed loop, {args.procs * args.threads} connections)")
        info = ServeClient(svc.url, api_key=KEY).info("ivf")
        log(f"ivf after the runs: ntotal={info['ntotal']} delta={info['delta_vectors']} "
            f"checkpoint_seq={info['checkpoint_seq']} nprobe={nprobe}")
        if args.large_nb > 0:
            log(f"large: nprobe={nprobe_large}")
        log(f"load average {os.getloadavg()}")
    finally:
        if svc is not None:
            svc.stop()
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
