#pragma once

// Entry points used only by the Python bindings: Index calls on vectors stored as 16-bit
// floats (IEEE fp16 or bfloat16). The vectors are converted to float32 one block of rows
// at a time inside C++, so a large float16 array never gets a full float32 copy (except
// for train, see index_train_16bit).
//
// Thread safety: as the Index method each function calls.

#include <faiss/Index.h>
#include <faiss/RangeSearchResult.h>

#include <cstddef>
#include <cstdint>

namespace faiss {
namespace python_support {

/// Encoding of 16-bit vector components.
enum Float16Kind {
    FLOAT16_KIND_FP16 = 0,  ///< IEEE 754 binary16 (numpy.float16)
    FLOAT16_KIND_BF16 = 1,  ///< bfloat16 (ml_dtypes.bfloat16)
};

/// Rows converted per block for a vector dimension d: about 1M floats (4 MiB).
size_t float16_block_rows(int d);

/// index->add (xids null) or index->add_with_ids of n vectors x (n x index->d 16-bit
/// values), block by block. Blocks are added in order, so ids follow as in one call.
void index_add_16bit(Index* index, idx_t n, const uint16_t* x, int kind,
                     const idx_t* xids = nullptr);

/// index->search of n queries x (n x d 16-bit values) into distances / labels (n x k),
/// block by block of queries.
void index_search_16bit(const Index* index, idx_t n, const uint16_t* x, int kind, idx_t k,
                        float* distances, idx_t* labels, const SearchParameters* params = nullptr);

/// index->range_search of n queries x (16-bit) into result (made with nq = n), block by
/// block of queries; the per-block results are concatenated.
void index_range_search_16bit(const Index* index, idx_t n, const uint16_t* x, int kind,
                              float radius, RangeSearchResult* result,
                              const SearchParameters* params = nullptr);

/// index->train on n vectors x (16-bit). Training reads all its vectors together, so
/// the whole array is converted to float32 here, in C++, in one buffer.
void index_train_16bit(Index* index, idx_t n, const uint16_t* x, int kind);

}  // namespace python_support
}  // namespace faiss
