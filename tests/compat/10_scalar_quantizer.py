# IndexScalarQuantizer variants: memory and reconstruction error.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(10)
x = rng.standard_normal((4000, 32)).astype("float32")
out = {}
for name in ("QT_8bit", "QT_4bit", "QT_fp16", "QT_8bit_uniform", "QT_6bit"):
    index = faiss.IndexScalarQuantizer(32, getattr(faiss.ScalarQuantizer, name))
    index.train(x)
    index.add(x)
    recons = index.reconstruct_n(0, 4000)
    out[f"exact_{name}_code_size"] = index.sa_code_size()
    # Trained on min/max statistics: deterministic, so the codes are identical.
    out[f"exact_{name}_recons"] = recons[:20]
    out[f"max_{name}_err"] = ((recons - x) ** 2).sum() / (x ** 2).sum() * 100
np.savez(sys.argv[1], **out)
