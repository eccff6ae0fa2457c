#!/usr/bin/env bash
# Regenerates the seed corpus tests/fuzz/corpus/: the files our writer makes
# (fuzz_make_corpus, from the fuzz build) and a few written by faiss-cpu (.venv-faiss,
# scripts/setup_faiss_venv.sh makes it).
#
#   tests/fuzz/make_corpus.sh [fuzz build folder]     default: build-fuzz
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="${1:-$repo_root/build-fuzz}"
corpus="$repo_root/tests/fuzz/corpus"

rm -rf "$corpus"
mkdir -p "$corpus"
ASAN_OPTIONS=detect_leaks=0 "$build_dir/tests/fuzz/fuzz_make_corpus" "$corpus"
"$repo_root/.venv-faiss/bin/python" "$repo_root/tests/fuzz/faiss_cpu_corpus.py" "$corpus"
echo "make_corpus.sh: $(ls "$corpus" | wc -l) files, $(du -sb "$corpus" | cut -f1) bytes in $corpus"
