#include "python_support.h"

#include <faiss/FaissException.h>
#include <faiss/utils/fp16.h>

#include <algorithm>
#include <new>
#include <string>
#include <vector>

namespace faiss {
namespace python_support {

namespace {

[[noreturn]] void fail(const std::string& message, const char* function) {
    throw FaissException(ErrorCode::invalid_argument, message, function, __FILE__, __LINE__);
}

void check_common(const Index* index, idx_t n, const uint16_t* x, int kind, const char* function) {
    if (!index) fail("index is null", function);
    if (n < 0) fail("number of vectors must be >= 0, got " + std::to_string(n), function);
    if (n > 0 && !x) fail("vector pointer is null", function);
    if (kind != FLOAT16_KIND_FP16 && kind != FLOAT16_KIND_BF16) {
        fail("unknown 16-bit float kind " + std::to_string(kind) +
                 " (expected 0 = fp16 or 1 = bf16)",
             function);
    }
}

/// Decode `count` 16-bit values into out.
void decode(const uint16_t* in, size_t count, int kind, float* out) {
    if (kind == FLOAT16_KIND_FP16) {
        fp16_to_float(count, in, out);
    } else {
        bf16_to_float(count, in, out);
    }
}

}  // namespace

size_t float16_block_rows(int d) {
    const size_t target_floats = size_t(1) << 20;
    return std::max<size_t>(1, target_floats / size_t(std::max(d, 1)));
}

void index_add_16bit(Index* index, idx_t n, const uint16_t* x, int kind, const idx_t* xids) {
    check_common(index, n, x, kind, __func__);
    const size_t d = size_t(index->d);
    const size_t bs = float16_block_rows(index->d);
    std::vector<float> buf(std::min(bs, size_t(n)) * d);
    for (size_t i0 = 0; i0 < size_t(n); i0 += bs) {
        const size_t ni = std::min(bs, size_t(n) - i0);
        decode(x + i0 * d, ni * d, kind, buf.data());
        if (xids) {
            index->add_with_ids(idx_t(ni), buf.data(), xids + i0);
        } else {
            index->add(idx_t(ni), buf.data());
        }
    }
}

void index_search_16bit(const Index* index, idx_t n, const uint16_t* x, int kind, idx_t k,
                        float* distances, idx_t* labels, const SearchParameters* params) {
    check_common(index, n, x, kind, __func__);
    if (k <= 0) fail("k must be > 0, got " + std::to_string(k), __func__);
    if (n > 0 && (!distances || !labels)) fail("distances or labels is null", __func__);
    const size_t d = size_t(index->d);
    const size_t bs = float16_block_rows(index->d);
    std::vector<float> buf(std::min(bs, size_t(n)) * d);
    for (size_t i0 = 0; i0 < size_t(n); i0 += bs) {
        const size_t ni = std::min(bs, size_t(n) - i0);
        decode(x + i0 * d, ni * d, kind, buf.data());
        index->search(idx_t(ni), buf.data(), k, distances + i0 * size_t(k), labels + i0 * size_t(k),
                      params);
    }
}

void index_range_search_16bit(const Index* index, idx_t n, const uint16_t* x, int kind,
                              float radius, RangeSearchResult* result,
                              const SearchParameters* params) {
    check_common(index, n, x, kind, __func__);
    if (!result) fail("range search result is null", __func__);
    if (result->nq != size_t(n)) {
        fail("range search result was made for nq=" + std::to_string(result->nq) +
                 ", got n=" + std::to_string(n),
             __func__);
    }
    const size_t d = size_t(index->d);
    const size_t bs = float16_block_rows(index->d);
    std::vector<float> buf(std::min(bs, size_t(n)) * d);
    std::vector<size_t> counts(static_cast<size_t>(n));
    std::vector<idx_t> labels;
    std::vector<float> distances;
    for (size_t i0 = 0; i0 < size_t(n); i0 += bs) {
        const size_t ni = std::min(bs, size_t(n) - i0);
        decode(x + i0 * d, ni * d, kind, buf.data());
        RangeSearchResult block(ni);
        index->range_search(idx_t(ni), buf.data(), radius, &block, params);
        for (size_t i = 0; i < ni; i++)
            counts[i0 + i] = block.lims[i + 1] - block.lims[i];
        labels.insert(labels.end(), block.labels, block.labels + block.lims[ni]);
        distances.insert(distances.end(), block.distances, block.distances + block.lims[ni]);
    }
    // Filled directly rather than through do_allocation, whose count convention is an
    // implementation detail of RangeSearchResult.
    if (!result->lims) result->lims = new size_t[size_t(n) + 1];
    result->lims[0] = 0;
    for (size_t i = 0; i < size_t(n); i++)
        result->lims[i + 1] = result->lims[i] + counts[i];
    idx_t* new_labels = new idx_t[labels.size()];
    float* new_distances = new (std::nothrow) float[distances.size()];
    if (!new_distances) {
        delete[] new_labels;
        throw std::bad_alloc();
    }
    std::copy(labels.begin(), labels.end(), new_labels);
    std::copy(distances.begin(), distances.end(), new_distances);
    delete[] result->labels;
    delete[] result->distances;
    result->labels = new_labels;
    result->distances = new_distances;
}

void index_train_16bit(Index* index, idx_t n, const uint16_t* x, int kind) {
    check_common(index, n, x, kind, __func__);
    std::vector<float> buf(size_t(n) * size_t(index->d));
    decode(x, buf.size(), kind, buf.data());
    index->train(n, buf.data());
}

}  // namespace python_support
}  // namespace faiss
