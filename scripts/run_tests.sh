#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (ctest: the C++ unit
# tests and the install/find_package test; pytest: the Python package from the build
# tree). Exits non-zero on any failure.
# Does not need the embedding model or its data.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${FAISS_BUILD_DIR:-$repo_root/build}"
start=$SECONDS

bash "$repo_root/scripts/install_deps.sh"
bash "$repo_root/scripts/build.sh"

echo "run_tests.sh: running the tests"
ctest --test-dir "$build_dir" --output-on-failure -j 2 --timeout 900
echo "run_tests.sh: running the Python tests"
FAISS_PYTHON_DIR="$build_dir/python" "${FAISS_VENV:-$repo_root/.venv}/bin/python" \
  -m pytest -q "$repo_root/tests/python"
echo "run_tests.sh: done in $((SECONDS - start)) s"
