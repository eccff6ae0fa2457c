"""Tutorial 5: exact search on a GPU.

A GPU index keeps its vectors in device memory and compares every query with every
vector there, as IndexFlat does on the CPU, but with thousands of cores: the answers are
the same, only much sooner for large batches of queries.
  1. a StandardGpuResources object: the streams, cuBLAS handle and scratch memory the
     GPU indexes of a program share;
  2. a GpuIndexFlatL2 built and searched directly on the GPU, numpy arrays in and out;
  3. an index built on the CPU, copied to the GPU with index_cpu_to_gpu (with float16
     storage: half the memory), and copied back with index_gpu_to_cpu;
  4. knn_gpu: brute-force search of two numpy arrays, without an index.
Needs a faiss built with the GPU backend and a CUDA device: otherwise it says so and
exits with 77 ("skipped").
"""
import sys

import numpy as np

import faiss

if faiss.get_num_gpus() == 0:
    why = ("this faiss has no GPU backend" if not hasattr(faiss, "StandardGpuResources")
           else "no CUDA device on this machine")
    print(f"tutorial 5: {why}, skipped")
    sys.exit(77)

d = 64
nb = 100000
nq = 1000
k = 10
rng = np.random.default_rng(1234)
xb = rng.random((nb, d), dtype=np.float32)
xq = rng.random((nq, d), dtype=np.float32)

# The exact answers, from the CPU.
cpu_index = faiss.IndexFlatL2(d)
cpu_index.add(xb)
_, truth = cpu_index.search(xq, k)


def recall(I):
    return np.mean([len(set(a) & set(b)) / k for a, b in zip(I, truth)])


# 1. One resources object serves every GPU index of the program (and its threads).
res = faiss.StandardGpuResources()

# 2. A flat index made on the GPU: the same calls as on the CPU.
gpu_index = faiss.GpuIndexFlatL2(res, d)
gpu_index.add(xb)
D, I = gpu_index.search(xq, k)
print("GpuIndexFlatL2: ntotal", gpu_index.ntotal, "recall against the CPU", recall(I))
assert recall(I) > 0.999

# 3. A CPU index (with ids of our own) copied to the GPU, stored as float16 there.
cpu_ids = faiss.IndexIDMap(faiss.IndexFlatL2(d))
cpu_ids.add_with_ids(xb, np.arange(nb) + 1000000)
co = faiss.GpuClonerOptions()
co.useFloat16 = True
on_gpu = faiss.index_cpu_to_gpu(res, 0, cpu_ids, co)
print("index_cpu_to_gpu gave", type(on_gpu).__name__, "around",
      type(on_gpu.index).__name__)
D, I = on_gpu.search(xq, k)
print("float16 storage: recall", recall(I - 1000000))
assert recall(I - 1000000) > 0.95

back = faiss.index_gpu_to_cpu(on_gpu)  # an IndexIDMap around an IndexFlatL2 again
print("index_gpu_to_cpu gave", type(back).__name__, "with", back.ntotal, "vectors")
assert back.ntotal == nb

# 4. No index at all: the k nearest rows of xb for each row of xq.
D, I = faiss.knn_gpu(res, xq, xb, k)
print("knn_gpu: recall", recall(I))
assert recall(I) > 0.999
