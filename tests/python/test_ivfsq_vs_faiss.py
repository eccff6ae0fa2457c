"""IndexIVFScalarQuantizer against the real Faiss: with the same coarse centroids, the
trained ranges (learnt on residuals), the standalone codes (list number + SQ code) and the
search results must agree.

The reference runs in its own virtual environment (scripts/setup_faiss_venv.sh; both
packages import as `faiss`), found at FAISS_REF_VENV or <repo>/.venv-faiss. Skipped when
that environment is missing."""

import numpy as np

from faiss_reference import needs_reference, run_script_both


# Runs with either package. Centroids are given (the first nlist vectors), so no k-means
# differences enter.
_SCRIPT = r"""
import sys
import numpy as np
import faiss
d, nlist = 24, 16
rng = np.random.default_rng(3)
centers = rng.standard_normal((12, d)).astype(np.float32) * 4
x = (centers[rng.integers(0, 12, 3000)] + rng.standard_normal((3000, d))).astype(np.float32)
xq = x[:25] + 0.2
out = {}
for qt in (0, 1, 4):
    for m in (faiss.METRIC_L2, faiss.METRIC_INNER_PRODUCT):
        for res in (True, False):
            quantizer = faiss.IndexFlat(d, m)
            quantizer.add(x[:nlist])
            index = faiss.IndexIVFScalarQuantizer(quantizer, d, nlist, qt, m, res)
            index.train(x)
            index.add(x)
            index.nprobe = 4
            key = "%d_%d_%d" % (qt, m, res)
            D, I = index.search(xq, 10)
            out["D" + key], out["I" + key] = D, I
            out["t" + key] = np.array([index.sq.trained.at(i)
                                       for i in range(index.sq.trained.size())],
                                      dtype=np.float32)
            out["c" + key] = index.sa_encode(x[:200])
            out["r" + key] = index.sa_decode(out["c" + key])
np.savez(sys.argv[1], **out)
"""


@needs_reference
def test_ivfsq_matches_faiss(tmp_path):
    ours, theirs = run_script_both(tmp_path, _SCRIPT)
    assert sorted(theirs.files) == sorted(ours.files)
    for key in theirs.files:
        a, b = ours[key], theirs[key]
        assert a.shape == b.shape, key
        if key[0] in "ct":  # standalone codes and trained ranges: identical
            np.testing.assert_array_equal(a, b, err_msg=key)
        elif key[0] in "Dr":
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-4, err_msg=key)
        else:  # ids: equal except for near-ties
            assert (a == b).mean() >= 0.97, key
