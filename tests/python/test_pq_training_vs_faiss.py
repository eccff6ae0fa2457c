"""Product-quantizer training quality against the real Faiss (faiss-cpu), same data, same
default parameters: reconstruction error of IndexPQ and IndexIVFPQ codes and IVFPQ recall.

The two libraries draw their k-means initialisation and samples from different random
generators, so the codebooks differ; the thresholds bound the quality, not equality. The
reference runs in its own virtual environment (faiss_reference.py); skipped without it.
"""

import numpy as np

from faiss_reference import needs_reference, run_script_both

_SCRIPT = """
import sys, numpy as np, faiss
faiss.omp_set_num_threads(1)
rs = np.random.RandomState(5)
d = 32
centers = rs.normal(size=(100, d))
def draw(n):
    return (centers[rs.randint(100, size=n)] + 0.35 * rs.normal(size=(n, d))).astype("float32")
xt, xb, xq = draw(10000), draw(10000), draw(1000)
out = {}
pq = faiss.ProductQuantizer(d, 8, 8)
pq.train(xt)
rec = pq.decode(pq.compute_codes(xb))
out["pq_mse"] = np.array(((rec - xb) ** 2).sum(1).mean())
q = faiss.IndexFlatL2(d)
ivf = faiss.IndexIVFPQ(q, d, 32, 8, 8)
ivf.train(xt)
ivf.add(xb)
ivf.nprobe = 8
_, I = ivf.search(xq, 10)
flat = faiss.IndexFlatL2(d)
flat.add(xb)
_, gt = flat.search(xq, 1)
out["ivfpq_r10"] = np.array((I == gt).any(1).mean())
rec = ivf.sa_decode(ivf.sa_encode(xb))
out["ivfpq_mse"] = np.array(((rec - xb) ** 2).sum(1).mean())
np.savez(sys.argv[1], **out)
"""


@needs_reference
def test_pq_training_quality_matches_faiss(tmp_path):
    ours, theirs = run_script_both(tmp_path, _SCRIPT, timeout=600)
    # Measured (ours / faiss-cpu 1.15.1): PQ mse 2.185 / 2.193, IVFPQ mse 1.576 / 1.553,
    # R@10 0.781 / 0.788; a k-means that stops early or loses centroids shows several
    # percent more error.
    assert float(ours["pq_mse"]) <= 1.03 * float(theirs["pq_mse"])
    assert float(ours["ivfpq_mse"]) <= 1.03 * float(theirs["ivfpq_mse"])
    assert float(ours["ivfpq_r10"]) >= float(theirs["ivfpq_r10"]) - 0.03
