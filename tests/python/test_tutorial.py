"""The tutorial's Python programs (tutorial/python/*.py) run to completion against this
package. Each program checks its own results (asserts), so a wrong answer fails too.
A program exits with 77 when data it needs is missing (7-embeddings without the real
embeddings of data/minilm or the small set data/minilm-small that scripts/run_tests.sh
makes): the test is then skipped with the program's message."""

import glob
import os
import subprocess
import sys

import pytest

import faiss

_REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
_PROGRAMS = sorted(glob.glob(os.path.join(_REPO, "tutorial", "python", "*.py")))


def test_there_are_tutorial_programs():
    assert len(_PROGRAMS) >= 3


@pytest.mark.parametrize("program", _PROGRAMS, ids=os.path.basename)
def test_tutorial_program_runs(program):
    package_dir = os.path.dirname(os.path.dirname(faiss.__file__))
    env = dict(os.environ, PYTHONPATH=package_dir + os.pathsep + os.environ.get("PYTHONPATH", ""))
    result = subprocess.run([sys.executable, program], env=env, capture_output=True, text=True,
                            timeout=300)
    if result.returncode == 77:
        pytest.skip(result.stdout.strip())
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
