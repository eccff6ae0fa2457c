#pragma once

// Deep copies of indexes, as Faiss's clone_index: the copy shares nothing with the
// original (sub-indexes, quantizers and inverted lists are copied and owned by it).
// Every type that can be saved (faiss/index_io.h) can be cloned; the copy is made by
// serializing to memory and reading back, so it holds exactly what a saved file would.

namespace faiss {

struct Index;

/// A deep copy of index, of the same concrete class; the caller owns it. Fields a file
/// does not keep (verbose, the IVF training parameters, IndexIVFPQ's polysemous_ht ...)
/// take their default values, as after read_index.
/// @throws FaissException (invalid_argument) for null, (unsupported) for a type that
/// cannot be saved.
Index* clone_index(const Index* index);

}  // namespace faiss
