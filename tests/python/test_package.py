"""The package itself: type stubs shipped and matching the module, wrappers installed on
every index class, help() working."""

import ast
import os

import numpy as np

import faiss

PACKAGE_DIR = os.path.dirname(faiss.__file__)


def _stub_tree():
    with open(os.path.join(PACKAGE_DIR, "__init__.pyi")) as f:
        return ast.parse(f.read())


def test_stubs_shipped():
    assert os.path.exists(os.path.join(PACKAGE_DIR, "__init__.pyi"))
    assert os.path.exists(os.path.join(PACKAGE_DIR, "py.typed"))


def test_stub_names_exist_in_module():
    private = {"ArrayLike", "FloatArray", "IdArray", "CodeArray", "SwigPointer", "_Vector"}
    if not faiss.gpu_wrappers.HAVE_GPU:  # stubs cover the GPU build too
        private |= faiss.gpu_wrappers.GPU_ONLY_NAMES
    missing = []
    for node in _stub_tree().body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, ast.AnnAssign):
            names = [node.target.id]
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets]
        else:
            continue
        for name in names:
            if name not in private and name != "__getattr__" and not hasattr(faiss, name):
                missing.append(name)
        if isinstance(node, ast.ClassDef) and node.name not in private:
            cls = getattr(faiss, node.name)
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not hasattr(cls, item.name):
                    missing.append(f"{node.name}.{item.name}")
    assert not missing, f"in the stubs but not in the module: {missing}"


def test_every_index_class_has_numpy_methods():
    index_classes = [c for c in vars(faiss.swigfaiss).values()
                     if isinstance(c, type) and issubclass(c, faiss.Index)]
    assert {faiss.IndexFlat, faiss.IndexIDMap2} <= set(index_classes)
    for cls in index_classes:
        for name in ("search", "add", "train", "range_search", "reconstruct"):
            method = getattr(cls, name)
            assert method.__module__ == "faiss.class_wrappers", (cls, name)
            assert hasattr(cls, name + "_c")


def test_help_and_repr():
    index = faiss.IndexFlatL2(4)
    assert "IndexFlatL2" in repr(index)
    assert "nearest" in faiss.IndexFlatL2.search.__doc__
    assert faiss.IndexFlat.search.__qualname__ == "IndexFlat.search"


def test_this_ownership_transfer():
    # Faiss idiom: hand the sub-index over to the C++ map, which then deletes it.
    sub = faiss.IndexFlatL2(4)
    index = faiss.IndexIDMap(sub)
    sub.this.disown()
    index.own_fields = True
    index.add_with_ids(np.zeros((2, 4), dtype=np.float32), np.array([1, 2]))
    del sub
    assert index.index.ntotal == 2
    del index
