#!/usr/bin/env bash
# faiss-cli mpi-* end to end, under mpirun with 1, 2 and 4 ranks (4 oversubscribed):
#   - IVF built by 2 ranks: the merged file is read by faiss-cpu (the real Faiss, from
#     .venv-faiss/) with the same results as our own search of it, and the list shards
#     searched by 2 ranks (loaded or memory-mapped, one batch or batches of 7) give those
#     results too;
#   - Flat shards searched by 4 ranks give the exact neighbours (faiss-cpu brute force);
#   - IVFPQ merged file searched by faiss-cpu and by us alike; mpi-kmeans writes centroids;
#   - a missing or corrupted shard on one rank, or too many shard files: the job exits
#     with status 2 and an error naming the rank and the file, without hanging.
# Without .venv-faiss the faiss-cpu comparisons are skipped (status 77 if nothing ran).
#
#   run_cli_test.sh <source dir> <build dir> <mpiexec>
set -euo pipefail

src="${1:?usage: run_cli_test.sh <source dir> <build dir> <mpiexec>}"
build="${2:?}"
mpiexec="${3:?}"
cli="$build/tools/faiss-cli"
work="$(mktemp -d "${TMPDIR:-/tmp}/faiss-mpi-cli.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"

py="$src/.venv-faiss/bin/python"
have_ref=1
if [[ ! -x "$py" ]] || ! "$py" -c "import faiss" 2>/dev/null; then
  have_ref=0
  py="$src/.venv/bin/python"
  [[ -x "$py" ]] || py=python3
  echo "run_cli_test.sh: faiss-cpu reference (.venv-faiss) missing: its checks are skipped"
fi
"$py" -c "import numpy" 2>/dev/null || { echo "run_cli_test.sh: no numpy: skipped"; exit 77; }

run() {  # run <np> <faiss-cli args...>: fails the test on a non-zero status or a hang
  local np="$1"; shift
  timeout 90 "$mpiexec" -n "$np" "$cli" "$@" > "$work/out.log" 2>&1 || {
    echo "FAILED ($?): mpirun -n $np faiss-cli $*" >&2; cat "$work/out.log" >&2; exit 1; }
}
expect_failure() {  # expect_failure <needle> <np> <args...>: status 2 and needle in stderr
  local needle="$1" np="$2"; shift 2
  local status=0
  timeout 60 "$mpiexec" -n "$np" "$cli" "$@" > "$work/fail.log" 2>&1 || status=$?
  if [[ $status -eq 0 || $status -eq 124 ]] || ! grep -q -- "$needle" "$work/fail.log"; then
    echo "FAILED: expected a clean failure naming '$needle' (status $status):" \
         "mpirun -n $np faiss-cli $*" >&2
    cat "$work/fail.log" >&2
    exit 1
  fi
}

"$py" - <<'PY'
import numpy as np
rng = np.random.default_rng(5)
centers = rng.normal(size=(40, 32)).astype("float32")
def draw(n):
    return (centers[rng.integers(0, 40, n)] + 0.3 * rng.normal(size=(n, 32))).astype("float32")
def fvecs(name, x):
    out = np.empty((x.shape[0], x.shape[1] + 1), dtype="float32")
    out[:, 0] = np.array([x.shape[1]], dtype="int32").view("float32")[0]
    out[:, 1:] = x
    out.tofile(name)
fvecs("xb.fvecs", draw(6000))
fvecs("xq.fvecs", draw(100))
PY

# IVF: merged file + list shards by 2 ranks.
run 2 mpi-build --base xb.fvecs --factory IVF64,Flat --output ivf.faiss --output-shards ivf \
    --by-list
run 2 mpi-search --shards ivf --queries xq.fvecs --k 10 --params nprobe=8 --output ivf_sharded.npy
grep -q "routed" "$work/out.log"
run 2 mpi-search --shards ivf --queries xq.fvecs --k 10 --params nprobe=8 --mmap --batch 7 \
    --output ivf_sharded_mmap.npy
"$cli" search --index ivf.faiss --queries xq.fvecs --k 10 --params nprobe=8 \
    --output ivf_single.npy > /dev/null
# Flat: shards by 4 ranks (vectors split by rank), and 1 rank.
run 4 mpi-build --base xb.fvecs --factory Flat --output-shards flat
run 4 mpi-search --shards flat --queries xq.fvecs --k 10 --output flat_sharded.npy
run 1 mpi-build --base xb.fvecs --factory Flat --output-shards flat1
run 1 mpi-search --shards flat1 --queries xq.fvecs --k 10 --output flat_one.npy
# IVFPQ merged by 4 ranks.
run 4 mpi-build --base xb.fvecs --factory IVF32,PQ8 --output ivfpq.faiss
"$cli" search --index ivfpq.faiss --queries xq.fvecs --k 10 --params nprobe=4 \
    --output ivfpq_single.npy > /dev/null
run 2 mpi-kmeans --input xb.fvecs --k 16 --niter 5 --output centroids.npy

"$py" - "$have_ref" <<'PY'
import sys
import numpy as np
have_ref = sys.argv[1] == "1"
def fvecs(name):
    a = np.fromfile(name, dtype="float32")
    d = a[:1].view("int32")[0]
    return a.reshape(-1, d + 1)[:, 1:].copy()
xb, xq = fvecs("xb.fvecs"), fvecs("xq.fvecs")
ivf_sharded, ivf_single = np.load("ivf_sharded.npy"), np.load("ivf_single.npy")
assert (ivf_sharded == ivf_single).all(), "IVF list shards differ from the merged index"
assert (np.load("ivf_sharded_mmap.npy") == ivf_single).all(), "mapped shards, batches of 7"
flat_sharded, flat_one = np.load("flat_sharded.npy"), np.load("flat_one.npy")
assert (flat_sharded == flat_one).all(), "4 Flat shards differ from 1"
assert np.load("centroids.npy").shape == (16, 32)
if have_ref:
    import faiss
    ivf = faiss.read_index("ivf.faiss")
    assert ivf.ntotal == xb.shape[0], ivf.ntotal
    ivf.nprobe = 8
    _, I = ivf.search(xq, 10)
    assert (I == ivf_single).all(), "faiss-cpu disagrees on the merged IVF file"
    exact = faiss.IndexFlatL2(xb.shape[1])
    exact.add(xb)
    _, I = exact.search(xq, 10)
    assert (I == flat_sharded).all(), "Flat shards are not the exact neighbours"
    pq = faiss.read_index("ivfpq.faiss")
    pq.nprobe = 4
    _, I = pq.search(xq, 10)
    same = (I == np.load("ivfpq_single.npy")).mean()
    assert same >= 0.98, f"faiss-cpu and faiss-cli agree on {same:.3f} of the IVFPQ results"
    print(f"faiss-cpu reads the merged files: IVF identical, IVFPQ {same:.3f} identical")
PY

# Failures: a missing shard, a corrupted shard, more shard files than ranks.
cp ivf.1 ivf_bad.0
head -c 1000 ivf.1 > ivf_bad.1
expect_failure "rank 1 of 2" 2 mpi-search --shards ivf_bad --queries xq.fvecs
grep -q "ivf_bad.1" "$work/fail.log"
rm ivf_bad.1
expect_failure "rank 1 of 2" 2 mpi-search --shards ivf_bad --queries xq.fvecs --mmap
expect_failure "more shard files" 1 mpi-search --shards ivf --queries xq.fvecs
mkdir shard_dir.1  # rank 1 cannot write its shard file: a folder is in the way
expect_failure "rank 1 of 2" 2 mpi-build --base xb.fvecs --factory IVF16,Flat \
    --output-shards shard_dir
grep -q "shard_dir.1" "$work/fail.log"
echo "run_cli_test.sh: passed"
