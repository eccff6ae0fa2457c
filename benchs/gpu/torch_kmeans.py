"""Torch baseline of the GPU k-means benchmark (issue 11): the same Lloyd loop as
faiss::Clustering (assign every point to its nearest centroid by matmul + argmin, then
each centroid becomes the mean of its points; an empty cluster keeps its centroid), on
clustered data generated on the GPU, float32 with TF32 off (like our cuBLAS SGEMM).
Points are assigned in chunks so the distance block stays within a memory budget.

    python3 torch_kmeans.py [--n N] [--d D] [--k K] [--iters I] [--csv FILE]
"""

import argparse
import sys
import time


def kmeans(x, k, iters, chunk):
    import torch

    n = x.shape[0]
    gen = torch.Generator(device=x.device).manual_seed(1234)
    centroids = x[torch.randperm(n, device=x.device, generator=gen)[:k]].clone()
    x_norms = (x * x).sum(1)
    assign = torch.empty(n, dtype=torch.int64, device=x.device)
    obj = 0.0
    for _ in range(iters):
        c_norms = (centroids * centroids).sum(1)
        obj_t = torch.zeros((), dtype=torch.float64, device=x.device)
        for i in range(0, n, chunk):
            xc = x[i : i + chunk]
            dist = x_norms[i : i + chunk, None] + c_norms[None, :] - 2.0 * (xc @ centroids.T)
            d, a = dist.min(1)
            assign[i : i + chunk] = a
            obj_t += d.double().sum()
        sums = torch.zeros_like(centroids).index_add_(0, assign, x)
        counts = torch.bincount(assign, minlength=k)
        nonempty = counts > 0
        centroids[nonempty] = sums[nonempty] / counts[nonempty, None].to(sums.dtype)
        obj = obj_t
    return centroids, float(obj)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=5_000_000)
    p.add_argument("--d", type=int, default=128)
    p.add_argument("--k", type=int, default=4096)
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--chunk", type=int, default=262_144)
    p.add_argument("--csv")
    args = p.parse_args()
    try:
        import torch
    except ImportError:
        print("torch_kmeans: torch is not installed, nothing to measure")
        return 0
    if not torch.cuda.is_available():
        print("torch_kmeans: no CUDA device, nothing to measure")
        return 0
    torch.backends.cuda.matmul.allow_tf32 = False
    dev = torch.device("cuda")
    gen = torch.Generator(device=dev).manual_seed(77)
    centers = torch.rand(2 * args.k, args.d, device=dev, generator=gen)
    idx = torch.randint(0, 2 * args.k, (args.n,), device=dev, generator=gen)
    x = centers[idx] + 0.5 * (torch.rand(args.n, args.d, device=dev, generator=gen) - 0.5)
    del centers, idx
    kmeans(x[: 4 * args.k], args.k, 1, args.chunk)  # warm-up (cuBLAS, allocator)
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    _, obj = kmeans(x, args.k, args.iters, args.chunk)
    torch.cuda.synchronize()
    seconds = time.perf_counter() - t0
    print(f"torch kmeans n={args.n} d={args.d} k={args.k} iters={args.iters}: "
          f"{seconds:.2f} s, objective {obj:.6g}")
    if args.csv:
        with open(args.csv, "w") as f:
            f.write("kind,name,n,d,k,iters,seconds,objective\n")
            f.write(f"kmeans,torch,{args.n},{args.d},{args.k},{args.iters},{seconds:.3f},"
                    f"{obj:.6g}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
