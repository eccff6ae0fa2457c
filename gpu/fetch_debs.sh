#!/usr/bin/env bash
# Downloads, on a machine with network and apt (this Debian 12 workplace), the Debian
# packages that gpu/check.sh unpacks on a GPU machine lacking them: OpenBLAS (OpenMP
# build) with its Fortran runtime, GoogleTest, and SWIG (for the Python GPU tests). They
# land in .devdebs/ (git-ignored, about 9 MB); a device run carries that folder
# (carry: [".devdebs"]).
#
#   gpu/fetch_debs.sh
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo_root/.devdebs"
mkdir -p "$dest"
cd "$dest"
rm -f ./*.deb
apt-get download libopenblas0-openmp libgfortran5 libquadmath0 libgtest-dev swig4.0
ls -l "$dest"
