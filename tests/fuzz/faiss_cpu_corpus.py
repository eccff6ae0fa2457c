"""Writes seed files with the real Faiss (faiss-cpu, run from .venv-faiss) into the folder
given on the command line: tiny indexes of the types this library reads, so that the
corpus also holds bytes exactly as Faiss lays them out. Called by make_corpus.sh."""

import os
import sys

import faiss
import numpy as np


def data(n, d, seed):
    rng = np.random.default_rng(seed)
    centres = 4 * rng.standard_normal((3, d))
    return (centres[np.arange(n) % 3] + 0.3 * rng.standard_normal((n, d))).astype("float32")


def filled(index, n, seed, n_train=None):
    x = data(max(n, n_train or 0), index.d, seed)
    index.train(x)
    index.add(x[:n])
    return index


def main(out):
    faiss.omp_set_num_threads(1)
    cases = {
        "flat_ip": lambda: filled(faiss.IndexFlatIP(4), 3, 1),
        "idmap2": lambda: faiss.index_factory(3, "IDMap2,Flat"),
        "ivfpq": lambda: filled(faiss.index_factory(4, "IVF2,PQ2x2"), 12, 3),
        "ivfsq4_ip": lambda: filled(
            faiss.index_factory(3, "IVF2,SQ4", faiss.METRIC_INNER_PRODUCT), 8, 4),
        "hnsw_flat": lambda: filled(faiss.IndexHNSWFlat(3, 2), 8, 5),
        "hnsw_sq": lambda: filled(faiss.index_factory(4, "HNSW2,SQfp16"), 6, 6),
        "pca_ivfflat": lambda: filled(faiss.index_factory(4, "PCA2,IVF2,Flat"), 10, 7),
        "opq_pq": lambda: filled(faiss.index_factory(4, "OPQ2,PQ2x2"), 4, 8, n_train=300),
        "l2norm_sq8_refine": lambda: filled(faiss.index_factory(4, "L2norm,SQ8,RFlat"), 5, 9),
    }
    for name, make in cases.items():
        index = make()
        if name == "idmap2":
            x = data(3, 3, 2)
            index.add_with_ids(x, np.array([4, 9, 123456789], dtype="int64"))
        faiss.write_index(index, os.path.join(out, "faisscpu_" + name + ".faissindex"))


if __name__ == "__main__":
    main(sys.argv[1])
