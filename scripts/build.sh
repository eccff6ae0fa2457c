#!/usr/bin/env bash
# Configures (Release, tests, C API and Python bindings where present) and builds.
#
#   scripts/build.sh [target...]     all targets when none is named
#
# Build folder: build/ (FAISS_BUILD_DIR overrides). Two parallel jobs, for 2-core
# machines (FAISS_BUILD_JOBS overrides). The Python bindings are built for the project's
# venv (.venv/), which scripts/install_deps.sh creates. The MPI component (faiss/mpi,
# faiss-cli mpi-*, tests/mpi) is built when MPI is installed (mpicc and mpiexec on PATH;
# install_deps.sh installs Open MPI); FAISS_ENABLE_MPI=ON|OFF overrides.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${FAISS_BUILD_DIR:-$repo_root/build}"
jobs="${FAISS_BUILD_JOBS:-2}"
mpi="${FAISS_ENABLE_MPI:-}"
if [[ -z "$mpi" ]]; then
  mpi=OFF
  if command -v mpicc >/dev/null && command -v mpiexec >/dev/null; then mpi=ON; fi
fi

# The GPU backend is built whenever nvcc is found (on PATH or in /usr/local/cuda/bin), with
# or without a GPU, so it always compiles; its tests skip without a device.
# FAISS_ENABLE_GPU=ON|OFF overrides; FAISS_CUDA_ARCHITECTURES (default "80;90") picks the
# GPU architectures.
gpu="${FAISS_ENABLE_GPU:-auto}"
if [[ "$gpu" == auto ]]; then
  if command -v nvcc > /dev/null 2>&1 || [[ -x /usr/local/cuda/bin/nvcc ]]; then
    gpu=ON
  else
    gpu=OFF
  fi
fi
gpu_args=(-DFAISS_ENABLE_GPU="$gpu")
if [[ -n "${FAISS_CUDA_ARCHITECTURES:-}" ]]; then
  gpu_args+=(-DCMAKE_CUDA_ARCHITECTURES="$FAISS_CUDA_ARCHITECTURES")
fi

cmake -S "$repo_root" -B "$build_dir" \
  -DCMAKE_BUILD_TYPE=Release \
  -DBUILD_TESTING=ON \
  -DFAISS_ENABLE_C_API=ON \
  -DFAISS_ENABLE_PYTHON=ON \
  -DFAISS_ENABLE_MPI="$mpi" \
  -DPython3_EXECUTABLE="$repo_root/.venv/bin/python" \
  "${gpu_args[@]}"

targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j "$jobs" "${targets[@]}"
