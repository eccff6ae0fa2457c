#!/usr/bin/env bash
# GPU check (issue 10): on a machine with a CUDA GPU, builds the GPU backend (Release,
# every core, sm_90 unless FAISS_CUDA_ARCHITECTURES says otherwise), runs test_gpu, runs
# the GPU benchmark (ours: benchs/gpu/bench_gpu_flat; torch: benchs/gpu/torch_knn.py) and
# prints a results table. Meant to finish in under 8 minutes on the H200 machine.
#
#   gpu/check.sh              full check
#   FAISS_CHECK_QUICK=1       benchmark on smaller sizes (a quick look)
#   FAISS_CHECK_USE_DEBS=1    use the unpacked .devdebs even if the system has the libs
#
# Without a GPU it still builds and runs test_gpu (device tests skip), says that no GPU
# was found and skips the benchmark: the dry run.
#
# Dependencies: when the machine lacks OpenBLAS or GoogleTest, the .deb files that
# gpu/fetch_debs.sh downloaded into .devdebs/ are unpacked into a private prefix
# (<build>/debroot, never /) and CMake is pointed at it.
#
# Logs and results: $OUT when set (the device tool), else <build>/logs: build.log,
# test_gpu.log, bench_ours.csv/.log, bench_torch.csv/.log, results.md.
set -uo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${FAISS_GPU_CHECK_BUILD_DIR:-$repo_root/build-gpucheck}"
logs="${OUT:-$build_dir/logs}"
jobs="${FAISS_BUILD_JOBS:-$(nproc)}"
arch="${FAISS_CUDA_ARCHITECTURES:-90}"
start=$SECONDS
mkdir -p "$build_dir" "$logs"
summary=()

say() { echo "check.sh [$((SECONDS - start)) s]: $*"; }

# --- GPU present? -------------------------------------------------------------------
have_gpu=0
if command -v nvidia-smi > /dev/null 2>&1 && nvidia-smi -L 2> /dev/null | grep -q '^GPU'; then
  have_gpu=1
  nvidia-smi -L | tee "$logs/gpu.txt"
else
  say "no GPU found (nvidia-smi lists none): device tests will skip, no benchmark"
fi

# --- Dependencies -------------------------------------------------------------------
cmake_args=()
run_libs=""
have_system_lib() { ldconfig -p 2> /dev/null | grep -q "$1"; }
have_gtest=0
for f in /usr/lib/x86_64-linux-gnu/cmake/GTest/GTestConfig.cmake \
         /usr/lib/cmake/GTest/GTestConfig.cmake /usr/local/lib/cmake/GTest/GTestConfig.cmake \
         /usr/lib64/cmake/GTest/GTestConfig.cmake; do
  [[ -f "$f" ]] && have_gtest=1
done
if [[ "${FAISS_CHECK_USE_DEBS:-0}" == 1 ]] || ! have_system_lib libopenblas || ((have_gtest == 0)); then
  debs=("$repo_root"/.devdebs/*.deb)
  if [[ ! -e "${debs[0]}" ]]; then
    say "OpenBLAS or GoogleTest missing and no .devdebs/*.deb (run gpu/fetch_debs.sh where apt works)"
    exit 1
  fi
  prefix="$build_dir/debroot"
  rm -rf "$prefix"
  mkdir -p "$prefix"
  for deb in "${debs[@]}"; do
    if command -v dpkg-deb > /dev/null 2>&1; then
      dpkg-deb -x "$deb" "$prefix"
    else
      (cd "$prefix" && ar p "$deb" "$(ar t "$deb" | grep '^data.tar')" | tar -xJ)
    fi
  done
  libdir="$prefix/usr/lib/x86_64-linux-gnu"
  if [[ "${FAISS_CHECK_USE_DEBS:-0}" == 1 ]] || ! have_system_lib libopenblas; then
    cmake_args+=(-DFAISS_OPENBLAS_LIBRARY="$libdir/openblas-openmp/libopenblas.so.0")
    run_libs="$libdir/openblas-openmp"
    # The Fortran runtime only where the system has none, so system libraries win.
    mkdir -p "$prefix/extra"
    for lib in libgfortran.so.5 libquadmath.so.0; do
      if ! have_system_lib "$lib"; then cp -P "$libdir"/"$lib"* "$prefix/extra/"; fi
    done
    run_libs="$run_libs:$prefix/extra"
  fi
  if [[ "${FAISS_CHECK_USE_DEBS:-0}" == 1 ]] || ((have_gtest == 0)); then
    cmake_args+=(-DGTest_DIR="$libdir/cmake/GTest")
  fi
  say "unpacked ${#debs[@]} .deb files into $prefix"
fi

# cuBLAS outside the toolkit (a compiler-only CUDA image): take PyTorch's wheel copy.
nvcc_path="$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)"
cuda_root="$(dirname "$(dirname "$nvcc_path")")"
if [[ ! -f "$cuda_root/include/cublas_v2.h" ]]; then
  header="$(find /usr /opt -name cublas_v2.h 2> /dev/null | head -1)"
  if [[ -n "$header" ]]; then
    cmake_args+=(-DFAISS_CUBLAS_ROOT="$(dirname "$(dirname "$header")")")
    say "cuBLAS from $(dirname "$(dirname "$header")")"
  fi
fi

# --- Build --------------------------------------------------------------------------
generator=()
launcher=()
command -v ccache > /dev/null 2>&1 &&
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
command -v ninja > /dev/null 2>&1 && generator=(-G Ninja)
[[ -f "$build_dir/CMakeCache.txt" ]] && generator=()
say "configuring (architectures $arch, $jobs jobs)"
if ! cmake -S "$repo_root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
     -DBUILD_TESTING=ON -DFAISS_ENABLE_GPU=ON -DFAISS_ENABLE_PYTHON=OFF \
     -DFAISS_ENABLE_C_API=OFF -DCMAKE_CUDA_ARCHITECTURES="$arch" "${launcher[@]}" "${cmake_args[@]}" \
     > "$logs/build.log" 2>&1; then
  tail -30 "$logs/build.log"
  say "FAILED: configure"
  exit 1
fi
build_start=$SECONDS
if ! cmake --build "$build_dir" -j "$jobs" --target test_gpu bench_gpu_flat \
     >> "$logs/build.log" 2>&1; then
  grep -E "error|Error" "$logs/build.log" | head -40
  say "FAILED: build"
  exit 1
fi
summary+=("build: $((SECONDS - build_start)) s")
say "built in $((SECONDS - build_start)) s"

run_env=(env)
[[ -n "$run_libs" ]] && run_env=(env "LD_LIBRARY_PATH=$run_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")

# --- Tests --------------------------------------------------------------------------
test_start=$SECONDS
timeout 180 "${run_env[@]}" "$build_dir/tests/test_gpu" > "$logs/test_gpu.log" 2>&1
test_rc=$?
count() { sed -n "s/^\[  $1 *\] \([0-9][0-9]*\) tests\{0,1\}.*/\1/p" "$logs/test_gpu.log" | head -1; }
passed=$(count PASSED)
failed=$(count FAILED)
skipped=$(count SKIPPED)
grep -E '^\[  FAILED  \]|Failure' "$logs/test_gpu.log" | head -40
summary+=("test_gpu: rc $test_rc, ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped ($((SECONDS - test_start)) s)")
say "test_gpu rc $test_rc"

# --- Benchmarks ---------------------------------------------------------------------
bench_args=()
if [[ "${FAISS_CHECK_QUICK:-0}" == 1 ]]; then
  bench_args=(--config 200000,128,2000 --config 50000,1024,2000 --reps 3)
fi
if ((have_gpu)) && ((test_rc == 124 || test_rc == 137)); then
  say "test_gpu timed out: a hung kernel would hang the benchmark too, so it is skipped"
  summary+=("benchmark skipped: test_gpu timed out")
  have_gpu=0
fi
if ((have_gpu)); then
  say "benchmark: ours"
  timeout 180 "${run_env[@]}" "$build_dir/benchs/gpu/bench_gpu_flat" \
    --csv "$logs/bench_ours.csv" "${bench_args[@]}" 2>&1 | tee "$logs/bench_ours.log"
  summary+=("bench ours: rc ${PIPESTATUS[0]}")
  say "benchmark: torch"
  PYTHONUNBUFFERED=1 timeout 120 python3 "$repo_root/benchs/gpu/torch_knn.py" \
    --csv "$logs/bench_torch.csv" "${bench_args[@]}" 2>&1 | tee "$logs/bench_torch.log"
  summary+=("bench torch: rc ${PIPESTATUS[0]}")
fi

# --- Results ------------------------------------------------------------------------
{
  echo "## GPU check $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  [[ -f "$logs/gpu.txt" ]] && sed 's/^/    /' "$logs/gpu.txt" || echo "    no GPU found"
  echo
  for line in "${summary[@]}"; do echo "- $line"; done
  echo "- total: $((SECONDS - start)) s"
  echo
  if ((have_gpu)); then
    python3 "$repo_root/benchs/gpu/results_table.py" "$logs/bench_ours.csv" "$logs/bench_torch.csv"
  fi
} > "$logs/results.md"
echo
cat "$logs/results.md"

# --- IVF and k-means (issue 11, separate step) ---------------------------------------
# bench_gpu_ivf: GpuIndexIVFFlat / SQ8 / PQ32 (nb=5M d=128 and nb=500k d=1024, nq=10k,
# IVF4096, nprobe 16 and 64: QPS, recall@10, bandwidth of the list scans) and k-means
# (n=5M d=128 k=4096, 20 iterations: train_clustering with the points on the GPU, and
# Clustering + GpuIndexFlatL2); torch_kmeans.py runs the same Lloyd loop in torch. About 2 minutes; FAISS_CHECK_QUICK=1 shrinks the sizes.
# Logs: bench_ivf.log/.csv/.md, bench_torch_kmeans.log/.csv; the table is appended to
# results.md.
if ((have_gpu)); then
  ivf_args=(--config 5000000,128 --config 500000,1024)
  km_args=()
  if [[ "${FAISS_CHECK_QUICK:-0}" == 1 ]]; then
    ivf_args=(--config 500000,128 --config 100000,1024 --nq 2000 --nlist 1024
              --kmeans 500000,128,1024,10)
    km_args=(--n 500000 --k 1024 --iters 10)
  fi
  say "IVF / k-means benchmark: building"
  if cmake --build "$build_dir" -j "$jobs" --target bench_gpu_ivf >> "$logs/build.log" 2>&1; then
    say "IVF / k-means benchmark: ours"
    timeout 300 "${run_env[@]}" "$build_dir/benchs/gpu/bench_gpu_ivf" --csv "$logs/bench_ivf.csv" \
      --md "$logs/bench_ivf.md" "${ivf_args[@]}" 2>&1 | tee "$logs/bench_ivf.log"
    ivf_rc=${PIPESTATUS[0]}
    say "k-means benchmark: torch"
    PYTHONUNBUFFERED=1 timeout 120 python3 "$repo_root/benchs/gpu/torch_kmeans.py" \
      --csv "$logs/bench_torch_kmeans.csv" "${km_args[@]}" 2>&1 | tee "$logs/bench_torch_kmeans.log"
    {
      echo
      echo "### IVF and k-means (bench_gpu_ivf rc $ivf_rc, $((SECONDS - start)) s into the check)"
      echo
      [[ -f "$logs/bench_ivf.md" ]] && cat "$logs/bench_ivf.md"
      grep '^torch kmeans' "$logs/bench_torch_kmeans.log"
    } | tee -a "$logs/results.md"
  else
    grep -E "error|Error" "$logs/build.log" | tail -20
    say "FAILED: bench_gpu_ivf build"
  fi
fi
((test_rc == 0)) || exit 1
