#!/usr/bin/env bash
# The benchmark harness in one command: installs what is missing (matplotlib included),
# builds the Python bindings, then runs benchs/harness/run.py with the given options
# (it makes the real-embedding set with scripts/make_embeddings.py when it is missing).
#
#   bash benchs/run_harness.sh                      default size: clustered 100k x 128
#                                                   and MiniLM 24k x 384, 2 threads
#   bash benchs/run_harness.sh --quick              smoke test (about a minute)
#   bash benchs/run_harness.sh --datasets files --base sift_base.fvecs \
#       --query sift_query.fvecs --gt sift_groundtruth.ivecs
#
# Results: benchs/results/harness.{csv,md,json} and harness_<dataset>.png
# (--out-name changes the prefix). `run.py --help` lists every option.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$repo_root/scripts/install_deps.sh" --bench
bash "$repo_root/scripts/build.sh" swigfaiss
export FAISS_HARNESS_COMMAND="bash benchs/run_harness.sh${*:+ $*}"
exec "${FAISS_VENV:-$repo_root/.venv}/bin/python" "$repo_root/benchs/harness/run.py" "$@"
