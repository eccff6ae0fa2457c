#!/usr/bin/env bash
# Install test: `cmake --install` the built tree into a temporary prefix, then configure,
# build and run a small outside project that finds it with find_package(faiss) and links
# faiss::faiss. Checks that each installed header compiles on its own, the package config
# resolves its dependencies, and the installed library loads (RPATH to OpenBLAS).
#
#   run_install_test.sh <source dir> <build dir>
set -euo pipefail

src="${1:?usage: run_install_test.sh <source dir> <build dir>}"
build="${2:?usage: run_install_test.sh <source dir> <build dir>}"
work="$(mktemp -d "${TMPDIR:-/tmp}/faiss-install-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT

prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log" || {
  cat "$work/install.log"; exit 1; }

# Private headers must stay out of the installed tree.
if [[ -e "$prefix/include/faiss/internal" ]] || \
   find "$prefix/include" -path '*/kernels/*' | grep -q .; then
  echo "install test: private headers (internal/, kernels/) were installed" >&2
  exit 1
fi

# Every installed header compiles on its own against the installed tree alone (GPU
# headers need the CUDA toolkit and are left out).
cxx="$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")"
# faiss/mpi headers (installed with FAISS_ENABLE_MPI only) also need MPI's.
mpi_include="$(sed -n 's/^MPI_C_HEADER_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")"
failed=0
while IFS= read -r header; do
  rel="${header#"$prefix/include/"}"
  extra=()
  if [[ "$rel" == faiss/mpi/* ]]; then extra=(-I "$mpi_include" -DOMPI_SKIP_MPICXX=1); fi
  if ! echo "#include <$rel>" | "${cxx:-c++}" -std=c++17 -fsyntax-only -x c++ \
         -I "$prefix/include" "${extra[@]}" - 2> "$work/header.log"; then
    echo "install test: installed header <$rel> does not compile on its own:" >&2
    cat "$work/header.log" >&2
    failed=1
  fi
done < <(find "$prefix/include/faiss" -name '*.h' -not -path '*/gpu/*' | sort)
((failed == 0)) || exit 1

# The library build type is taken from the tree under test.
build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")"
cmake -S "$src/tests/install/consumer" -B "$work/consumer-build" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE="${build_type:-Release}" \
  > "$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/consumer-build" > "$work/build.log" 2>&1 || {
  cat "$work/build.log"; exit 1; }

# Run with a clean loader path: the binary must find libfaiss and OpenBLAS by itself.
env -u LD_LIBRARY_PATH "$work/consumer-build/faiss_consumer"
