"""Scalar-quantizer codes, trained ranges and search results against the real Faiss.

The reference runs in its own virtual environment (scripts/setup_faiss_venv.sh; both
packages import as `faiss`), found at FAISS_REF_VENV or <repo>/.venv-faiss. Skipped when
that environment is missing."""

import numpy as np

from faiss_reference import needs_reference, run_script_both

D_DIM = 37

# Runs with either package: writes codes, trained ranges and k-NN results per qtype.
_SCRIPT = r"""
import sys
import numpy as np
import faiss
rng = np.random.default_rng(1)
x = (rng.standard_normal((2000, %(d)d)) * 3).astype(np.float32)
xi = np.floor(rng.random((2000, %(d)d)) * 256).astype(np.float32)
out = {}
for qt in range(9):
    data = (xi - (128 if qt == 8 else 0)) if qt in (5, 8) else x
    sq = faiss.ScalarQuantizer(%(d)d, qt)
    sq.train(data)
    out["c%%d" %% qt] = sq.compute_codes(data)
    out["t%%d" %% qt] = np.array([sq.trained.at(i) for i in range(sq.trained.size())],
                                 dtype=np.float32)
    for m in (faiss.METRIC_L2, faiss.METRIC_INNER_PRODUCT):
        index = faiss.IndexScalarQuantizer(%(d)d, qt, m)
        index.train(data)
        index.add(data)
        D, I = index.search(data[:20] + 0.3, 5)
        out["D%%d_%%d" %% (qt, m)] = D
        out["I%%d_%%d" %% (qt, m)] = I
np.savez(sys.argv[1], **out)
""" % {"d": D_DIM}


@needs_reference
def test_codes_and_results_match_faiss(tmp_path):
    ours, theirs = run_script_both(tmp_path, _SCRIPT)
    assert sorted(theirs.files) == sorted(ours.files)
    for key in theirs.files:
        a, b = ours[key], theirs[key]
        assert a.shape == b.shape, key
        if key[0] in "ct":  # codes and trained ranges: identical
            np.testing.assert_array_equal(a, b, err_msg=key)
        elif key[0] == "D":
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-4, err_msg=key)
        else:  # ids: equal except for near-ties
            assert (a == b).mean() >= 0.97, key
