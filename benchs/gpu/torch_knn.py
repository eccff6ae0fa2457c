"""Torch baseline of the GPU exact k-NN benchmark (issue 10): L2 k-NN by matmul + topk on
the same GPU, float32 (TF32 off, like our cuBLAS SGEMM path), queries in chunks so the
distance block stays within a memory budget. Median of --reps timed runs after a warm-up,
timed with CUDA events; TFLOP/s counts 2 * nq * nb * d.

    python3 torch_knn.py [--csv FILE] [--reps R] [--config NB,D,NQ ...] [--k K ...]
"""

import argparse
import statistics
import sys

PEAK_TFLOPS = 67.0


def knn_l2(xq, xb, xb_norms, k, chunk):
    import torch

    out_d, out_i = [], []
    for i in range(0, xq.shape[0], chunk):
        q = xq[i : i + chunk]
        dist = (q * q).sum(1, keepdim=True) + xb_norms[None, :] - 2.0 * (q @ xb.T)
        d, idx = torch.topk(dist, k, dim=1, largest=False, sorted=True)
        out_d.append(d)
        out_i.append(idx)
    return torch.cat(out_d), torch.cat(out_i)


def time_ms(fn, reps):
    import torch

    fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--config", action="append", default=[])
    ap.add_argument("--k", type=int, action="append", default=[])
    ap.add_argument("--block-bytes", type=int, default=4 << 30,
                    help="memory budget of one distance block (bytes)")
    args = ap.parse_args()
    try:
        import torch
    except ImportError:
        print("torch_knn.py: torch is not installed, nothing to measure")
        return 0
    if not torch.cuda.is_available():
        print("torch_knn.py: no CUDA device, nothing to measure")
        return 0
    torch.backends.cuda.matmul.allow_tf32 = False
    configs = [tuple(int(v) for v in c.split(",")) for c in args.config] or [
        (1000000, 128, 10000),
        (200000, 4096, 10000),
    ]
    ks = args.k or [10, 100]
    csv = open(args.csv, "w") if args.csv else None
    if csv:
        csv.write("nb,d,nq,k,mode,ms,tflops\n")
    gen = torch.Generator(device="cuda")
    gen.manual_seed(1)
    for nb, d, nq in configs:
        xb = torch.rand(nb, d, device="cuda", generator=gen)
        xq = torch.rand(nq, d, device="cuda", generator=gen)
        xb_norms = (xb * xb).sum(1)
        chunk = max(1, min(nq, args.block_bytes // (4 * nb)))
        for k in ks:
            ms = time_ms(lambda: knn_l2(xq, xb, xb_norms, k, chunk), args.reps)
            tflops = 2.0 * nq * nb * d / (ms * 1e-3) / 1e12
            print(f"nb={nb} d={d} nq={nq} k={k} torch       {ms:10.2f} ms {tflops:7.2f} TFLOP/s "
                  f"({100 * tflops / PEAK_TFLOPS:4.1f}% of FP32 peak, chunk {chunk})", flush=True)
            if csv:
                csv.write(f"{nb},{d},{nq},{k},torch,{ms:.3f},{tflops:.3f}\n")
                csv.flush()
        del xb, xq, xb_norms
        torch.cuda.empty_cache()
    return 0


if __name__ == "__main__":
    sys.exit(main())
