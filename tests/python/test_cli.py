"""faiss-cli end to end against the Python API (issue 8 acceptance): build an index from a
bf16 .safetensors file and from an fp16 .npy file, search it with a ground truth, and the
recall the tool prints must equal the recall of the same index built and searched through
the Python API on the same decoded vectors (and the result ids must be identical).

The tool is build/tools/faiss-cli next to the package under test (FAISS_PYTHON_DIR's
parent, else FAISS_BUILD_DIR, else <repo>/build); the tests skip when it is not built.
"""

import json
import os
import re
import struct
import subprocess

import numpy as np
import pytest

import faiss

_REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def _cli_path():
    candidates = []
    if os.environ.get("FAISS_PYTHON_DIR"):
        candidates.append(os.path.join(os.environ["FAISS_PYTHON_DIR"], "..", "tools"))
    candidates.append(os.path.join(os.environ.get("FAISS_BUILD_DIR", os.path.join(_REPO, "build")),
                                   "tools"))
    for folder in candidates:
        path = os.path.abspath(os.path.join(folder, "faiss-cli"))
        if os.access(path, os.X_OK):
            return path
    return None


CLI = _cli_path()
pytestmark = pytest.mark.skipif(CLI is None, reason="faiss-cli is not built")

THREADS = 2  # the same thread count on both sides, so training sees the same work split


def run_cli(*args):
    result = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


def clustered(rng, n, d, centres):
    return (centres[rng.integers(0, len(centres), n)] +
            1.5 * rng.standard_normal((n, d))).astype(np.float32)


def to_bf16_bits(x):
    """float32 -> bfloat16 bit patterns, rounded to nearest even (as model exporters do)."""
    u = x.view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def from_bf16_bits(b):
    return (b.astype(np.uint32) << 16).view(np.float32)


def write_safetensors(path, name, dtype, shape, data):
    header = json.dumps({name: {"dtype": dtype, "shape": list(shape),
                                "data_offsets": [0, len(data)]}}).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + data)


def printed_recalls(out):
    return {int(r): float(v) for r, v in re.findall(r"1-recall@(\d+) = ([0-9.]+)", out)}


def check_cli_matches_python_api(tmp_path, base_file, decoded, xq, factory, metric, params,
                                 extra=()):
    k = 10
    d = decoded.shape[1]
    exact = faiss.IndexFlatL2(d) if metric == "l2" else faiss.IndexFlatIP(d)
    exact.add(decoded)
    _, gt = exact.search(xq, k)
    np.save(tmp_path / "gt.npy", gt.astype(np.int64))
    np.save(tmp_path / "q.npy", xq)

    index_file = str(tmp_path / "cli.index")
    run_cli("build", "--base", str(base_file), *extra, "--factory", factory, "--metric", metric,
            "--threads", str(THREADS), "--output", index_file)
    out = run_cli("search", "--index", index_file, "--queries", str(tmp_path / "q.npy"), "--k",
                  str(k), "--params", params, "--gt", str(tmp_path / "gt.npy"), "--threads",
                  str(THREADS), "--output", str(tmp_path / "res.npy"))
    printed = printed_recalls(out)
    assert set(printed) == {1, 10}, out

    # The same steps through the Python API.
    saved = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(THREADS)
    try:
        metric_type = faiss.METRIC_L2 if metric == "l2" else faiss.METRIC_INNER_PRODUCT
        index = faiss.index_factory(d, factory, metric_type)
        index.train(decoded)
        index.add(decoded)
        faiss.ParameterSpace().set_index_parameters(index, params)
        _, I = index.search(xq, k)
    finally:
        faiss.omp_set_num_threads(saved)
    for r in (1, 10):
        api_recall = float(np.mean([gt[i, 0] in I[i, :r] for i in range(len(xq))]))
        assert printed[r] == round(api_recall, 4), (r, printed[r], api_recall, out)
    np.testing.assert_array_equal(np.load(tmp_path / "res.npy"), I)
    assert printed[10] > 0.5  # the indexes work at all: equal recalls of 0 prove nothing
    return printed


def test_bf16_safetensors_matches_python_api(tmp_path):
    rng = np.random.default_rng(11)
    d, nb, nq = 64, 4000, 60
    centres = rng.standard_normal((40, d)).astype(np.float32)
    bits = to_bf16_bits(clustered(rng, nb, d, centres))
    write_safetensors(tmp_path / "emb.safetensors", "embeddings", "BF16", bits.shape,
                      bits.tobytes())
    xq = clustered(rng, nq, d, centres)
    check_cli_matches_python_api(tmp_path, tmp_path / "emb.safetensors", from_bf16_bits(bits),
                                 xq, "IVF32,Flat", "ip", "nprobe=2",
                                 extra=("--tensor", "embeddings"))


def test_fp16_npy_matches_python_api(tmp_path):
    rng = np.random.default_rng(12)
    d, nb, nq = 48, 3000, 60
    centres = rng.standard_normal((30, d)).astype(np.float32)
    half = clustered(rng, nb, d, centres).astype(np.float16)
    np.save(tmp_path / "emb.npy", half)
    xq = clustered(rng, nq, d, centres)
    check_cli_matches_python_api(tmp_path, tmp_path / "emb.npy", half.astype(np.float32), xq,
                                 "IVF16,SQ8", "l2", "nprobe=2")
