"""The reference faiss-cpu for compatibility tests. It lives in its own virtual
environment (both packages import as `faiss`): FAISS_REF_VENV, else <repo>/.venv-faiss
(scripts/setup_faiss_venv.sh makes it). Tests that need it are skipped without it."""

import os
import subprocess
import sys

import numpy as np
import pytest

import faiss

_REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REF_PYTHON = os.path.join(os.environ.get("FAISS_REF_VENV", os.path.join(_REPO, ".venv-faiss")),
                          "bin", "python")

needs_reference = pytest.mark.skipif(not os.path.exists(REF_PYTHON),
                                     reason="no faiss-cpu reference venv")


def run_script_both(tmp_path, script_text, timeout=120):
    """Run a script that writes an .npz to argv[1] under faiss-cpu and under this
    package; returns (ours, theirs) as loaded npz files."""
    script = tmp_path / "compat_script.py"
    script.write_text(script_text)
    theirs_path, ours_path = tmp_path / "theirs.npz", tmp_path / "ours.npz"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FAISS_PYTHON_DIR")}
    subprocess.run([REF_PYTHON, str(script), str(theirs_path)], check=True, env=env,
                   cwd=str(tmp_path), timeout=timeout)
    ours_dir = os.path.dirname(os.path.dirname(faiss.__file__))
    subprocess.run([sys.executable, str(script), str(ours_path)], check=True,
                   env=dict(env, PYTHONPATH=ours_dir), cwd=str(tmp_path), timeout=timeout)
    return np.load(ours_path), np.load(theirs_path)
