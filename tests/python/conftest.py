"""pytest set-up for the Python package tests.

The package under test is, in order: the folder named by FAISS_PYTHON_DIR, the build
tree's package (<repo>/build/python, or FAISS_BUILD_DIR/python), else an installed faiss.
"""

import os
import sys

import numpy as np
import pytest

_REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def _package_dir():
    explicit = os.environ.get("FAISS_PYTHON_DIR")
    if explicit:
        return explicit
    build = os.environ.get("FAISS_BUILD_DIR", os.path.join(_REPO, "build"))
    candidate = os.path.join(build, "python")
    if os.path.exists(os.path.join(candidate, "faiss", "__init__.py")):
        return candidate
    return None


_DIR = _package_dir()
if _DIR:
    sys.path.insert(0, _DIR)

import faiss  # noqa: E402


def pytest_report_header(config):
    return (f"faiss package: {os.path.dirname(faiss.__file__)} (version {faiss.__version__}, "
            f"SIMD {faiss.simd_level_name()}, {faiss.omp_get_max_threads()} OpenMP threads)")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def make_data(rng, n, d, dtype=np.float32):
    return rng.standard_normal((n, d)).astype(dtype)
