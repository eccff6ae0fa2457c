#!/usr/bin/env bash
# Host simulation of the GPU backend: builds test_gpu from the backend's host sources
# (gpu/*.cpp, gpu/impl, gpu/utils), the GPU tests (tests/gpu) and two stand-ins -
# hostsim_runtime.cpp (CUDA runtime and cuBLAS on host memory, one fake device) and
# hostsim_kernels.cpp (each kernel launcher computed on the host, with range checks) -
# under AddressSanitizer, then runs it. It checks the host-side logic of the device
# tests without a GPU; it cannot see kernel-internal races, barriers or resource limits
# (nvcc -Xptxas -v and a real device do that).
#
#   gpu/hostsim/run.sh [gtest args]     e.g. --gtest_filter='GpuIndexFlat*'
#
# Needs a configured build with FAISS_ENABLE_GPU=ON and BUILD_TESTING=ON in
# ${FAISS_BUILD_DIR:-build} (for libfaiss, the test helpers and gpu-include/).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${FAISS_BUILD_DIR:-$repo/build}" && pwd)"
out="$build/hostsim"
mkdir -p "$out"
cuda_inc="$(dirname "$(dirname "$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)")")/include"
flags=(-std=c++17 -O1 -g -fsanitize=address -fno-omit-frame-pointer -fopenmp
       -I"$repo" -I"$build/gpu-include" -I"$repo/tests" -I"$cuda_inc")
srcs=("$repo"/gpu/*.cpp "$repo"/gpu/impl/*.cpp "$repo"/gpu/utils/*.cpp
      "$repo"/gpu/hostsim/*.cpp "$repo"/tests/gpu/*.cpp)
objs=()
max_jobs="${FAISS_BUILD_JOBS:-2}"
cc=(c++)
command -v ccache > /dev/null 2>&1 && cc=(ccache c++)
# Rebuilt when the source or any header of the backend or the tests is newer.
newest_h="$(ls -t "$repo"/gpu/*.h "$repo"/gpu/*/*.h "$repo"/tests/gpu/*.h "$repo"/tests/common/*.h | head -1)"
for s in "${srcs[@]}"; do
  o="$out/$(echo "${s#"$repo"/}" | tr '/' '_').o"
  objs+=("$o")
  if [[ ! -f "$o" || "$s" -nt "$o" || "$newest_h" -nt "$o" ]]; then
    while (($(jobs -rp | wc -l) >= max_jobs)); do wait -n; done
    "${cc[@]}" "${flags[@]}" -c "$s" -o "$o" &
  fi
done
while (($(jobs -rp | wc -l) > 0)); do wait -n; done
c++ -fsanitize=address -fopenmp -o "$out/test_gpu_hostsim" "${objs[@]}" \
  "$build/tests/libfaiss_test_common.a" -Wl,-rpath,"$build/faiss" "$build/faiss/libfaiss.so" \
  -lgtest -lpthread
ASAN_OPTIONS=detect_leaks=0 "$out/test_gpu_hostsim" "$@"
