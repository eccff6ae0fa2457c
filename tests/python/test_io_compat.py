"""Index files against the real Faiss (faiss-cpu, run in its own venv through
faiss_reference; skipped when it is absent): every index type that exists here is built
by faiss-cpu, saved, loaded by this package with the same search results, and saved again
byte for byte; and the other way round, files written here are loaded by faiss-cpu with
the same search results and the same bytes when faiss-cpu saves them again."""

import os
import subprocess

import numpy as np
import pytest

import faiss

from faiss_reference import REF_PYTHON, needs_reference

D = 16
K = 5

# name -> Python source building the index from xb (trained and filled); runs under both
# packages. `ids` are the add_with_ids ids.
BUILDERS = {
    "FlatL2": "faiss.IndexFlatL2(d)",
    "FlatIP": "faiss.IndexFlatIP(d)",
    "FlatL1": "faiss.IndexFlat(d, faiss.METRIC_L1)",
    "factory_Flat": "faiss.index_factory(d, 'Flat') if hasattr(faiss, 'index_factory') "
                    "else faiss.IndexFlat(d)",
    "IDMap": "faiss.IndexIDMap(faiss.IndexFlatL2(d))",
    "IDMap2": "faiss.IndexIDMap2(faiss.IndexFlatIP(d))",
    "PQ8": "faiss.IndexPQ(d, 4, 8)",
    "PQ4_IP": "faiss.IndexPQ(d, 8, 4, faiss.METRIC_INNER_PRODUCT)",
    "IVFFlat": "faiss.IndexIVFFlat(faiss.IndexFlatL2(d), d, 8)",
    "IVFFlat_IP_array": "faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, 8, "
                        "faiss.METRIC_INNER_PRODUCT)",
    "IVFFlat_hash": "faiss.IndexIVFFlat(faiss.IndexFlatL2(d), d, 8)",
    "IVFFlat_sparse": "faiss.IndexIVFFlat(faiss.IndexFlatL2(d), d, 64)",
    "IVFPQ": "faiss.IndexIVFPQ(faiss.IndexFlatL2(d), d, 8, 4, 8)",
    "IVFPQ_IP_4bit": "faiss.IndexIVFPQ(faiss.IndexFlatIP(d), d, 8, 8, 4, "
                     "faiss.METRIC_INNER_PRODUCT)",
    "IVFPQ_noresidual": "faiss.IndexIVFPQ(faiss.IndexFlatL2(d), d, 8, 4, 8)",
    "IVFSQ8": "faiss.IndexIVFScalarQuantizer(faiss.IndexFlatL2(d), d, 8, "
              "faiss.ScalarQuantizer.QT_8bit)",
    "IVFSQfp16_IP": "faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(d), d, 8, "
                    "faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)",
    "IVFSQ4_noresidual": "faiss.IndexIVFScalarQuantizer(faiss.IndexFlatL2(d), d, 8, "
                         "faiss.ScalarQuantizer.QT_4bit, faiss.METRIC_L2, False)",
    "RefineFlat": "faiss.IndexRefineFlat(faiss.IndexPQ(d, 4, 4))",
    "Refine_SQ": "faiss.IndexRefine(faiss.IndexPQ(d, 4, 4), "
                 "faiss.IndexScalarQuantizer(d, faiss.ScalarQuantizer.QT_8bit))",
    "PCA_Flat": "faiss.IndexPreTransform(faiss.PCAMatrix(d, 8), faiss.IndexFlatL2(8))",
    "PCAWR_IVFFlat": "faiss.IndexPreTransform(faiss.PCAMatrix(d, 8, -0.5, True), "
                     "faiss.IndexIVFFlat(faiss.IndexFlatL2(8), 8, 4))",
    "OPQ_IVFPQ": "faiss.IndexPreTransform(faiss.OPQMatrix(d, 4), "
                 "faiss.IndexIVFPQ(faiss.IndexFlatL2(d), d, 4, 4, 6))",
    "RR_FlatIP": "faiss.IndexPreTransform(faiss.RandomRotationMatrix(d, d), faiss.IndexFlatIP(d))",
    "Center_Norm_Remap": "chain([faiss.CenteringTransform(d), faiss.NormalizationTransform(d, 2.0), "
                         "faiss.RemapDimensionsTransform(d, d + 4, True)], "
                         "faiss.IndexFlatIP(d + 4))",
    "HNSWFlat": "faiss.IndexHNSWFlat(d, 16)",
    "HNSWFlat_IP": "faiss.IndexHNSWFlat(d, 8, faiss.METRIC_INNER_PRODUCT)",
    "HNSWSQ": "faiss.IndexHNSWSQ(d, faiss.ScalarQuantizer.QT_8bit, 16)",
    "HNSWPQ": "faiss.IndexHNSWPQ(d, 4, 16)",
    "IVF_HNSWq": "faiss.IndexIVFFlat(faiss.IndexHNSWFlat(d, 8), d, 16)",
    "ITQ_Flat": "faiss.IndexPreTransform(faiss.ITQTransform(d, 8, True), faiss.IndexFlatL2(8))",
    "HR_FlatIP": "faiss.IndexPreTransform(faiss.HadamardRotation(d, 7), faiss.IndexFlatIP(d))",
}
for _qt in range(9):
    BUILDERS["SQ%d" % _qt] = "faiss.IndexScalarQuantizer(d, %d)" % _qt

# Hashtable direct maps are written in hash-map order by Faiss: same content, other order.
UNORDERED = {"IVFFlat_hash"}

_SCRIPT = r'''
import os, sys, numpy as np, faiss
mode, folder = sys.argv[1], sys.argv[2]
data = np.load(os.path.join(folder, "data.npz"))
xb, xq, ids = data["xb"], data["xq"], data["ids"]
d = xb.shape[1]
BUILDERS = %r

def chain(transforms, sub):
    index = faiss.IndexPreTransform(sub)
    for vt in reversed(transforms):
        index.prepend_transform(vt)
    return index

def build(name):
    index = eval(BUILDERS[name])
    if name == "RefineFlat" or name == "Refine_SQ":
        index.k_factor = 2.0
    if name == "IVFPQ_noresidual":
        index.by_residual = False
    if name == "OPQ_IVFPQ":
        faiss.downcast_VectorTransform(index.chain.at(0)).niter = 8
    n = 40 if name == "IVFFlat_sparse" else len(xb)
    index.train(xb if name != "IVFFlat_sparse" else np.vstack([xb] * 2))
    if name.startswith("IDMap") or name == "IVFFlat_hash":
        index.add_with_ids(xb[:n], ids[:n])
    else:
        index.add(xb[:n])
    if name == "IVFFlat_hash":
        index.set_direct_map_type(faiss.DirectMap.Hashtable)
    if name == "IVFFlat_IP_array":
        index.make_direct_map()
    if hasattr(index, "nprobe"):
        index.nprobe = 3
    if hasattr(index, "hnsw"):
        # A wide beam: both libraries then find the exact neighbours of the graph's codes,
        # whatever the small differences of their search loops.
        index.hnsw.efSearch = 400
    if name == "IVF_HNSWq":
        index.nprobe = 16
        faiss.downcast_index(index.quantizer).hnsw.efSearch = 64
    return index

out = {}
for name in BUILDERS:
    path = os.path.join(folder, mode + "_" + name + ".index")
    if mode == "build":
        index = build(name)
        faiss.write_index(index, path)
    else:
        index = faiss.read_index(os.path.join(folder, "built_" + name + ".index"))
        out["type_" + name] = np.array(type(index).__name__)
        out["bytes_" + name] = faiss.serialize_index(index)
    D, I = index.search(xq, %d)
    out["D_" + name], out["I_" + name] = D, I
np.savez(os.path.join(folder, mode + "_results.npz"), **out)
'''


def _run(script_text, mode, folder, python):
    script = os.path.join(folder, "io_compat_%s.py" % mode)
    with open(script, "w") as f:
        f.write(script_text)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FAISS_PYTHON_DIR")}
    if python != REF_PYTHON:
        env["PYTHONPATH"] = os.path.dirname(os.path.dirname(faiss.__file__))
    subprocess.run([python, script, mode, folder], check=True, env=env, timeout=300)
    return np.load(os.path.join(folder, mode + "_results.npz"))


def _data(folder):
    rs = np.random.RandomState(7)
    centers = 4 * rs.normal(size=(10, D))
    xb = (rs.normal(size=(800, D)) + centers[rs.randint(10, size=800)]).astype("float32")
    xq = (xb[:20] + 0.2 * rs.normal(size=(20, D))).astype("float32")
    ids = (np.arange(len(xb), dtype="int64") * 7 + 1000)
    np.savez(os.path.join(folder, "data.npz"), xb=xb, xq=xq, ids=ids)
    return xq


def _same_results(name, D1, I1, D2, I2):
    """Same neighbours; distances equal up to the rounding of each library's kernels
    (faiss-cpu computes batched L2 through ||x||^2 + ||y||^2 - 2<x, y>). Results with
    equal distances (frequent with few-bit codes) may come in another order."""
    # Missing results: label -1; faiss-cpu pads IVF distances with +-FLT_MAX, we with inf.
    finite = I1 >= 0
    np.testing.assert_array_equal(finite, I2 >= 0, err_msg=name)
    scale = float(np.abs(D1[finite]).max()) if finite.any() else 1.0
    np.testing.assert_allclose(D1[finite], D2[finite], rtol=1e-4, atol=5e-5 * scale,
                               err_msg=name)
    tol = 1e-4 * scale
    for r in range(I1.shape[0]):
        for j in np.nonzero(I1[r] != I2[r])[0]:
            tied = np.abs(D1[r] - D1[r, j]) <= tol
            at_cut = abs(D1[r, j] - D1[r, -1]) <= tol
            assert I2[r, j] in I1[r][tied] or at_cut, \
                f"{name}: row {r} rank {j}: {I2[r, j]} vs {I1[r, j]} (not a tie)"


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    return tmp_path_factory.mktemp("theirs"), tmp_path_factory.mktemp("ours")


@needs_reference
def test_files_written_by_faiss_cpu(folders):
    """faiss-cpu builds and saves; we load (concrete class), search the same, re-save the
    same bytes."""
    folder = str(folders[0])
    xq = _data(folder)
    script = _SCRIPT % (BUILDERS, K)
    theirs = _run(script, "build", folder, REF_PYTHON)
    for name in BUILDERS:
        path = os.path.join(folder, "build_" + name + ".index")
        index = faiss.read_index(path)
        assert type(index) is not faiss.Index, name
        D, I = index.search(xq, K)
        _same_results(name, theirs["D_" + name], theirs["I_" + name], D, I)
        if name not in UNORDERED:
            with open(path, "rb") as f:
                assert faiss.serialize_index(index).tobytes() == f.read(), name


@needs_reference
def test_files_read_by_faiss_cpu(folders):
    """We build and save; faiss-cpu loads them with the same search results and saves the
    same bytes again."""
    folder = str(folders[1])
    _data(folder)
    script = _SCRIPT % (BUILDERS, K)
    ours = _run(script, "build", folder, _our_python())
    for name in BUILDERS:
        os.replace(os.path.join(folder, "build_" + name + ".index"),
                   os.path.join(folder, "built_" + name + ".index"))
    theirs = _run(script, "load", folder, REF_PYTHON)
    for name in BUILDERS:
        _same_results(name, ours["D_" + name], ours["I_" + name],
                      theirs["D_" + name], theirs["I_" + name])
        if name not in UNORDERED:
            with open(os.path.join(folder, "built_" + name + ".index"), "rb") as f:
                assert theirs["bytes_" + name].tobytes() == f.read(), name


def _our_python():
    import sys
    return sys.executable
