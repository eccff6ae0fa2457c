"""Vector files and benchmark datasets shared by the harness and the benchs/e2e scripts.

Only numpy is needed, so both virtual environments (ours: .venv, the reference faiss-cpu:
.venv-faiss) can import this module.

File formats (SIFT / TEXMEX layout, little-endian): every vector is an int32 dimension d
followed by d components: float32 in .fvecs, uint8 in .bvecs, int32 in .ivecs. .npy
files hold one 2-D array. All readers return C-contiguous arrays and can stop after the
first `n` vectors without reading the rest of the file.
"""

import hashlib
import os

import numpy as np

_VEC_DTYPES = {".fvecs": np.float32, ".bvecs": np.uint8, ".ivecs": np.int32}


def read_vecs(path, n=None):
    """Rows of a .fvecs / .bvecs / .ivecs / .npy file (the first n when n is given).
    .bvecs and float16 .npy become float32; .ivecs stays int32."""
    ext = os.path.splitext(path)[1].lower()
    if ext == ".npy":
        x = np.load(path, mmap_mode="r")
        if x.ndim != 2:
            raise ValueError("%s: expected a 2-D array, got shape %s" % (path, x.shape))
        x = x[:n] if n else x
        return np.ascontiguousarray(x, dtype=np.int32 if x.dtype.kind == "i" else np.float32)
    if ext not in _VEC_DTYPES:
        raise ValueError("%s: unknown extension (expected .fvecs, .bvecs, .ivecs or .npy)"
                         % path)
    dtype = np.dtype(_VEC_DTYPES[ext])
    size = os.path.getsize(path)
    if size < 4:
        raise ValueError("%s: empty file" % path)
    d = int(np.fromfile(path, dtype=np.int32, count=1)[0])
    row = 4 + d * dtype.itemsize
    if d <= 0 or size % row:
        raise ValueError("%s: size %d does not fit rows of dimension %d" % (path, size, d))
    total = size // row
    count = min(n, total) if n else total
    raw = np.fromfile(path, dtype=np.uint8, count=count * row).reshape(count, row)
    dims = raw[:, :4].copy().view(np.int32)[:, 0]
    if (dims != d).any():
        bad = int(np.argmax(dims != d))
        raise ValueError("%s: vector %d has dimension %d, expected %d" % (path, bad, dims[bad], d))
    x = raw[:, 4:].copy().view(dtype)
    return np.ascontiguousarray(x, dtype=np.int32 if ext == ".ivecs" else np.float32)


def count_vecs(path):
    """Number of vectors in a file, read from its size (or the .npy header)."""
    ext = os.path.splitext(path)[1].lower()
    if ext == ".npy":
        return int(np.load(path, mmap_mode="r").shape[0])
    d = int(np.fromfile(path, dtype=np.int32, count=1)[0])
    return os.path.getsize(path) // (4 + d * np.dtype(_VEC_DTYPES[ext]).itemsize)


def _write_vecs(path, x, dtype):
    x = np.ascontiguousarray(x, dtype=dtype)
    n, d = x.shape
    rows = np.empty((n, 4 + d * x.itemsize), dtype=np.uint8)
    rows[:, :4] = np.array([d], dtype=np.int32).view(np.uint8)
    rows[:, 4:] = x.view(np.uint8).reshape(n, -1)
    tmp = "%s.tmp%d" % (path, os.getpid())
    rows.tofile(tmp)
    os.replace(tmp, path)  # readers never see a half-written file


def write_fvecs(path, x):
    _write_vecs(path, x, np.float32)


def write_ivecs(path, x):
    _write_vecs(path, x, np.int32)


def read_fvecs(path):
    return read_vecs(path)


# ----------------------------------------------------------------------------- synthetic

def clustered(n, d, seed, ncenters=1000, sigma=0.35, noise_frac=0.05):
    """Gaussian blobs around 1000 N(0,1) centres (seed 7, shared by all sets of the same
    d), plus 5 % background points from N(0, 1.5^2); the per-set seed draws memberships
    and offsets, so base, queries and training set are separate draws."""
    centers = np.random.default_rng(7).standard_normal((ncenters, d), dtype=np.float32)
    rng = np.random.default_rng(seed)
    x = centers[rng.integers(ncenters, size=n)]
    x += sigma * rng.standard_normal((n, d), dtype=np.float32)
    bg = rng.random(n) < noise_frac
    x[bg] = 1.5 * rng.standard_normal((int(bg.sum()), d), dtype=np.float32)
    return x


CLUSTERED_SEEDS = {"base": 11, "query": 12, "train": 13}


def clustered_files(data_dir, nb, nq, nt, d):
    """Paths of the cached clustered base / query / train .fvecs files, generated on
    first use (same names and seeds as benchs/e2e/run_ivf_vs_faiss.py, which shares the
    cache)."""
    paths = {}
    for tag, n in (("base", nb), ("query", nq), ("train", nt)):
        seed = CLUSTERED_SEEDS[tag]
        path = os.path.join(data_dir, "clustered_%s_d%d_n%d_s%d.fvecs" % (tag, d, n, seed))
        if not os.path.exists(path):
            os.makedirs(data_dir, exist_ok=True)
            write_fvecs(path, clustered(n, d, seed))
        paths[tag] = path
    return paths


# ----------------------------------------------------------------------------- ground truth

def file_key(path, n):
    """Identity of the first n vectors of a file: its absolute path, size and mtime."""
    st = os.stat(path)
    return "%s|%d|%d|%d" % (os.path.abspath(path), st.st_size, int(st.st_mtime), n)


def gt_cache_path(data_dir, base, nb, query, nq, k):
    """Where the exact k-NN of the first nq queries against the first nb base vectors
    is cached (.ivecs); the name carries both file names, the sizes and a hash of the
    files' identity, so a changed or regenerated file gets a new entry."""
    h = hashlib.sha1((file_key(base, nb) + "#" + file_key(query, nq) + "#%d" % k).encode())
    stem = "gt_%s_n%d_%s_q%d_k%d_%s.ivecs" % (
        os.path.splitext(os.path.basename(base))[0], nb,
        os.path.splitext(os.path.basename(query))[0], nq, k, h.hexdigest()[:10])
    return os.path.join(data_dir, stem)


def recalls(I, gt, k):
    """R@1: true nearest neighbour ranked first; R@k: true nearest neighbour among the k
    returned; k-R@k: mean overlap of the k returned with the true k nearest."""
    I, gt = np.asarray(I)[:, :k], np.asarray(gt)
    overlap = np.mean([len(np.intersect1d(a, b)) for a, b in zip(I, gt[:, :k])]) / k
    return dict(r1=float(np.mean(I[:, 0] == gt[:, 0])),
                rk=float(np.mean((I == gt[:, :1]).any(axis=1))),
                krk=float(overlap))
