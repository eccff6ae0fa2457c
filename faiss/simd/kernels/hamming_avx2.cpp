// Hamming kernels with the 64-bit POPCNT instruction, one word at a time (the table of
// the avx2 level; the dispatcher checks the POPCNT bit).
#define FAISS_SIMD_NS avx2
#define FAISS_HAMMING_POPCNT 1
#include <faiss/simd/kernels/hamming-inl.h>

namespace faiss::simd::avx2 {

extern const HammingKernels hamming_kernels = {hamming_distances_words, hamming_filter_words,
                                               "popcnt"};

}  // namespace faiss::simd::avx2
