// Top-k selection and row operations of the brute-force engine (see topk.h).
//
// The block scans test a fixed-size chunk of scores against the current threshold with
// a branch-free count the compiler vectorises; only chunks holding a candidate go
// through the scalar heap update. On random data almost every chunk is rejected once
// the heap is full, so the cost per score is a compare and an add.
#include <faiss/internal/topk.h>

#include <algorithm>
#include <limits>

namespace faiss::internal {

namespace {
constexpr size_t kChunk = 16;

inline int count_below(const float* s, float threshold) {
    int hits = 0;
    for (size_t t = 0; t < kChunk; t++)
        hits += s[t] < threshold;
    return hits;
}
}  // namespace

void topk_heap_init(size_t k, float* scores, int64_t* ids) {
    std::fill(scores, scores + k, std::numeric_limits<float>::infinity());
    std::fill(ids, ids + k, int64_t(-1));
}

void topk_heap_sort(size_t k, float* scores, int64_t* ids) {
    // Pop the worst entry to the end, k times: the result is in ascending order.
    for (size_t size = k; size > 1; size--) {
        float s = scores[size - 1];
        int64_t id = ids[size - 1];
        scores[size - 1] = scores[0];
        ids[size - 1] = ids[0];
        topk_heap_replace_top(size - 1, scores, ids, s, id);
    }
}

void topk_offer_block(size_t k, float* heap_scores, int64_t* heap_ids, const float* scores,
                      size_t n, int64_t id0) {
    float threshold = heap_scores[0];
    size_t j = 0;
    for (; j + kChunk <= n; j += kChunk) {
        if (count_below(scores + j, threshold) == 0) continue;
        for (size_t t = j; t < j + kChunk; t++) {
            if (scores[t] < threshold) {
                topk_heap_replace_top(k, heap_scores, heap_ids, scores[t], id0 + int64_t(t));
                threshold = heap_scores[0];
            }
        }
    }
    for (; j < n; j++) {
        if (scores[j] < threshold) {
            topk_heap_replace_top(k, heap_scores, heap_ids, scores[j], id0 + int64_t(j));
            threshold = heap_scores[0];
        }
    }
}

void top1_offer_block(float* best_score, int64_t* best_id, const float* scores, size_t n,
                      int64_t id0) {
    float best = *best_score;
    int64_t best_j = -1;
    size_t j = 0;
    for (; j + kChunk <= n; j += kChunk) {
        if (count_below(scores + j, best) == 0) continue;
        for (size_t t = j; t < j + kChunk; t++) {
            if (scores[t] < best) {
                best = scores[t];
                best_j = int64_t(t);
            }
        }
    }
    for (; j < n; j++) {
        if (scores[j] < best) {
            best = scores[j];
            best_j = int64_t(j);
        }
    }
    if (best_j >= 0) {
        *best_score = best;
        *best_id = id0 + best_j;
    }
}

namespace {

bool candidate_before(const TopKCandidate& a, const TopKCandidate& b) {
    return a.score < b.score || (a.score == b.score && a.id < b.id);
}

// Keep the k best of buf[0, *size) and set the threshold to the worst of them.
void reservoir_cut(size_t k, TopKCandidate* buf, size_t* size, float* threshold) {
    std::nth_element(buf, buf + (k - 1), buf + *size, candidate_before);
    *size = k;
    *threshold = buf[k - 1].score;
}

}  // namespace

void reservoir_offer_block(size_t k, TopKCandidate* buf, size_t* size, float* threshold,
                           const float* scores, size_t n, int64_t id0) {
    float limit = *threshold;
    size_t used = *size;
    const size_t capacity = 2 * k;
    for (size_t j0 = 0; j0 < n; j0 += kChunk) {
        const size_t j1 = std::min(n, j0 + kChunk);
        if (j1 - j0 == kChunk && count_below(scores + j0, limit) == 0) continue;
        for (size_t j = j0; j < j1; j++) {
            if (!(scores[j] < limit)) continue;
            buf[used++] = {scores[j], id0 + int64_t(j)};
            if (used == capacity) {
                reservoir_cut(k, buf, &used, &limit);
            }
        }
    }
    *size = used;
    *threshold = limit;
}

void reservoir_finish(size_t k, TopKCandidate* buf, size_t n, float* out_scores, int64_t* out_ids) {
    const size_t kept = std::min(k, n);
    if (n > k) std::nth_element(buf, buf + (k - 1), buf + n, candidate_before);
    std::sort(buf, buf + kept, candidate_before);
    for (size_t i = 0; i < kept; i++) {
        out_scores[i] = buf[i].score;
        out_ids[i] = buf[i].id;
    }
    topk_heap_init(k - kept, out_scores + kept, out_ids + kept);
}

void range_collect_block(const float* scores, size_t n, int64_t id0, float threshold,
                         std::vector<std::pair<int64_t, float>>& hits) {
    size_t j = 0;
    for (; j + kChunk <= n; j += kChunk) {
        if (count_below(scores + j, threshold) == 0) continue;
        for (size_t t = j; t < j + kChunk; t++) {
            if (scores[t] < threshold) hits.emplace_back(id0 + int64_t(t), scores[t]);
        }
    }
    for (; j < n; j++) {
        if (scores[j] < threshold) hits.emplace_back(id0 + int64_t(j), scores[j]);
    }
}

void l2_from_dot_block(float* row, size_t n, float qnorm, const float* bnorms) {
    for (size_t j = 0; j < n; j++) {
        float v = qnorm + bnorms[j] + row[j];
        // Rounding can make a tiny distance negative; "v < 0" is false for NaN, so a
        // NaN stays NaN (std::max would turn it into 0 and let it into the results).
        row[j] = v < 0 ? 0.0f : v;
    }
}

void negate_block(float* row, size_t n) {
    for (size_t j = 0; j < n; j++)
        row[j] = -row[j];
}

void mask_block(float* row, size_t n, const uint8_t* mask) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (size_t j = 0; j < n; j++) {
        if (!mask[j]) row[j] = nan;
    }
}

}  // namespace faiss::internal
