"""numpy-facing methods attached to the SWIG classes, with Faiss's call shapes.

SWIG wraps the C++ pointer API: index.search(n, x_ptr, k, D_ptr, I_ptr, params). For every
method replaced here, that original stays reachable with the suffix _c (index.search_c),
and the replacement takes and returns numpy arrays:
    D, I = index.search(x, k)

16-bit inputs (numpy.float16, ml_dtypes.bfloat16) to train / add / add_with_ids / search
/ range_search / assign go to the C++ entry points of python_support.h, which convert
them block by block; other methods convert them to float32 first.
"""

import numpy as np

from . import _validation as check
from . import swigfaiss
from .swigfaiss import swig_ptr, rev_swig_ptr


def _replace_method(cls, name, replacement):
    """Install replacement as cls.name and keep the SWIG method as cls.name_c. Only where
    cls itself defines the method: subclasses that inherit it get the parent's
    replacement through inheritance."""
    original = cls.__dict__.get(name)
    if original is None:
        return
    setattr(cls, name + "_c", original)
    replacement.__name__ = name
    replacement.__qualname__ = f"{cls.__name__}.{name}"
    setattr(cls, name, replacement)


def _keep_referenced(obj, field, value):
    """Keep value alive as long as obj: C++ holds a raw pointer to it."""
    refs = obj.__dict__.setdefault("_faiss_refs", {})
    refs[field] = value


def _keep_ref_on_set(cls, field):
    """Make `obj.field = value` also keep value alive (the C++ field is a raw pointer)."""
    prop = cls.__dict__.get(field)
    if not isinstance(prop, property) or prop.fset is None:
        return
    swig_set = prop.fset

    def fset(self, value):
        swig_set(self, value)
        _keep_referenced(self, field, value)

    setattr(cls, field, property(prop.fget, fset, prop.fdel, prop.__doc__))


# ---------------------------------------------------------------------------------
# Index


def _index_train(self, x):
    """Train the index on x, shape (n, d). 16-bit inputs are converted in C++."""
    x, kind = check.vectors(x, self.d)
    if kind is None:
        self.train_c(x.shape[0], swig_ptr(x))
    else:
        swigfaiss.index_train_16bit(self, x.shape[0], swig_ptr(check.bits16(x)), kind)


def _index_add(self, x):
    """Add the vectors x, shape (n, d); they get ids ntotal .. ntotal + n - 1."""
    x, kind = check.vectors(x, self.d)
    if kind is None:
        self.add_c(x.shape[0], swig_ptr(x))
    else:
        swigfaiss.index_add_16bit(self, x.shape[0], swig_ptr(check.bits16(x)), kind)


def _index_add_with_ids(self, x, ids):
    """Add the vectors x, shape (n, d), with the int64 ids of shape (n,)."""
    x, kind = check.vectors(x, self.d)
    ids = check.ids(ids, x.shape[0])
    if kind is None:
        self.add_with_ids_c(x.shape[0], swig_ptr(x), swig_ptr(ids))
    else:
        swigfaiss.index_add_16bit(self, x.shape[0], swig_ptr(check.bits16(x)), kind,
                                  swig_ptr(ids))


def _search_into(index, x, kind, k, D, I, params):
    if kind is None:
        index.search_c(x.shape[0], swig_ptr(x), k, swig_ptr(D), swig_ptr(I), params)
    else:
        swigfaiss.index_search_16bit(index, x.shape[0], swig_ptr(check.bits16(x)), kind,
                                     k, swig_ptr(D), swig_ptr(I), params)


def _index_search(self, x, k, params=None, D=None, I=None):
    """k nearest neighbours of the queries x, shape (n, d).

    Returns D (n, k) float32 distances and I (n, k) int64 labels, best first; missing
    results are label -1 with distance +inf (-inf for inner product). D and I may be
    preallocated arrays of exactly that shape and dtype. params: SearchParameters.
    """
    x, kind = check.vectors(x, self.d)
    k = check.positive_int(k, "k")
    n = x.shape[0]
    D = check.output(D, (n, k), np.float32, "D")
    I = check.output(I, (n, k), np.int64, "I")
    _search_into(self, x, kind, k, D, I, params)
    return D, I


def _index_assign(self, x, k=1, labels=None):
    """Labels (n, k) int64 of the k nearest neighbours of x; distances dropped."""
    x, kind = check.vectors(x, self.d)
    k = check.positive_int(k, "k")
    n = x.shape[0]
    labels = check.output(labels, (n, k), np.int64, "labels")
    if kind is None:
        self.assign_c(n, swig_ptr(x), swig_ptr(labels), k)
    else:
        D = np.empty((n, k), dtype=np.float32)
        _search_into(self, x, kind, k, D, labels, None)
    return labels


def _index_range_search(self, x, thresh, params=None):
    """All neighbours within thresh of the queries x, shape (n, d).

    Returns lims (n + 1,) uint64, D float32 and I int64: the results of query i are
    D[lims[i]:lims[i+1]] and I[lims[i]:lims[i+1]]. L2: distance < thresh; inner
    product: similarity > thresh.
    """
    x, kind = check.vectors(x, self.d)
    n = x.shape[0]
    thresh = float(thresh)
    res = swigfaiss.RangeSearchResult(n)
    if kind is None:
        self.range_search_c(n, swig_ptr(x), thresh, res, params)
    else:
        swigfaiss.index_range_search_16bit(self, n, swig_ptr(check.bits16(x)), kind,
                                           thresh, res, params)
    lims = rev_swig_ptr(res.lims, n + 1).copy()
    total = int(lims[-1])
    D = rev_swig_ptr(res.distances, total).copy()
    I = rev_swig_ptr(res.labels, total).copy()
    return lims, D, I


def _index_remove_ids(self, x):
    """Remove the vectors whose id is in x (1-D int64 array) or that the IDSelector x
    accepts. Returns the number of vectors removed."""
    if isinstance(x, swigfaiss.IDSelector):
        sel = x
    else:
        ids = check.ids(x, None, "ids")
        sel = swigfaiss.IDSelectorBatch(ids.size, swig_ptr(ids))
    return self.remove_ids_c(sel)


def _index_reconstruct(self, key, x=None):
    """The stored vector with id key, shape (d,) float32."""
    key = check.integer(key, "key")
    x = check.output(x, (self.d,), np.float32, "x")
    self.reconstruct_c(key, swig_ptr(x))
    return x


def _index_reconstruct_n(self, n0=0, ni=-1, x=None):
    """Vectors n0 .. n0 + ni - 1 (ni = -1: up to ntotal), shape (ni, d) float32."""
    n0 = check.integer(n0, "n0")
    ni = check.integer(ni, "ni")
    if ni == -1:
        ni = self.ntotal - n0
    if ni < 0:
        raise ValueError(f"ni must be >= 0 (or -1 for all), got {ni}")
    x = check.output(x, (ni, self.d), np.float32, "x")
    self.reconstruct_n_c(n0, ni, swig_ptr(x))
    return x


def _index_reconstruct_batch(self, key, x=None):
    """Vectors with the ids key (1-D int64), shape (len(key), d) float32."""
    key = check.ids(key, None, "key")
    x = check.output(x, (key.shape[0], self.d), np.float32, "x")
    self.reconstruct_batch_c(key.shape[0], swig_ptr(key), swig_ptr(x))
    return x


def _index_search_and_reconstruct(self, x, k, params=None, D=None, I=None, R=None):
    """search() plus the stored vectors of the results: returns D, I and R (n, k, d);
    a missing result (label -1) gets a row of NaN."""
    x = check.float_vectors(x, self.d)
    k = check.positive_int(k, "k")
    n = x.shape[0]
    D = check.output(D, (n, k), np.float32, "D")
    I = check.output(I, (n, k), np.int64, "I")
    R = check.output(R, (n, k, self.d), np.float32, "R")
    self.search_and_reconstruct_c(n, swig_ptr(x), k, swig_ptr(D), swig_ptr(I),
                                  swig_ptr(R), params)
    return D, I, R


def _index_sa_encode(self, x, codes=None):
    """Standalone codes of x, shape (n, sa_code_size()) uint8."""
    x = check.float_vectors(x, self.d)
    n = x.shape[0]
    codes = check.output(codes, (n, self.sa_code_size()), np.uint8, "codes")
    self.sa_encode_c(n, swig_ptr(x), swig_ptr(codes))
    return codes


def _index_sa_decode(self, codes, x=None):
    """Vectors decoded from codes (n, sa_code_size()) uint8, shape (n, d) float32."""
    codes = check.codes(codes, self.sa_code_size())
    n = codes.shape[0]
    x = check.output(x, (n, self.d), np.float32, "x")
    self.sa_decode_c(n, swig_ptr(codes), swig_ptr(x))
    return x


def _index_add_sa_codes(self, codes, ids=None):
    """Append ready-made codes (n, sa_code_size()) uint8; ids (n,) where supported."""
    codes = check.codes(codes, self.sa_code_size())
    n = codes.shape[0]
    if ids is None:
        self.add_sa_codes_c(n, swig_ptr(codes), None)
    else:
        ids = check.ids(ids, n)
        self.add_sa_codes_c(n, swig_ptr(codes), swig_ptr(ids))


def _index_permute_entries(self, perm):
    """Reorder the stored vectors: new vector i is old vector perm[i]."""
    perm = check.ids(perm, self.ntotal, "perm")
    self.permute_entries_c(swig_ptr(perm))


def _index_compute_distance_subset(self, x, labels):
    """Distances (n, k) float32 between each query x[i] and the stored vectors
    labels[i, :] (int64, shape (n, k); -1 gives the padding distance)."""
    x = check.float_vectors(x, self.d)
    labels = check.as_array(labels, "labels")
    n = x.shape[0]
    if labels.ndim != 2 or labels.shape[0] != n:
        raise ValueError(f"labels must have shape ({n}, k), got shape {labels.shape}")
    k = labels.shape[1]
    labels = check.ids(labels.reshape(-1), n * k, "labels").reshape(n, k)
    D = np.empty((n, k), dtype=np.float32)
    self.compute_distance_subset_c(n, swig_ptr(x), k, swig_ptr(D), swig_ptr(labels))
    return D


_INDEX_METHODS = {
    "train": _index_train,
    "add": _index_add,
    "add_with_ids": _index_add_with_ids,
    "search": _index_search,
    "assign": _index_assign,
    "range_search": _index_range_search,
    "remove_ids": _index_remove_ids,
    "reconstruct": _index_reconstruct,
    "reconstruct_n": _index_reconstruct_n,
    "reconstruct_batch": _index_reconstruct_batch,
    "search_and_reconstruct": _index_search_and_reconstruct,
    "sa_encode": _index_sa_encode,
    "sa_decode": _index_sa_decode,
    "add_sa_codes": _index_add_sa_codes,
    "permute_entries": _index_permute_entries,
    "compute_distance_subset": _index_compute_distance_subset,
}


def _copy_function(f):
    """A fresh function object, so each class gets its own __qualname__."""
    g = type(f)(f.__code__, f.__globals__, f.__name__, f.__defaults__, f.__closure__)
    g.__doc__ = f.__doc__
    return g


def handle_Index(cls):
    for name, replacement in _INDEX_METHODS.items():
        _replace_method(cls, name, _copy_function(replacement))


def handle_IndexIDMap(cls):
    """The IndexIDMap holds a raw pointer to its sub-index: keep the Python object of the
    sub-index alive, so faiss.IndexIDMap(faiss.IndexFlatL2(d)) is safe."""
    original_init = cls.__init__

    def __init__(self, *args):
        original_init(self, *args)
        if args:
            _keep_referenced(self, "index", args[0])

    cls.__init__ = __init__
    _keep_ref_on_set(cls, "index")


def handle_IndexIVF(cls):
    """An IVF index holds a raw pointer to its coarse quantizer: keep the Python object
    of the quantizer alive, so faiss.IndexIVFFlat(faiss.IndexFlatL2(d), d, nlist) is
    safe."""
    original_init = cls.__init__

    def __init__(self, *args):
        original_init(self, *args)
        if args and isinstance(args[0], swigfaiss.Index):
            _keep_referenced(self, "quantizer", args[0])

    cls.__init__ = __init__


def handle_IndexHNSW(cls):
    """IndexHNSW(storage, M) holds a raw pointer to its storage index: keep the Python
    object of the storage alive, so faiss.IndexHNSW(faiss.IndexFlatL2(d), 32) is safe."""
    original_init = cls.__init__

    def __init__(self, *args):
        original_init(self, *args)
        if args and isinstance(args[0], swigfaiss.Index):
            _keep_referenced(self, "storage", args[0])

    cls.__init__ = __init__
    _keep_ref_on_set(cls, "storage")

    def init_level_0_from_knngraph(self, k, D, I):
        """Rebuild level 0 from a k-NN graph of the stored vectors: D float32 and I int64
        arrays of shape (ntotal, k), as search() of the stored vectors returns them."""
        k = check.positive_int(k, "k")
        shape = (self.ntotal, k)
        D, I = check.as_array(D, "D"), check.as_array(I, "I")
        for name, a in (("D", D), ("I", I)):
            if a.shape != shape:
                raise ValueError(f"{name} must have shape {shape}, got shape {a.shape}")
        if I.dtype.kind not in "iu":
            raise TypeError(f"I must hold integer ids, got dtype {I.dtype}")
        D = np.ascontiguousarray(D, dtype=np.float32)
        I = np.ascontiguousarray(I, dtype=np.int64)
        self.init_level_0_from_knngraph_c(k, swig_ptr(D), swig_ptr(I))

    _replace_method(cls, "init_level_0_from_knngraph", init_level_0_from_knngraph)


def handle_IndexRefine(cls):
    """IndexRefine holds raw pointers to its base and refine indexes: keep their Python
    objects alive, so faiss.IndexRefineFlat(faiss.IndexPQ(d, M, nbits)) is safe.
    IndexRefineFlat(base, xb) also takes xb as a numpy array (base.ntotal, d)."""
    original_init = cls.__init__

    def __init__(self, *args):
        args = list(args)
        if len(args) == 2 and isinstance(args[1], np.ndarray):
            base = args[0]
            xb = np.ascontiguousarray(args[1], dtype=np.float32)
            if xb.ndim != 2 or xb.shape != (base.ntotal, base.d):
                raise ValueError(f"xb must have shape ({base.ntotal}, {base.d}) "
                                 f"(base ntotal, d), got {xb.shape}")
            args[1] = swig_ptr(xb)
        original_init(self, *args)
        if args and isinstance(args[0], swigfaiss.Index):
            _keep_referenced(self, "base_index", args[0])
        if len(args) > 1 and isinstance(args[1], swigfaiss.Index):
            _keep_referenced(self, "refine_index", args[1])

    cls.__init__ = __init__


def handle_IndexPreTransform(cls):
    """IndexPreTransform holds raw pointers to its transforms and sub-index: keep their
    Python objects alive, so faiss.IndexPreTransform(faiss.PCAMatrix(d, 64),
    faiss.IndexFlatL2(64)) is safe; prepend_transform keeps its argument alive too."""
    original_init = cls.__init__

    def __init__(self, *args):
        original_init(self, *args)
        for i, arg in enumerate(args):
            _keep_referenced(self, f"init_arg{i}", arg)

    cls.__init__ = __init__

    def prepend_transform(self, ltrans):
        """Put ltrans in front of the chain (its d_out must equal the index's d)."""
        self.prepend_transform_c(ltrans)
        self.__dict__.setdefault("_faiss_chain_refs", []).append(ltrans)

    _replace_method(cls, "prepend_transform", prepend_transform)
    _keep_ref_on_set(cls, "index")


def _preassigned_lists(index, x, Iq, Dq, params):
    """Check the coarse assignment Iq (n, nprobe) int64 and distances Dq (same shape,
    or None) against the nprobe the C++ call will use."""
    nprobe = params.nprobe if params is not None else index.nprobe
    nprobe = min(int(nprobe), int(index.nlist))
    n = x.shape[0]
    Iq = np.ascontiguousarray(check.as_array(Iq, "Iq"), dtype=np.int64)
    if Iq.shape != (n, nprobe):
        raise ValueError(f"Iq must have shape ({n}, {nprobe}) (n, nprobe), got {Iq.shape}")
    if Dq is not None:
        Dq = np.ascontiguousarray(check.as_array(Dq, "Dq"), dtype=np.float32)
        if Dq.shape != Iq.shape:
            raise ValueError(f"Dq must have shape {Iq.shape}, got {Dq.shape}")
    return Iq, Dq


def _ivf_search_preassigned(self, x, k, Iq, Dq=None, params=None, D=None, I=None,
                            store_pairs=False):
    """Search the lists Iq (n, nprobe) given for each query of x (n, d), e.g. from
    index.quantizer.search(x, nprobe); Dq are the matching centroid distances (optional).
    params: SearchParametersIVF (its nprobe must match Iq). Returns D, I as search()."""
    x = check.float_vectors(x, self.d)
    k = check.positive_int(k, "k")
    n = x.shape[0]
    Iq, Dq = _preassigned_lists(self, x, Iq, Dq, params)
    D = check.output(D, (n, k), np.float32, "D")
    I = check.output(I, (n, k), np.int64, "I")
    self.search_preassigned_c(n, swig_ptr(x), k, swig_ptr(Iq),
                              None if Dq is None else swig_ptr(Dq), swig_ptr(D),
                              swig_ptr(I), bool(store_pairs), params)
    return D, I


def _ivf_range_search_preassigned(self, x, thresh, Iq, Dq=None, params=None):
    """range_search over the lists Iq (n, nprobe) given per query; returns lims, D, I."""
    x = check.float_vectors(x, self.d)
    n = x.shape[0]
    Iq, Dq = _preassigned_lists(self, x, Iq, Dq, params)
    res = swigfaiss.RangeSearchResult(n)
    self.range_search_preassigned_c(n, swig_ptr(x), float(thresh), swig_ptr(Iq),
                                    None if Dq is None else swig_ptr(Dq), res, False, params)
    lims = rev_swig_ptr(res.lims, n + 1).copy()
    total = int(lims[-1])
    return lims, rev_swig_ptr(res.distances, total).copy(), rev_swig_ptr(res.labels, total).copy()


# ---------------------------------------------------------------------------------
# Vector transforms


def handle_VectorTransform(cls):
    """numpy methods of the transforms: train(x), apply(x) -> (n, d_out) float32 (also
    apply_py, as in Faiss), reverse_transform(xt) -> (n, d_in) float32."""

    def train(self, x):
        """Learn the transform from x, shape (n, d_in)."""
        x = check.float_vectors(x, self.d_in)
        self.train_c(x.shape[0], swig_ptr(x))

    def apply(self, x):
        """Transform x, shape (n, d_in): array (n, d_out) float32."""
        x = check.float_vectors(x, self.d_in)
        xt = np.empty((x.shape[0], self.d_out), dtype=np.float32)
        self.apply_noalloc(x.shape[0], swig_ptr(x), swig_ptr(xt))
        return xt

    def reverse_transform(self, xt):
        """Map xt, shape (n, d_out), back to the input space: array (n, d_in) float32."""
        xt = check.float_vectors(xt, self.d_out, "xt")
        x = np.empty((xt.shape[0], self.d_in), dtype=np.float32)
        self.reverse_transform_c(xt.shape[0], swig_ptr(xt), swig_ptr(x))
        return x

    _replace_method(cls, "train", train)
    _replace_method(cls, "apply", apply)
    _replace_method(cls, "reverse_transform", reverse_transform)
    if "apply" in cls.__dict__:
        cls.apply_py = cls.apply


# ---------------------------------------------------------------------------------
# Selectors and search parameters


def handle_IDSelectorArray(cls):
    """IDSelectorArray(ids) with a 1-D int64 array (referenced, not copied), or the
    C++ form IDSelectorArray(n, swig_ptr(ids))."""
    original_init = cls.__init__

    def __init__(self, *args):
        if len(args) == 1:
            ids = check.ids(args[0], None, "ids")
            original_init(self, ids.size, swig_ptr(ids))
            _keep_referenced(self, "ids", ids)
        else:
            original_init(self, *args)

    cls.__init__ = __init__


def handle_IDSelectorBatch(cls):
    """IDSelectorBatch(ids) with a 1-D int64 array (copied), or (n, swig_ptr(ids))."""
    original_init = cls.__init__

    def __init__(self, *args):
        if len(args) == 1:
            ids = check.ids(args[0], None, "ids")
            original_init(self, ids.size, swig_ptr(ids))
        else:
            original_init(self, *args)

    cls.__init__ = __init__


def handle_IDSelectorBitmap(cls):
    """IDSelectorBitmap(bitmap) with a 1-D uint8 array (id i is bit i & 7 of byte i >> 3,
    as numpy.packbits(..., bitorder='little') makes it; referenced, not copied), or
    (n, swig_ptr(bitmap))."""
    original_init = cls.__init__

    def __init__(self, *args):
        if len(args) == 1:
            bitmap = check.as_array(args[0], "bitmap")
            if bitmap.dtype != np.uint8 or bitmap.ndim != 1:
                raise TypeError(f"bitmap must be a 1-D uint8 array, got dtype "
                                f"{bitmap.dtype} and shape {bitmap.shape}")
            bitmap = np.ascontiguousarray(bitmap)
            original_init(self, bitmap.size, swig_ptr(bitmap))
            _keep_referenced(self, "bitmap", bitmap)
        else:
            original_init(self, *args)

    cls.__init__ = __init__


def _handle_selector_refs(cls, fields):
    """A combining selector holds raw pointers to its sub-selectors: keep them alive."""
    original_init = cls.__init__

    def __init__(self, *args):
        original_init(self, *args)
        for field, value in zip(fields, args):
            _keep_referenced(self, field, value)

    cls.__init__ = __init__
    for field in fields:
        _keep_ref_on_set(cls, field)


def handle_SearchParameters(cls):
    """SearchParameters(sel=..., other_field=...): keyword arguments set fields. A
    selector set this way (or by params.sel = ...) is kept alive with the parameters."""
    original_init = cls.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args)
        for name, value in kwargs.items():
            if not isinstance(getattr(type(self), name, None), property):
                raise TypeError(f"{type(self).__name__} has no parameter '{name}'")
            setattr(self, name, value)

    cls.__init__ = __init__
    _keep_ref_on_set(cls, "sel")


# ---------------------------------------------------------------------------------
# Clustering


def handle_Clustering(cls):
    def train(self, x, index, weights=None):
        """Cluster x, shape (n, d), using index for the assignment; weights (n,)
        optional. The centroids end up in self.centroids (a Float32Vector)."""
        x = check.float_vectors(x, self.d)
        n = x.shape[0]
        if weights is None:
            self.train_c(n, swig_ptr(x), index)
        else:
            weights = _weights(weights, n)
            self.train_c(n, swig_ptr(x), index, swig_ptr(weights))

    def train_encoded(self, x, codec, index, weights=None):
        """Cluster the vectors encoded as x, shape (n, codec.sa_code_size()) uint8."""
        x = check.codes(x, codec.sa_code_size(), "x")
        n = x.shape[0]
        if weights is None:
            self.train_encoded_c(n, swig_ptr(x), codec, index)
        else:
            weights = _weights(weights, n)
            self.train_encoded_c(n, swig_ptr(x), codec, index, swig_ptr(weights))

    _replace_method(cls, "train", train)
    _replace_method(cls, "train_encoded", train_encoded)


def handle_vector_codec(cls):
    """numpy methods of the standalone codecs (ProductQuantizer, ScalarQuantizer), which
    share one shape: train(x), compute_codes(x) -> (n, code_size) uint8, decode(codes)."""

    def train(self, x):
        """Learn the codec from x, shape (n, d) (ProductQuantizer needs n >= ksub)."""
        x = check.float_vectors(x, self.d)
        self.train_c(x.shape[0], swig_ptr(x))

    def compute_codes(self, x):
        """Codes of x, shape (n, d): array (n, code_size) uint8."""
        x = check.float_vectors(x, self.d)
        n = x.shape[0]
        codes = np.empty((n, self.code_size), dtype=np.uint8)
        self.compute_codes_c(swig_ptr(x), swig_ptr(codes), n)
        return codes

    def decode(self, codes):
        """Vectors decoded from codes (n, code_size) uint8: array (n, d) float32."""
        codes = check.codes(codes, self.code_size)
        n = codes.shape[0]
        x = np.empty((n, self.d), dtype=np.float32)
        self.decode_c(swig_ptr(codes), swig_ptr(x), n)
        return x

    _replace_method(cls, "train", train)
    _replace_method(cls, "compute_codes", compute_codes)
    _replace_method(cls, "decode", decode)


def handle_Clustering1D(cls):
    def train_exact(self, x):
        """Optimal 1-D clustering of x, shape (n, 1) or (n,)."""
        x = check.as_array(x, "x")
        if x.ndim == 1:
            x = x.reshape(-1, 1)
        x = check.float_vectors(x, 1)
        self.train_exact_c(x.shape[0], swig_ptr(x))

    _replace_method(cls, "train_exact", train_exact)


def _weights(w, n):
    w = check.as_array(w, "weights")
    if w.shape != (n,):
        raise ValueError(f"weights must have shape ({n},), got shape {w.shape}")
    if w.dtype.kind not in "fiu":
        raise TypeError(f"weights must be a float array, got dtype {w.dtype}")
    return np.ascontiguousarray(w, dtype=np.float32)


# ---------------------------------------------------------------------------------


def _parameter_space_explore(self, index, xq, crit):
    xq = np.ascontiguousarray(xq, dtype="float32")
    if xq.shape != (crit.nq, index.d):
        raise ValueError(f"xq must have shape ({crit.nq}, {index.d}), got {xq.shape}")
    ops = swigfaiss.OperatingPoints()
    self.explore_c(index, crit.nq, swig_ptr(xq), crit, ops)
    return ops


def _criterion_set_groundtruth(self, D, I):
    I = np.ascontiguousarray(I, dtype="int64")
    if I.ndim != 2 or I.shape[0] != self.nq:
        raise ValueError(f"I must have shape ({self.nq}, gt_nnn), got {I.shape}")
    Dp = None
    if D is not None:
        D = np.ascontiguousarray(D, dtype="float32")
        if D.shape != I.shape:
            raise ValueError(f"D has shape {D.shape}, I has shape {I.shape}")
        Dp = swig_ptr(D)
    self.set_groundtruth_c(I.shape[1], Dp, swig_ptr(I))


def _criterion_evaluate(self, D, I):
    I = np.ascontiguousarray(I, dtype="int64")
    D = np.ascontiguousarray(D, dtype="float32")
    if I.shape != (self.nq, self.nnn) or D.shape != I.shape:
        raise ValueError(f"D and I must have shape ({self.nq}, {self.nnn}), "
                         f"got {D.shape} and {I.shape}")
    return self.evaluate_c(swig_ptr(D), swig_ptr(I))


def handle_AutoTune(cls):
    """explore(index, xq, crit) -> OperatingPoints on ParameterSpace, set_groundtruth(D, I)
    (D may be None) and evaluate(D, I) on criteria, all on numpy arrays, as in Faiss."""
    _replace_method(cls, "explore", _parameter_space_explore)
    _replace_method(cls, "set_groundtruth", _criterion_set_groundtruth)
    _replace_method(cls, "evaluate", _criterion_evaluate)


def _subclasses_of(base):
    """Every class of the SWIG module derived from base (base included)."""
    return [c for c in vars(swigfaiss).values()
            if isinstance(c, type) and issubclass(c, base)]


def install():
    """Attach the wrappers to every SWIG class they apply to. Classes added to the SWIG
    interface later are picked up by their base class."""
    for cls in _subclasses_of(swigfaiss.Index):
        handle_Index(cls)
    for cls in _subclasses_of(swigfaiss.IndexIDMap):
        if "__init__" in cls.__dict__:
            handle_IndexIDMap(cls)
    for cls in _subclasses_of(swigfaiss.IndexIVF):
        if "__init__" in cls.__dict__:
            handle_IndexIVF(cls)
    _keep_ref_on_set(swigfaiss.Level1Quantizer, "quantizer")
    _replace_method(swigfaiss.IndexIVF, "search_preassigned", _ivf_search_preassigned)
    _replace_method(swigfaiss.IndexIVF, "range_search_preassigned",
                    _ivf_range_search_preassigned)
    _keep_ref_on_set(swigfaiss.SearchParametersIVF, "quantizer_params")
    for cls in _subclasses_of(swigfaiss.IndexHNSW):
        if "__init__" in cls.__dict__:
            handle_IndexHNSW(cls)
    for cls in _subclasses_of(swigfaiss.IndexRefine):
        if "__init__" in cls.__dict__:
            handle_IndexRefine(cls)
    _keep_ref_on_set(swigfaiss.IndexRefine, "base_index")
    _keep_ref_on_set(swigfaiss.IndexRefine, "refine_index")
    _keep_ref_on_set(swigfaiss.IndexRefineSearchParameters, "base_index_params")
    for cls in _subclasses_of(swigfaiss.VectorTransform):
        handle_VectorTransform(cls)
    for cls in _subclasses_of(swigfaiss.IndexPreTransform):
        if "__init__" in cls.__dict__:
            handle_IndexPreTransform(cls)
    _keep_ref_on_set(swigfaiss.OPQMatrix, "pq")
    _keep_ref_on_set(swigfaiss.SearchParametersPreTransform, "index_params")
    for cls in _subclasses_of(swigfaiss.SearchParameters):
        handle_SearchParameters(cls)
    for cls in _subclasses_of(swigfaiss.Clustering):
        handle_Clustering(cls)
    handle_Clustering1D(swigfaiss.Clustering1D)
    handle_vector_codec(swigfaiss.ProductQuantizer)
    handle_IDSelectorArray(swigfaiss.IDSelectorArray)
    handle_IDSelectorBatch(swigfaiss.IDSelectorBatch)
    handle_IDSelectorBitmap(swigfaiss.IDSelectorBitmap)
    handle_vector_codec(swigfaiss.ScalarQuantizer)
    for cls in (_subclasses_of(swigfaiss.ParameterSpace) +
                _subclasses_of(swigfaiss.AutoTuneCriterion)):
        handle_AutoTune(cls)
    _handle_selector_refs(swigfaiss.IDSelectorNot, ("sel",))
    _handle_selector_refs(swigfaiss.IDSelectorTranslated, ("id_map", "sel"))
    for name in ("IDSelectorAnd", "IDSelectorOr", "IDSelectorXOr"):
        _handle_selector_refs(getattr(swigfaiss, name), ("lhs", "rhs"))
