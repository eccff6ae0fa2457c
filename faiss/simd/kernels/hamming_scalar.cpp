// Hamming kernels without the POPCNT instruction (baseline x86-64 and other CPUs).
#define FAISS_SIMD_NS scalar
#define FAISS_HAMMING_POPCNT 0
#include <faiss/simd/kernels/hamming-inl.h>

namespace faiss::simd::scalar {

extern const HammingKernels hamming_kernels = {hamming_distances_words, hamming_filter_words,
                                               "scalar"};

}  // namespace faiss::simd::scalar
