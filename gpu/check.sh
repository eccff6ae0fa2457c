#!/usr/bin/env bash
# GPU check (issue 10): on a machine with a CUDA GPU, builds the GPU backend (Release,
# every core, sm_90 unless FAISS_CUDA_ARCHITECTURES says otherwise) with the C API, runs
# test_gpu, the C API's gpu suite and tutorial 5-GPU, the Python GPU tests when the
# machine can build the Python module (SWIG and Python.h, from the system or .devdebs;
# otherwise they are reported as skipped), runs the GPU benchmark (ours: benchs/gpu/bench_gpu_flat; torch: benchs/gpu/torch_knn.py) and
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
# Logs and results: <build>/logs (build.log, test_gpu.log, bench_*.csv/.log, results.md,
# ...). When $OUT is set (the device tool, which returns at most 8 files), results.md and
# one logs.tar.gz of the whole folder are copied there on exit, also after a failure or a
# timeout signal.
set -uo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${FAISS_GPU_CHECK_BUILD_DIR:-$repo_root/build-gpucheck}"
logs="$build_dir/logs"
jobs="${FAISS_BUILD_JOBS:-$(nproc)}"
arch="${FAISS_CUDA_ARCHITECTURES:-90}"
start=$SECONDS
mkdir -p "$build_dir" "$logs"
rm -f "$logs"/*
export_logs() {
  [[ -n "${OUT:-}" ]] || return 0
  mkdir -p "$OUT"
  [[ -f "$logs/results.md" ]] && cp "$logs/results.md" "$OUT/"
  tar -czf "$OUT/logs.tar.gz" -C "$logs" . 2> /dev/null
}
trap export_logs EXIT
trap "exit 143" TERM INT
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

# Python module: needs SWIG (system, or the swig .debs unpacked above) and the headers of
# the python3 that runs the tests (the device image's python3 holds torch and numpy).
with_python=OFF
python_note="Python GPU tests skipped"
swig_exe="$(command -v swig4.0 || command -v swig || true)"
if [[ (-z "$swig_exe" || "${FAISS_CHECK_USE_DEBS:-0}" == 1) && -n "${prefix:-}" &&
      -x "$prefix/usr/bin/swig4.0" ]]; then
  swig_exe="$prefix/usr/bin/swig4.0"
  export SWIG_LIB="$prefix/usr/share/swig4.0"
fi
py_include="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2> /dev/null)"
if [[ -z "$swig_exe" ]]; then
  python_note="$python_note: no SWIG (gpu/fetch_debs.sh fetches it)"
elif [[ ! -f "$py_include/Python.h" ]]; then
  python_note="$python_note: no Python.h for $(command -v python3) ($py_include)"
elif ! python3 -c 'import numpy, pytest' > /dev/null 2>&1; then
  python_note="$python_note: python3 lacks numpy or pytest"
else
  with_python=ON
  cmake_args+=(-DSWIG_EXECUTABLE="$swig_exe" -DPython3_EXECUTABLE="$(command -v python3)")
fi
if [[ $with_python == ON ]]; then say "Python module: built with $swig_exe"; else say "$python_note"; fi

# --- Build --------------------------------------------------------------------------
generator=()
launcher=()
command -v ccache > /dev/null 2>&1 &&
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
command -v ninja > /dev/null 2>&1 && generator=(-G Ninja)
[[ -f "$build_dir/CMakeCache.txt" ]] && generator=()
say "configuring (architectures $arch, $jobs jobs)"
if ! cmake -S "$repo_root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
     -DBUILD_TESTING=ON -DFAISS_ENABLE_GPU=ON -DFAISS_ENABLE_PYTHON=$with_python \
     -DFAISS_ENABLE_C_API=ON -DCMAKE_CUDA_ARCHITECTURES="$arch" "${launcher[@]}" "${cmake_args[@]}" \
     > "$logs/build.log" 2>&1; then
  tail -30 "$logs/build.log"
  say "FAILED: configure"
  exit 1
fi
build_start=$SECONDS
build_targets=(--target test_gpu bench_gpu_flat test_c_api tutorial_5_GPU)
[[ $with_python == ON ]] && build_targets+=(--target swigfaiss)
if ! cmake --build "$build_dir" -j "$jobs" "${build_targets[@]}" \
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

# C API gpu suite, tutorial 5-GPU (77 = skipped: no device), Python GPU tests.
timeout 60 "${run_env[@]}" "$build_dir/tests/test_c_api" gpu > "$logs/test_c_api_gpu.log" 2>&1
c_rc=$?
tail -3 "$logs/test_c_api_gpu.log"
summary+=("test_c_api gpu: rc $c_rc")
timeout 120 "${run_env[@]}" "$build_dir/tutorial/tutorial_5_GPU" > "$logs/tutorial_5_GPU.log" 2>&1
tut_rc=$?
tail -5 "$logs/tutorial_5_GPU.log"
summary+=("tutorial 5-GPU (C++): rc $tut_rc")
py_rc=0
if [[ $with_python == ON ]]; then
  PYTHONPATH="$build_dir/python" FAISS_PYTHON_DIR="$build_dir/python" "${run_env[@]}" \
    timeout 240 python3 -m pytest -q -p no:cacheprovider "$repo_root/tests/python/test_gpu.py" \
    > "$logs/test_python_gpu.log" 2>&1
  py_rc=$?
  tail -5 "$logs/test_python_gpu.log"
  summary+=("pytest test_gpu.py: rc $py_rc, $(tail -1 "$logs/test_python_gpu.log")")
else
  summary+=("$python_note")
fi
other_failed=0
((c_rc == 0 && (tut_rc == 0 || tut_rc == 77) && py_rc == 0)) || other_failed=1

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
# Tests: the C API suite gpu_ivf and tests/python/test_gpu_ivf.py (when Python is built);
# their failures fail the check. Benchmark: bench_gpu_ivf, GpuIndexIVFFlat / SQ8 / PQ32
# (nb=5M d=128 and nb=250k d=1024, nq=10k, IVF4096, nprobe 16 and 64: QPS, recall@10,
# bandwidth of the list scans) and k-means (n=5M d=128 k=4096, 20 iterations:
# train_clustering with the points on the GPU, and Clustering + GpuIndexFlatL2);
# torch_kmeans.py runs the same Lloyd loop in torch. About 2 minutes;
# FAISS_CHECK_QUICK=1 shrinks the sizes. Logs: test_c_api_gpu_ivf.log,
# test_python_gpu_ivf.log, bench_ivf.log/.csv/.md, bench_torch_kmeans.log/.csv; the
# table is appended to results.md.
ivf_failed=0
timeout 120 "${run_env[@]}" "$build_dir/tests/test_c_api" gpu_ivf > "$logs/test_c_api_gpu_ivf.log" 2>&1 ||
  ivf_failed=1
tail -2 "$logs/test_c_api_gpu_ivf.log"
if [[ $with_python == ON ]]; then
  PYTHONPATH="$build_dir/python" FAISS_PYTHON_DIR="$build_dir/python" "${run_env[@]}" \
    timeout 240 python3 -m pytest -q -p no:cacheprovider "$repo_root/tests/python/test_gpu_ivf.py" \
    > "$logs/test_python_gpu_ivf.log" 2>&1 || ivf_failed=1
  tail -3 "$logs/test_python_gpu_ivf.log"
fi
echo "- IVF tests (C API gpu_ivf, pytest test_gpu_ivf.py): $( ((ivf_failed)) && echo FAILED || echo ok)" |
  tee -a "$logs/results.md"
if ((have_gpu)); then
  ivf_args=(--config 5000000,128 --config 250000,1024)
  km_args=()
  if [[ "${FAISS_CHECK_QUICK:-0}" == 1 ]]; then
    ivf_args=(--config 500000,128 --config 100000,1024 --nq 2000 --nlist 1024
              --kmeans 500000,128,1024,10)
    km_args=(--n 500000 --k 1024 --iters 10)
  fi
  say "IVF / k-means benchmark: building"
  if cmake --build "$build_dir" -j "$jobs" --target bench_gpu_ivf >> "$logs/build.log" 2>&1; then
    say "IVF / k-means benchmark: ours"
    timeout 240 "${run_env[@]}" "$build_dir/benchs/gpu/bench_gpu_ivf" --csv "$logs/bench_ivf.csv" \
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
((test_rc == 0 && other_failed == 0 && ivf_failed == 0)) || exit 1
