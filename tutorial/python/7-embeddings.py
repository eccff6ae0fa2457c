"""Tutorial 7: real text embeddings, end to end.

The vectors come from a sentence-embedding model (all-MiniLM-L6-v2, 384 dimensions):
about 24,000 passages of documentation and 1,000 held-out passages used as queries.
scripts/run_main_job.sh makes them once (scripts/make_embeddings.py) into data/minilm/:
base.fvecs / queries.fvecs (the vectors) and base.txt / queries.txt (one passage a line,
same order). The test run (scripts/run_tests.sh) makes a small set of the same kind when
those are missing, data/minilm-small/ (2,000 passages, 200 queries), used then. This
program searches them as an application would: load, normalise for cosine similarity,
build an IVF index, search and print the passages found, measure recall against exact
search, save the index and load it back.

    python 7-embeddings.py [DATA_DIR]
DATA_DIR (default: $FAISS_TUTORIAL_DATA, else data/minilm:data/minilm-small of the
repository) may list folders separated by ':'; the first that holds base.fvecs is used.
Exits with 77 ("skipped") when none does.
"""
import os
import sys
import tempfile

import numpy as np

import faiss

repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
data_dirs = (sys.argv[1] if len(sys.argv) > 1 else
             os.environ.get("FAISS_TUTORIAL_DATA",
                            os.path.join(repo, "data", "minilm") + ":" +
                            os.path.join(repo, "data", "minilm-small")))
found = [p for p in data_dirs.split(":") if p and os.path.exists(os.path.join(p, "base.fvecs"))]
if not found:
    print(f"SKIPPED: no embeddings in {data_dirs}. Make them with scripts/run_main_job.sh "
          "(first run only, a few minutes), or give the folder as argument.")
    sys.exit(77)
data_dir = found[0]


def read_fvecs(path):
    """.fvecs: for every vector an int32 dimension, then that many float32 values."""
    raw = np.fromfile(path, dtype=np.int32)
    d = raw[0]
    return raw.reshape(-1, d + 1)[:, 1:].copy().view(np.float32)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")[:-1]


# 1. Vectors and texts. Row i of base.fvecs is the embedding of line i of base.txt.
xb = read_fvecs(os.path.join(data_dir, "base.fvecs"))
xq = read_fvecs(os.path.join(data_dir, "queries.fvecs"))
base_text = read_lines(os.path.join(data_dir, "base.txt"))
query_text = read_lines(os.path.join(data_dir, "queries.txt"))
nb, d = xb.shape
assert len(base_text) == nb and len(query_text) == len(xq) and xq.shape[1] == d
print(f"{nb} passages and {len(xq)} queries, d={d}")

# 2. Cosine similarity = inner product of unit vectors. This model already outputs unit
# vectors, but many do not: normalising (in place) is cheap and makes sure.
faiss.normalize_L2(xb)
faiss.normalize_L2(xq)
xq = xq[:200]                 # 200 queries are enough to measure recall
k = 10

# 3. IVF: k-means splits the space into nlist cells; a query looks only at the nprobe cells
# closest to it. The metric must be inner product, like the normalisation. 256 cells for
# the full set; fewer for a small one, so that every cell gets the 39 training points
# k-means asks for.
nlist = 256
while nlist > 1 and nlist * 39 > nb:
    nlist //= 2
index = faiss.index_factory(d, f"IVF{nlist},Flat", faiss.METRIC_INNER_PRODUCT)
index.train(xb)               # learns the nlist cell centroids
index.add(xb)

# Exact search, the reference: compares each query with every passage.
exact = faiss.IndexFlatIP(d)
exact.add(xb)
D_exact, I_exact = exact.search(xq, k)

# 4. Nearest passages of the first three queries. Scores are cosine similarities: 1 is
# the same direction, around 0 unrelated.
index.nprobe = min(16, nlist // 2)
D, I = index.search(xq, k)
for q in range(3):
    print(f"\nquery: {query_text[q][:100]}")
    for score, i in zip(D[q, :3], I[q, :3]):
        print(f"  {score:.3f}  {base_text[i][:90]}")

# The exact scores must be real cosines, best first, and agree with numpy.
assert np.all(D_exact[:, 0] <= 1.001) and np.all(np.diff(D_exact, axis=1) <= 0)
np.testing.assert_allclose(D_exact[:, 0], np.einsum("ij,ij->i", xq, xb[I_exact[:, 0]]),
                           atol=1e-4)

# 5. Recall: the more cells visited, the closer to exact search, and the slower. At most
# half of the cells: visiting all of them is exact search, which would prove nothing.
print(f"\nIVF{nlist},Flat: {nlist} cells")
previous = 0
for nprobe in (p for p in (1, 4, 16, 64) if p <= nlist // 2):
    index.nprobe = nprobe
    D, I = index.search(xq, k)
    recall = np.mean([len(set(a) & set(b)) / k for a, b in zip(I, I_exact)])
    print(f"nprobe={nprobe:<3d} recall@{k} = {recall:.3f}")
    assert recall >= previous, "recall must grow with nprobe"
    previous = recall
# The full set: nprobe = 64 of 256 cells. The small one: half of its 32 cells, with a lower
# bar (its cells are coarser, and fewer queries make the measure noisier).
expected = 0.95 if nb >= 10000 else 0.92
assert recall >= expected, (f"recall@10 with nprobe={nprobe} is {recall:.3f}, "
                            f"expected >= {expected}")

# 6. Save, load back, and get the same answers (nprobe is saved with the index).
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "minilm.index")
    faiss.write_index(index, path)
    loaded = faiss.read_index(path)
D2, I2 = loaded.search(xq, k)
assert np.array_equal(I2, I) and np.array_equal(D2, D), "the reloaded index differs"
print(f"saved, reloaded: {loaded.ntotal} vectors, same results")
