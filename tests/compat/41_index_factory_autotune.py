# index_factory strings, search parameters set by name through ParameterSpace, and an
# auto-tuning run over nprobe (explore -> Pareto-optimal operating points).
import sys
import numpy as np
import faiss

rng = np.random.default_rng(41)
d = 32
centers = rng.standard_normal((50, d)).astype("float32") * 3
xb = (centers[rng.integers(0, 50, 5000)] + rng.standard_normal((5000, d))).astype("float32")
xq = (centers[rng.integers(0, 50, 100)] + rng.standard_normal((100, d))).astype("float32")
flat = faiss.IndexFlatL2(d)
flat.add(xb)
_, gt = flat.search(xq, 10)
recall = lambda I: np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I, gt)])
out = {}

index = faiss.index_factory(d, "IDMap,Flat")
index.add_with_ids(xb, np.arange(len(xb)) * 3)
out["exact_idmap"] = index.search(xq, 5)[1]

cosine = faiss.index_factory(d, "L2norm,Flat", faiss.METRIC_INNER_PRODUCT)
cosine.add(xb)
out["exact_cosine_D"], out["exact_cosine_I"] = cosine.search(xq, 5)

ps = faiss.ParameterSpace()
index = faiss.index_factory(d, "IVF64,Flat")
index.train(xb)
index.add(xb)
ps.set_index_parameters(index, "nprobe=64")
out["exact_ivf_every_list"] = index.search(xq, 10)[1]
ps.set_index_parameter(index, "nprobe", 4)
out["min_ivf_nprobe4"] = recall(index.search(xq, 10)[1])

cases = [("IVF64,SQ8", "nprobe=16"), ("IVF64,PQ16x4np", "nprobe=16"),
         ("PCA16,IVF64,Flat", "nprobe=16"), ("HNSW32", "efSearch=64"),
         ("IVF64_HNSW32,Flat", "nprobe=16,quantizer_efSearch=64"),
         ("IVF64,PQ8x4np,RFlat", "nprobe=16,k_factor_rf=8")]
for i, (desc, params) in enumerate(cases):
    index = faiss.index_factory(d, desc)
    index.train(xb)
    index.add(xb)
    ps.set_index_parameters(index, params)
    out["min_recall_%d" % i] = recall(index.search(xq, 10)[1])

index = faiss.index_factory(d, "IVF64,Flat")
index.train(xb)
index.add(xb)
crit = faiss.OneRecallAtRCriterion(len(xq), 1)
crit.set_groundtruth(None, gt)
ps = faiss.ParameterSpace()
ps.verbose = 0
ps.initialize(index)
out["exact_n_combinations"] = np.array(ps.n_combinations())
ops = ps.explore(index, xq, crit)
perfs = [ops.optimal_pts.at(i).perf for i in range(ops.optimal_pts.size())]
out["exact_front_sorted"] = np.array(perfs == sorted(perfs))
out["min_best_one_recall"] = max(perfs)
np.savez(sys.argv[1], **out)
