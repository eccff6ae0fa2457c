"""faiss.index_factory, faiss.reverse_index_factory and faiss.ParameterSpace from Python:
concrete classes come back, parameters reach nested indexes, explore returns operating
points, bad strings raise RuntimeError naming the token. The compatibility test gives the
same strings to faiss-cpu (skipped without the reference venv): same classes, recall
within 0.01 on the same data."""

import numpy as np
import pytest

import faiss

from faiss_reference import needs_reference, run_script_both


def _data(nb=1500, nq=40, d=32, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((30, d)).astype(np.float32) * 3
    xb = (centers[rng.integers(0, 30, nb)] + rng.standard_normal((nb, d))).astype(np.float32)
    xq = (centers[rng.integers(0, 30, nq)] + rng.standard_normal((nq, d))).astype(np.float32)
    return xb, xq


@pytest.mark.parametrize("desc, cls", [
    ("Flat", faiss.IndexFlat),
    ("PQ8", faiss.IndexPQ),
    ("SQ8", faiss.IndexScalarQuantizer),
    ("IVF16,Flat", faiss.IndexIVFFlat),
    ("IVF16,PQ8x4np", faiss.IndexIVFPQ),
    ("IVF16,SQfp16", faiss.IndexIVFScalarQuantizer),
    ("IDMap,Flat", faiss.IndexIDMap),
    ("Flat,IDMap2", faiss.IndexIDMap2),
    ("IVF16,Flat,RFlat", faiss.IndexRefineFlat),
    ("IVF16,PQ8,Refine(SQ8)", faiss.IndexRefine),
    ("PCA16,IVF16,Flat", faiss.IndexPreTransform),
    ("L2norm,OPQ8_16,IVF16,PQ8", faiss.IndexPreTransform),
    ("HNSW16", faiss.IndexHNSWFlat),
    ("HNSW16_SQ8", faiss.IndexHNSWSQ),
    ("IVF16_HNSW16,Flat", faiss.IndexIVFFlat),
])
def test_factory_returns_concrete_class_and_round_trips(desc, cls):
    index = faiss.index_factory(32, desc)
    assert type(index) is cls
    assert index.d == 32
    back = faiss.reverse_index_factory(index)
    again = faiss.index_factory(32, back, faiss.METRIC_INNER_PRODUCT)
    assert type(again) is cls
    assert again.metric_type == faiss.METRIC_INNER_PRODUCT
    assert faiss.reverse_index_factory(again) == back


def test_factory_index_works_and_sub_indexes_are_typed():
    xb, xq = _data()
    index = faiss.index_factory(32, "IVF16,SQ8,RFlat")
    assert type(index.base_index) is faiss.IndexIVFScalarQuantizer
    assert type(index.base_index.quantizer) is faiss.IndexFlat
    assert index.base_index.sq.qtype == faiss.ScalarQuantizer.QT_8bit
    index.train(xb)
    index.add(xb)
    faiss.ParameterSpace().set_index_parameters(index, "nprobe=16,k_factor_rf=4")
    assert index.base_index.nprobe == 16 and index.k_factor == 4
    D, I = index.search(xq, 5)
    Dref, Iref = faiss.knn(xq, xb, 5)
    assert (I == Iref).mean() > 0.99
    assert faiss.index_factory(8, "PQ4x4", metric=faiss.METRIC_INNER_PRODUCT).pq.nbits == 4


def test_factory_errors_name_the_token():
    with pytest.raises(RuntimeError, match="'IVFX' at position 0"):
        faiss.index_factory(32, "IVFX,Flat")
    with pytest.raises(RuntimeError, match="'PQ5' at position 6: 5 does not divide d=32"):
        faiss.index_factory(32, "IVF16,PQ5")
    with pytest.raises(RuntimeError, match="unsupported"):
        faiss.index_factory(32, "IVF16,PQ8x4fs")


def test_parameter_space_nested_and_errors():
    index = faiss.index_factory(16, "IDMap,IVF32,Flat")
    ps = faiss.ParameterSpace()
    ps.set_index_parameter(index, "nprobe", 9)
    assert faiss.extract_index_ivf(index).nprobe == 9
    with pytest.raises(RuntimeError, match="could not set parameter 'nprob'"):
        ps.set_index_parameter(index, "nprob", 3)
    with pytest.raises(RuntimeError, match="expected name=value"):
        ps.set_index_parameters(index, "nprobe")
    ps.initialize(index)
    assert ps.n_combinations() == 5
    assert ps.parameter_ranges.at(0).name == "nprobe"
    assert list(faiss.vector_to_array(ps.parameter_ranges.at(0).values)) == [1, 2, 4, 8, 16]


def test_explore_returns_pareto_front():
    xb, xq = _data(nq=30, d=16)
    index = faiss.index_factory(16, "IVF32,Flat")
    index.train(xb)
    index.add(xb)
    _, gt = faiss.knn(xq, xb, 10)
    crit = faiss.OneRecallAtRCriterion(len(xq), 1)
    crit.set_groundtruth(None, gt)
    ps = faiss.ParameterSpace()
    ps.verbose = 0
    ps.initialize(index)
    ops = ps.explore(index, xq, crit)
    assert ops.all_pts.size() >= 2
    perfs = [ops.optimal_pts.at(i).perf for i in range(ops.optimal_pts.size())]
    assert perfs == sorted(perfs)
    assert perfs[-1] >= 0.95
    with pytest.raises(ValueError):
        ps.explore(index, xq[:5], crit)
    D, I = index.search(xq, 1)
    assert 0 <= crit.evaluate(D, I) <= 1


_COMPAT_STRINGS = ["Flat", "SQ8", "SQfp16", "SQ4", "PQ16x4np", "IVF16,Flat", "IVF16,SQ8",
                   "IVF16,SQfp16", "IVF16,PQ16x4np", "IDMap,Flat", "IVF16,Flat,IDMap2",
                   "IVF16,PQ8x4np,RFlat", "IVF16,PQ8x4np,Refine(SQfp16)",
                   "PCA16,IVF16,Flat", "L2norm,IVF16,SQ8", "RR32,Flat", "PCAR24,Flat",
                   "HNSW16", "HNSW16_SQ8", "IVF16_HNSW16,Flat", "HNSW16_PQ8x4np"]

# The same strings under faiss-cpu and this package: class names, and recall@10 against
# exact search on the same data. IVF indexes probe every list, so only the codecs (and
# rounding inside k-means, for PQ) differ.
_COMPAT_SCRIPT = r"""
import sys
import numpy as np
import faiss
faiss.omp_set_num_threads(1)
rng = np.random.default_rng(7)
d = 32
centers = rng.standard_normal((40, d)).astype(np.float32) * 3
xb = (centers[rng.integers(0, 40, 3000)] + rng.standard_normal((3000, d))).astype(np.float32)
xq = (centers[rng.integers(0, 40, 500)] + rng.standard_normal((500, d))).astype(np.float32)
exact = faiss.IndexFlatL2(d)
exact.add(xb)
_, gt = exact.search(xq, 10)
out = {}
strings = STRINGS
for i, s in enumerate(strings):
    index = faiss.index_factory(d, s)
    names = [type(index).__name__]
    inner = index
    for field in ("index", "base_index"):  # IDMap, PreTransform / Refine
        if hasattr(inner, field):
            inner = faiss.downcast_index(getattr(inner, field))
            names.append(type(inner).__name__)
    params = []
    if "IVF" in s:
        params.append("nprobe=16")
    if "RFlat" in s or "Refine" in s:
        params.append("k_factor_rf=4")
    if "HNSW" in s:
        params.append("quantizer_efSearch=64" if "IVF" in s else "efSearch=64")
    faiss.ParameterSpace().set_index_parameters(index, ",".join(params))
    index.train(xb)
    if "IDMap" in s:
        index.add_with_ids(xb, np.arange(len(xb)))
    else:
        index.add(xb)
    _, I = index.search(xq, 10)
    recall = np.mean([len(set(I[q]) & set(gt[q])) / 10 for q in range(len(xq))])
    out["names%d" % i] = np.array("/".join(names))
    out["recall%d" % i] = np.array(recall)
np.savez(sys.argv[1], **out)
"""


@needs_reference
def test_factory_matches_faiss(tmp_path):
    script = _COMPAT_SCRIPT.replace("STRINGS", repr(_COMPAT_STRINGS))
    ours, theirs = run_script_both(tmp_path, script, timeout=300)
    n = len([f for f in theirs.files if f.startswith("names")])
    assert n == len(_COMPAT_STRINGS)
    for i in range(n):
        assert str(ours["names%d" % i]) == str(theirs["names%d" % i])
        # k-means samples and initialises from the same points as Faiss for the same
        # seed, so PQ codebooks match too (one codebook draw with other initial points
        # moved recall by 0.013 here: PQ16x4np 0.427 vs 0.440 before).
        assert abs(float(ours["recall%d" % i]) - float(theirs["recall%d" % i])) <= 0.01, (
            _COMPAT_STRINGS[i], float(ours["recall%d" % i]), float(theirs["recall%d" % i]))


# Which strings parse, and to which class: the same under both, including the ones
# Faiss rejects (spaces, lower case, missing numbers, trailing junk).
_PARSE_STRINGS = [
    "Flat", "FlatIP", "IDMap,Flat", "Flat,IDMap", "IDMap2,Flat", "IDMap,IDMap2,Flat", "PQ8",
    "PQ8x4", "PQ8np", "PQ8x4np", "PQ8x", "PQ8xnp", "SQ4", "SQ6", "SQ8", "SQfp16", "SQbf16",
    "SQ8_direct", "SQ8_direct_signed", "SQ16", "SQ", "IVF16,Flat", "IVF16k,Flat", "IVF1M,Flat",
    "IVF16K,Flat", "IVF16,PQ8", "IVF16,PQ8x4", "IVF16,SQfp16", "IVF16_HNSW,Flat",
    "IVF16_HNSW16,Flat", "IVF16(SQ8),Flat", "IVF16,Flat,RFlat", "IVF16,Flat,Refine(Flat)",
    "IVF16,Flat,Refine(SQ8),IDMap", "PCA16,Flat", "PCAWR16,Flat", "PCA,Flat", "OPQ8,Flat",
    "OPQ8_16,IVF16,PQ8", "RR,Flat", "RR16,Flat", "L2norm,Flat", "L2Norm,Flat", "l2norm,Flat",
    "HNSW", "HNSW16,Flat", "HNSW16_SQ8", "HNSW16,PQ8x4", "HNSW16_PQ8np", "IVF16",
    "HNSW16,IVF16,Flat", "Flat,Flat", "PQ", "IVF,Flat", " Flat", "Flat ", "IVF16, Flat",
    "PCA16,L2norm,IVF16,Flat", "IDMap,PCA16,Flat", "PCA16,IDMap,Flat", "Flat,RFlat,RFlat",
    "RFlat"]

_PARSE_SCRIPT = r"""
import sys
import numpy as np
import faiss
out = []
for s in STRINGS:
    try:
        out.append(type(faiss.index_factory(32, s)).__name__)
    except RuntimeError:
        out.append("error")
np.savez(sys.argv[1], classes=np.array(out))
"""


@needs_reference
def test_factory_accepts_and_rejects_like_faiss(tmp_path):
    script = _PARSE_SCRIPT.replace("STRINGS", repr(_PARSE_STRINGS))
    ours, theirs = run_script_both(tmp_path, script)
    for s, a, b in zip(_PARSE_STRINGS, ours["classes"], theirs["classes"]):
        assert str(a) == str(b), (s, str(a), str(b))
