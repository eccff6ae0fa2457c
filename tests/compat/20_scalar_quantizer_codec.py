# The ScalarQuantizer object alone: train, compute_codes, decode (deterministic).
import sys
import numpy as np
import faiss

rng = np.random.default_rng(20)
x = rng.standard_normal((2000, 24)).astype("float32")
sq = faiss.ScalarQuantizer(24, faiss.ScalarQuantizer.QT_8bit)
sq.train(x)
codes = sq.compute_codes(x)
x2 = sq.decode(codes)
np.savez(sys.argv[1], exact_codes=codes[:50], exact_decoded=x2[:50],
         exact_trained=faiss.vector_to_array(sq.trained))
