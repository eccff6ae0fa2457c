#pragma once

// Product quantizer (Jégou, Douze, Schmid, "Product quantization for nearest neighbor
// search", IEEE TPAMI 2011). A d-dimensional vector is cut into M sub-vectors of
// dsub = d / M components; each sub-vector is replaced by the index of its nearest
// centroid among ksub = 2^nbits centroids learnt by k-means in that sub-space.
//
// Code layout (identical to Faiss, see FAISS_FORMAT.md section 6): each vector's code is
// code_size = ceil(M * nbits / 8) bytes; the M sub-codes are packed LSB-first as one
// continuous bit stream (sub-code 0 in the lowest nbits bits of byte 0, sub-code 1 right
// after ...), unused high bits of the last byte are zero. For nbits = 8 that is one byte
// per sub-quantizer; for nbits = 16 a little-endian uint16 per sub-quantizer.
//
// Supported nbits: 1 .. 16 (Faiss files may hold up to 24; those are rejected here).
//
// Thread safety: const methods may run concurrently; train, set_params,
// compute_sdc_table and changes to the fields need exclusive access.

#include <faiss/Clustering.h>
#include <faiss/Index.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace faiss {

struct ProductQuantizer {
    /// How train() initialises and runs the sub-space k-means.
    enum train_type_t {
        Train_default,        ///< independent k-means in each sub-space
        Train_hot_start,      ///< not supported (throws)
        Train_shared,         ///< one k-means on all sub-vectors, shared by every sub-space
        Train_hypercube,      ///< not supported (throws)
        Train_hypercube_pca,  ///< not supported (throws)
    };

    size_t d = 0;          ///< input dimension
    size_t M = 0;          ///< number of sub-quantizers
    size_t nbits = 0;      ///< bits per sub-code
    size_t dsub = 0;       ///< d / M
    size_t ksub = 0;       ///< 2^nbits centroids per sub-quantizer
    size_t code_size = 0;  ///< ceil(M * nbits / 8) bytes per vector
    bool verbose = false;  ///< print training progress to stdout
    train_type_t train_type = Train_default;
    /// k-means options for every sub-space. Below ksub * cp.min_points_per_centroid
    /// (default 39 * ksub) training points k-means prints a warning, as in Faiss; below
    /// ksub points train() throws.
    ClusteringParameters cp;

    /// M x ksub x dsub floats: centroid j of sub-quantizer m, component t is at
    /// (m * ksub + j) * dsub + t. Zeros until trained.
    std::vector<float> centroids;

    /// Symmetric distance table, M x ksub x ksub: sdc_table[(m * ksub + i) * ksub + j] is
    /// the squared L2 distance between centroids i and j of sub-quantizer m. Empty until
    /// compute_sdc_table() is called.
    std::vector<float> sdc_table;

    ProductQuantizer();
    /// @throws FaissException (invalid_argument) when M == 0, d % M != 0, or nbits is
    /// outside 1 .. 16.
    ProductQuantizer(size_t d, size_t M, size_t nbits);

    /// Recompute dsub, ksub, code_size from d, M, nbits and size centroids (zeros).
    /// @throws FaissException (invalid_argument) as the constructor.
    void set_derived_values();

    /// Pointer to centroid i of sub-quantizer m (dsub floats).
    float* get_centroids(size_t m, size_t i);
    const float* get_centroids(size_t m, size_t i) const;

    /// Copy ksub x dsub centroids for sub-quantizer m.
    void set_params(const float* centroids, int m);

    /// Learn the centroids from n vectors x (n x d): one k-means (cp) per sub-space, on
    /// the seeded sample of ksub * cp.max_points_per_centroid vectors when n is larger
    /// (the same sample in every sub-space, as Faiss). Sub-spaces train in parallel, one
    /// thread each; sub-spaces of up to 32 dimensions assign points with a direct SIMD
    /// nearest-centroid kernel instead of a GEMM. Same result for any thread count.
    /// @throws FaissException (invalid_argument) for n < ksub (message says how many are
    /// needed), null x, NaN/inf data; (unsupported) for train types other than
    /// Train_default / Train_shared.
    void train(size_t n, const float* x);

    /// Code (code_size bytes) of one vector x (d floats).
    void compute_code(const float* x, uint8_t* code) const;

    /// Codes of n vectors x (n x d) into codes (n x code_size). Parallel for large n.
    void compute_codes(const float* x, uint8_t* codes, size_t n) const;

    /// Code of the vector whose per-sub-quantizer distances are tab (M x ksub): the
    /// argmin of each row.
    void compute_code_from_distance_table(const float* tab, uint8_t* code) const;

    /// Reconstruct one vector (d floats) from its code.
    void decode(const uint8_t* code, float* x) const;

    /// Reconstruct n vectors (n x d) from codes (n x code_size).
    void decode(const uint8_t* code, float* x, size_t n) const;

    /// dis_table (M x ksub): squared L2 distance between sub-vector m of x and
    /// centroid j of sub-quantizer m, at m * ksub + j.
    void compute_distance_table(const float* x, float* dis_table) const;

    /// dis_table (M x ksub): inner product of sub-vector m of x with centroid j.
    void compute_inner_prod_table(const float* x, float* dis_table) const;

    /// The distance tables of nx vectors x (nx x d) into dis_tables (nx x M x ksub).
    void compute_distance_tables(size_t nx, const float* x, float* dis_tables) const;

    /// The inner-product tables of nx vectors (nx x M x ksub).
    void compute_inner_prod_tables(size_t nx, const float* x, float* dis_tables) const;

    /// Beyond Faiss: the centroids transposed per sub-space into ct (d x ksub floats):
    /// component t of centroid j of sub-quantizer m at ct[(m * dsub + t) * ksub + j], the
    /// layout of the unit-stride table and encoding kernels.
    void transposed_centroids(float* ct) const;

    /// Fill sdc_table from the current centroids.
    void compute_sdc_table();

  private:
    void train_one(size_t n, const float* xsub, float* out_centroids) const;
    void encode_direct(const float* x, uint8_t* codes, size_t n) const;
};

/// Writes sub-codes of nbits bits (1 .. 16) LSB-first into a zeroed code buffer.
/// Semantics of Faiss's PQEncoderGeneric. The caller guarantees code has room for
/// every sub-code written.
struct PQEncoderGeneric {
    uint8_t* code;
    int nbits;
    size_t bit_pos = 0;

    /// code must be zeroed over the bytes that will be written.
    PQEncoderGeneric(uint8_t* code, int nbits);
    /// Append x (only its low nbits bits are kept).
    void encode(uint64_t x);
};

/// Reads sub-codes written by PQEncoderGeneric, in the same order.
struct PQDecoderGeneric {
    const uint8_t* code;
    int nbits;
    size_t bit_pos = 0;

    PQDecoderGeneric(const uint8_t* code, int nbits);
    uint64_t decode();
};

}  // namespace faiss
