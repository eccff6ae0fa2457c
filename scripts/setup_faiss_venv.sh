#!/usr/bin/env bash
# Creates (or reuses) a virtual environment holding the reference faiss-cpu from PyPI,
# for side-by-side benchmarks and compatibility checks. It must stay separate from any
# environment holding our own Python package: both import as `faiss`.
#
# Usage: scripts/setup_faiss_venv.sh [VENV_DIR]    (default: <repo>/.venv-faiss)
# Prints the path of the venv's python on the last line. Safe to run repeatedly.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_dir="${1:-${FAISS_REF_VENV:-$repo_root/.venv-faiss}}"
python_bin="${PYTHON:-python3}"
packages=(faiss-cpu numpy threadpoolctl)

if [[ ! -x "$venv_dir/bin/python" ]]; then
  echo "creating venv $venv_dir" >&2
  if ! "$python_bin" -m venv "$venv_dir" 2>/dev/null; then
    # Debian's python3 without python3-venv cannot create venvs with pip inside.
    echo "python -m venv failed; try: apt-get install python3-venv" >&2
    exit 1
  fi
fi

py="$venv_dir/bin/python"
if ! "$py" -c "import faiss, numpy, threadpoolctl" 2>/dev/null; then
  "$py" -m pip install --quiet --upgrade pip >&2
  "$py" -m pip install --quiet "${packages[@]}" >&2
fi

"$py" -c "import faiss, numpy; print('faiss-cpu', faiss.__version__, 'numpy', numpy.__version__)" >&2
echo "$py"
