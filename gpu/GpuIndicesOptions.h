#pragma once

// How GPU inverted-file indexes store user ids (Faiss's enum; the flat GPU index numbers
// vectors sequentially and ignores it). Kept for source compatibility of cloner options.

namespace faiss {
namespace gpu {

enum IndicesOptions {
    /// Ids stay on the CPU; the GPU keeps list offsets only.
    INDICES_CPU = 0,
    /// No ids are kept: results are (list, offset) pairs.
    INDICES_IVF = 1,
    /// Ids stored on the GPU as 32-bit integers.
    INDICES_32_BIT = 2,
    /// Ids stored on the GPU as 64-bit integers.
    INDICES_64_BIT = 3,
};

}  // namespace gpu
}  // namespace faiss
