"""Faiss programs run unchanged (tests/compat/*.py): each runs under faiss-cpu and under
this package, and what they save must agree (rules in tests/compat/README.md)."""

import glob
import os

import numpy as np
import pytest

from faiss_reference import needs_reference, run_script_both

_REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
_PROGRAMS = sorted(glob.glob(os.path.join(_REPO, "tests", "compat", "*.py")))


def test_there_are_compat_programs():
    assert len(_PROGRAMS) >= 30


def _compare(name, ours, theirs):
    if name.startswith("exact_"):
        if ours.dtype.kind in "fc":
            assert ours.shape == theirs.shape, name
            scale = max(1.0, float(np.abs(theirs).max(initial=0)))
            np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5 * scale, err_msg=name)
        else:
            np.testing.assert_array_equal(ours, theirs, err_msg=name)
    else:
        a, b = float(ours), float(theirs)
        tol = 0.03 * max(1.0, abs(b))
        message = f"{name}: ours {a:.4f}, faiss {b:.4f}"
        if name.startswith("approx_"):
            assert abs(a - b) <= tol, message
        elif name.startswith("min_"):
            assert a >= b - tol, message
        elif name.startswith("max_"):
            assert a <= b + tol, message
        else:
            raise AssertionError(f"result {name!r} must be named exact_, approx_, min_ or max_")


@needs_reference
@pytest.mark.parametrize("program", _PROGRAMS, ids=os.path.basename)
def test_program_matches_faiss(tmp_path, program):
    with open(program) as f:
        text = f.read()
    ours, theirs = run_script_both(tmp_path, text, timeout=300)
    assert sorted(ours.files) == sorted(theirs.files)
    assert ours.files, "the program saved nothing"
    for name in theirs.files:
        _compare(name, ours[name], theirs[name])
