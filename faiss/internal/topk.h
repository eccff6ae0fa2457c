#pragma once

// Exact top-k selection and the per-block row operations of the brute-force engine.
// Private: never installed.
//
// Inside the engine every score is "smaller is better": squared L2 and the other
// distances as they are, inner products negated. Negation is exact, so callers flip
// the sign back at the end and get bit-identical similarities.
//
// Ordering is by (score, id): equal scores keep the smaller id, which makes results
// deterministic whatever the thread count or block sizes. NaN never enters a result
// (every comparison with NaN is false), nor does +inf (it equals the padding).

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace faiss::internal {

/// True when (sa, ia) ranks after (sb, ib): larger score, or same score and larger id.
inline bool topk_ranks_after(float sa, int64_t ia, float sb, int64_t ib) {
    return sa > sb || (sa == sb && ia > ib);
}

/// Fill a result heap of k entries with padding (+inf, -1).
void topk_heap_init(size_t k, float* scores, int64_t* ids);

/// Replace the root (the worst entry) of a max-heap of k entries by (s, id).
inline void topk_heap_replace_top(size_t k, float* scores, int64_t* ids, float s, int64_t id) {
    size_t i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= k) break;
        if (child + 1 < k &&
            topk_ranks_after(scores[child + 1], ids[child + 1], scores[child], ids[child])) {
            child++;
        }
        if (!topk_ranks_after(scores[child], ids[child], s, id)) break;
        scores[i] = scores[child];
        ids[i] = ids[child];
        i = child;
    }
    scores[i] = s;
    ids[i] = id;
}

/// Offer one candidate in any id order (used when merging partial results).
inline void topk_heap_offer(size_t k, float* scores, int64_t* ids, float s, int64_t id) {
    if (topk_ranks_after(scores[0], ids[0], s, id)) topk_heap_replace_top(k, scores, ids, s, id);
}

/// Turn a heap into a list sorted best first, in place; padding ends up last.
void topk_heap_sort(size_t k, float* scores, int64_t* ids);

/// Offer scores[j] with id id0 + j for j < n to a heap of k > 1 entries. Every id
/// already in the heap must be smaller than id0 (blocks arrive in increasing id order),
/// which lets a plain "score < worst" test decide. Most blocks are rejected by a
/// vectorised threshold test before any heap work.
void topk_offer_block(size_t k, float* heap_scores, int64_t* heap_ids, const float* scores,
                      size_t n, int64_t id0);

/// Same for k == 1: keep the single best (score, id), same id-order requirement.
void top1_offer_block(float* best_score, int64_t* best_id, const float* scores, size_t n,
                      int64_t id0);

/// One candidate of a reservoir.
struct TopKCandidate {
    float score;
    int64_t id;
};

/// Reservoir selection, faster than a heap for large k: candidates below *threshold
/// are appended to buf (capacity 2k, *size used); a full buffer is cut back to its k
/// best, which raises *threshold to the k-th score. Same id-order requirement as
/// topk_offer_block.
void reservoir_offer_block(size_t k, TopKCandidate* buf, size_t* size, float* threshold,
                           const float* scores, size_t n, int64_t id0);

/// Sort the k best of the n candidates in buf (reordered) into out_scores / out_ids,
/// best first, padded with (+inf, -1).
void reservoir_finish(size_t k, TopKCandidate* buf, size_t n, float* out_scores, int64_t* out_ids);

/// Append (id0 + j, scores[j]) for each scores[j] < threshold.
void range_collect_block(const float* scores, size_t n, int64_t id0, float threshold,
                         std::vector<std::pair<int64_t, float>>& hits);

/// row[j] = qnorm + bnorms[j] + row[j], clamped at 0 (NaN stays NaN): turns
/// row[j] = -2 <q, b_j> into ||q - b_j||^2.
void l2_from_dot_block(float* row, size_t n, float qnorm, const float* bnorms);

/// row[j] = -row[j].
void negate_block(float* row, size_t n);

/// row[j] = NaN where mask[j] == 0, so filtered-out ids never enter a result.
void mask_block(float* row, size_t n, const uint8_t* mask);

}  // namespace faiss::internal
