"""IndexPQ codes and search results against the real Faiss (faiss-cpu).

The reference runs in its own virtual environment (scripts/setup_faiss_venv.sh; both
packages import as `faiss`): FAISS_REF_VENV, else <repo>/.venv-faiss. Skipped when it is
absent. Both sides get the same centroids, so the codes must be byte-identical (this pins
the LSB-first bit packing) and the searches must agree.
"""

import os
import subprocess

import numpy as np

import faiss

from faiss_reference import REF_PYTHON, needs_reference


CASES = [(8, 8), (16, 4), (8, 5), (4, 12), (32, 1), (2, 16), (8, 3)]
D_DIM = 32

_REF_SCRIPT = """
import sys, numpy as np, faiss
data = np.load(sys.argv[1])
xb, xq = data["xb"], data["xq"]
out = {}
for M, nbits in %r:
    cent = data["cent_%%d_%%d" %% (M, nbits)]
    index = faiss.IndexPQ(xb.shape[1], M, nbits)
    faiss.copy_array_to_vector(cent.ravel(), index.pq.centroids)
    index.is_trained = True
    index.add(xb)
    D, I = index.search(xq, 10)
    out["codes_%%d_%%d" %% (M, nbits)] = faiss.vector_to_array(index.codes)
    out["D_%%d_%%d" %% (M, nbits)] = D
    out["I_%%d_%%d" %% (M, nbits)] = I
np.savez(sys.argv[2], **out)
""" % (CASES,)


@needs_reference
def test_pq_codes_and_search_match_faiss(tmp_path):
    rs = np.random.RandomState(123)
    centers = 3 * rs.normal(size=(20, D_DIM))
    xb = (rs.normal(size=(3000, D_DIM)) + centers[rs.randint(20, size=3000)]).astype("float32")
    xq = (xb[:40] + 0.1 * rs.normal(size=(40, D_DIM))).astype("float32")
    arrays = {"xb": xb, "xq": xq}
    for M, nbits in CASES:
        arrays["cent_%d_%d" % (M, nbits)] = (
            3 * rs.normal(size=(M, 1 << nbits, D_DIM // M))).astype("float32")
    np.savez(tmp_path / "in.npz", **arrays)
    script = tmp_path / "ref.py"
    script.write_text(_REF_SCRIPT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FAISS_PYTHON_DIR")}
    subprocess.run([REF_PYTHON, str(script), str(tmp_path / "in.npz"), str(tmp_path / "out.npz")],
                   check=True, env=env, timeout=300)
    ref = np.load(tmp_path / "out.npz")
    for M, nbits in CASES:
        tag = "%d_%d" % (M, nbits)
        index = faiss.IndexPQ(D_DIM, M, nbits)
        faiss.copy_array_to_vector(arrays["cent_" + tag].ravel(), index.pq.centroids)
        index.is_trained = True
        index.add(xb)
        np.testing.assert_array_equal(faiss.vector_to_array(index.codes), ref["codes_" + tag],
                                      err_msg=tag)
        D, I = index.search(xq, 10)
        np.testing.assert_allclose(D, ref["D_" + tag], rtol=1e-5, atol=1e-4, err_msg=tag)
        # Labels may differ only where distances tie.
        same = I == ref["I_" + tag]
        assert same.mean() > 0.99, tag
