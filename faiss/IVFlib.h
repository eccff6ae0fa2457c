#pragma once

// Helpers that reach the IndexIVF inside a composite index (as Faiss's IVFlib.h), e.g.
// to set nprobe on the IVF part of IDMap(Refine(IVF...)) without knowing the nesting.

#include <faiss/Index.h>

namespace faiss {

struct IndexIVF;

/// The IndexIVF inside index, looking through the wrappers that hold exactly one
/// sub-index used for search: IndexIDMap / IndexIDMap2 (index), IndexRefine and
/// IndexRefineFlat (base_index) and IndexPreTransform (index). Returns index itself if
/// it is an IndexIVF, nullptr if there is none (or index is null). The result is owned
/// by the composite index and lives as long as it does. Not thread-safe against changes
/// to the composite's structure; reading it concurrently is fine.
IndexIVF* try_extract_index_ivf(Index* index);
const IndexIVF* try_extract_index_ivf(const Index* index);

/// As try_extract_index_ivf, but throws FaissException (invalid_argument) when index
/// is null or holds no IndexIVF.
IndexIVF* extract_index_ivf(Index* index);
const IndexIVF* extract_index_ivf(const Index* index);

/// Faiss declares these in namespace faiss::ivflib; code written that way compiles too.
namespace ivflib {
using faiss::extract_index_ivf;
using faiss::try_extract_index_ivf;
}  // namespace ivflib

}  // namespace faiss
