#pragma once

// Vector transforms: maps from d_in-dimensional to d_out-dimensional vectors, applied
// before indexing (IndexPreTransform) to rotate, reduce, whiten or normalise the data.
// Names, constructors and fields follow Faiss, so the index_factory prefixes ("PCA64",
// "OPQ16_64", "RR64", "L2norm" ...) and the file format (FAISS_FORMAT.md §12.2) map to
// these classes one to one.
//
// Shapes: x is n x d_in floats, xt is n x d_out floats, both row-major.
//
// Training: a transform that learns from data (PCAMatrix, OPQMatrix, CenteringTransform)
// starts with is_trained = false and applying it throws (not_trained) until train() ran
// or its fields were set (e.g. by the file reader). Training data must be finite: NaN or
// infinity throws (invalid_argument). Vectors given to apply() are not scanned.
//
// Thread safety: const methods (apply, apply_noalloc, reverse_transform ...) may run
// concurrently; train and changes to the fields need exclusive access.

#include <faiss/Index.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace faiss {

struct ProductQuantizer;

/// Any transformation of a set of vectors.
struct VectorTransform {
    int d_in;         ///< input dimension
    int d_out;        ///< output dimension
    bool is_trained;  ///< false while the transform still needs train()

    /// A transform that needs no training (is_trained = true). Subclasses that learn
    /// from data reset is_trained. @throws invalid_argument for a negative dimension.
    explicit VectorTransform(int d_in = 0, int d_out = 0);
    virtual ~VectorTransform();

    /// Learn the transform from n vectors x (n x d_in). No-op by default.
    virtual void train(idx_t n, const float* x);

    /// Transform n vectors x (n x d_in) into a new[]-allocated array of n x d_out floats
    /// owned by the caller (delete[]), as in Faiss.
    float* apply(idx_t n, const float* x) const;

    /// Transform n vectors x (n x d_in) into xt (n x d_out, caller-allocated).
    /// @throws not_trained before training; invalid_argument for n < 0 or null arrays.
    virtual void apply_noalloc(idx_t n, const float* x, float* xt) const = 0;

    /// Inverse (or approximate inverse) map: xt (n x d_out) into x (n x d_in).
    /// @throws unsupported for transforms without one.
    virtual void reverse_transform(idx_t n, const float* xt, float* x) const;

    /// Throws (invalid_argument) unless other is the same transform with the same
    /// parameters (used to check that two indexes can be merged).
    virtual void check_identical(const VectorTransform& other) const = 0;

  protected:
    /// Shared argument checks of apply_noalloc / reverse_transform.
    void check_apply_args(idx_t n, const void* in, const void* out, const char* what) const;
    /// Shared argument checks of train (n >= 1, x non-null).
    void check_train_args(idx_t n, const float* x) const;
};

/// y = A x + b, with A d_out x d_in (row-major: A[j * d_in + k]) and b d_out floats
/// (used only when have_bias). A plain LinearTransform is trained by setting A (and b)
/// and then is_trained = true; the subclasses learn A from data.
struct LinearTransform : VectorTransform {
    bool have_bias;        ///< add b after the product
    bool is_orthonormal;   ///< A's rows (columns if d_out > d_in) are orthonormal
    std::vector<float> A;  ///< d_out x d_in, row-major
    std::vector<float> b;  ///< d_out floats when have_bias, else empty
    bool verbose;          ///< print training progress to stdout

    /// d_in may be smaller or larger than d_out. is_trained starts false.
    explicit LinearTransform(int d_in = 0, int d_out = 0, bool have_bias = false);

    /// xt = x A^T (+ b). @throws invalid_argument when A or b have the wrong size.
    void apply_noalloc(idx_t n, const float* x, float* xt) const override;

    /// x = (y - b) A: the transpose map, y n x d_out into x n x d_in. It is the inverse
    /// when the transform is orthonormal.
    void transform_transpose(idx_t n, const float* y, float* x) const;

    /// transform_transpose when is_orthonormal. @throws unsupported otherwise.
    void reverse_transform(idx_t n, const float* xt, float* x) const override;

    /// Set is_orthonormal from A (A A^T == identity up to 4e-5, as Faiss). Always false
    /// when d_out > d_in.
    void set_is_orthonormal();

    /// Print a n x d row-major matrix mat when verbose (a debugging aid of Faiss).
    void print_if_verbose(const char* name, const std::vector<double>& mat, int n, int d) const;

    void check_identical(const VectorTransform& other) const override;

  protected:
    /// The shape checks of A and b that apply and transform_transpose rely on.
    void check_matrix() const;
};

/// A random orthonormal matrix (Gaussian matrix orthonormalised by QR). For d_out > d_in
/// the columns are orthonormal (a tight frame), so reverse_transform is still exact.
struct RandomRotationMatrix : LinearTransform {
    /// Untrained until init() or train(). @throws invalid_argument for negative sizes.
    RandomRotationMatrix(int d_in, int d_out);
    RandomRotationMatrix();

    /// Draw the matrix from seed (same matrix for the same seed and sizes).
    void init(int seed);

    /// init(12345), as Faiss; the data is not used.
    void train(idx_t n, const float* x) override;
};

/// Principal component analysis: A holds the d_out leading eigenvectors of the training
/// data's scatter matrix, b centres the data (have_bias is true). Options:
///  - eigen_power: component i is scaled by (eigenvalues[i] + epsilon)^eigen_power;
///    -0.5 whitens. As in Faiss, eigenvalues are those of the unnormalised scatter
///    matrix sum_i (x_i - mean)(x_i - mean)^T, so whitened outputs have variance
///    1 / n_train, equal in every component (not 1);
///  - random_rotation: a random rotation applied after the projection (spreads the
///    variance over the output components);
///  - balanced_bins: reorder the components into balanced_bins groups of equal total
///    variance (for product quantizers); incompatible with random_rotation.
/// Training uses at most max_points_per_d * d_in points (a seeded random sample).
/// With fewer training points than d_in, at most n components exist: d_out > n throws.
struct PCAMatrix : LinearTransform {
    float eigen_power;        ///< 0: plain PCA; -0.5: whitening
    float epsilon;            ///< added to the eigenvalues before the power
    bool random_rotation;     ///< rotate the output randomly
    size_t max_points_per_d;  ///< training points used per input dimension (1000)
    int balanced_bins;        ///< 0: off; else d_out must be a multiple of it

    std::vector<float> mean;         ///< d_in: mean of the training data
    std::vector<float> eigenvalues;  ///< d_in, decreasing (scatter matrix eigenvalues)
    /// d_in x d_in, row-major: row i is the eigenvector of eigenvalues[i] (unit norm;
    /// its sign makes its largest-magnitude component positive).
    std::vector<float> PCAMat;

    /// @throws invalid_argument when d_out > d_in or a size is negative.
    explicit PCAMatrix(int d_in = 0, int d_out = 0, float eigen_power = 0,
                       bool random_rotation = false);

    /// Eigen-decomposition of the scatter matrix of x (n x d_in), then prepare_Ab().
    /// @throws invalid_argument for n < 1, NaN/inf data, d_out > n when n < d_in,
    /// a whitening factor that is not finite (zero-variance component: set epsilon).
    void train(idx_t n, const float* x) override;

    /// Map back to the input space: the projection of x on the kept components, around
    /// the mean: mean + A^T (A (x - mean)). Beyond Faiss, whose reverse (A^T A x) also
    /// drops the part of the mean outside the kept components; both agree when
    /// d_out == d_in. @throws unsupported when whitening (not orthonormal).
    void reverse_transform(idx_t n, const float* xt, float* x) const override;

    /// Take the mean, eigenvalues and PCAMat of a trained other and rebuild A and b.
    void copy_from(const PCAMatrix& other);

    /// Build A and b from mean, eigenvalues, PCAMat and the options.
    void prepare_Ab();
};

/// Optimized product quantization (Ge, He, Ke, Sun, "Optimized Product Quantization",
/// IEEE TPAMI 2014, non-parametric variant): an orthonormal A (d_out x d_in) learnt by
/// alternating k-means training of a product quantizer in the rotated space and an
/// orthogonal Procrustes update of the rotation (SVD), which lowers the PQ quantisation
/// error. For d_out > d_in the input is padded with zeros. No bias is applied (the data
/// is centred only while training, as in Faiss).
struct OPQMatrix : LinearTransform {
    int M;                                ///< number of PQ sub-quantizers
    int niter = 50;                       ///< alternating iterations
    int niter_pq = 4;                     ///< k-means iterations per PQ update
    int niter_pq_0 = 40;                  ///< k-means iterations of the first PQ update
    size_t max_train_points = 256 * 256;  ///< training points used (seeded sample)
    bool verbose = false;                 ///< print the objective per iteration
    /// If set (not owned), its M, nbits and cp drive training and it ends up trained on
    /// the rotated data; otherwise an 8-bit ProductQuantizer(d_out, M, 8) is used.
    ProductQuantizer* pq = nullptr;

    /// d2 = -1 means d_out = d. @throws invalid_argument for M < 1 or d_out % M != 0.
    explicit OPQMatrix(int d = 0, int M = 1, int d2 = -1);

    /// Starts from A when it already holds d_out x d_in values and d_out <= d_in (e.g. a
    /// previous training), from a random rotation otherwise.
    /// @throws invalid_argument for fewer training points than PQ centroids (2^nbits),
    /// NaN/inf data.
    void train(idx_t n, const float* x) override;
};

/// Iterative quantization (Gong, Lazebnik, Gordo, Perronnin, "Iterative Quantization: A
/// Procrustean Approach to Learning Binary Codes", IEEE TPAMI 2013): a rotation (d x d)
/// that makes sign(A x) a good binary code of x, learnt by alternating the codes
/// B = sign(rotated data) and the rotation closest to them (orthogonal Procrustes).
/// Train it on centred (and usually PCA-reduced) data; ITQTransform does both.
struct ITQMatrix : LinearTransform {
    int max_iter;  ///< alternating iterations (50)
    int seed;      ///< seed of the initial random rotation (123)
    /// d x d row-major initial rotation; a random one when empty.
    std::vector<double> init_rotation;

    /// @throws invalid_argument for d < 0.
    explicit ITQMatrix(int d = 0);

    /// @throws invalid_argument for n < 1, NaN/inf, a badly sized init_rotation.
    void train(idx_t n, const float* x) override;
};

/// ITQ with its preprocessing, for binary codes: subtract the mean, L2-normalise,
/// optionally reduce to d_out dimensions by PCA (do_pca), then apply the ITQ rotation.
/// The PCA and ITQ matrices are merged into pca_then_itq. Training uses at most
/// max(d_in * max_train_per_dim, 32768) points. No reverse transform (as Faiss).
struct ITQTransform : VectorTransform {
    std::vector<float> mean;       ///< d_in: training mean
    bool do_pca;                   ///< reduce d_in -> d_out by PCA first
    ITQMatrix itq;                 ///< the rotation (d_out x d_out)
    int max_train_per_dim;         ///< training points used per input dimension (10)
    LinearTransform pca_then_itq;  ///< d_out x d_in: PCA followed by the rotation

    /// @throws invalid_argument when d_in != d_out without do_pca, or d_out > d_in.
    explicit ITQTransform(int d_in = 0, int d_out = 0, bool do_pca = false);

    /// @throws invalid_argument for n < 1, NaN/inf data.
    void train(idx_t n, const float* x) override;
    void apply_noalloc(idx_t n, const float* x, float* xt) const override;
    void check_identical(const VectorTransform& other) const override;
};

/// A fast structured random rotation: zero-pad to d_out = the smallest power of two
/// >= d_in, then three rounds of random sign flips followed by a Walsh-Hadamard
/// transform, scaled to be orthonormal. O(d_out log d_out) per vector, no matrix. The
/// signs are drawn from seed exactly as Faiss draws them (SplitMix64), so a rotation
/// stored as its seed (file tag "HRot") gives the same outputs in both libraries.
struct HadamardRotation : VectorTransform {
    uint32_t seed;              ///< seed of the sign flips
    std::vector<float> signs1;  ///< d_out signs (+-1) of round 1
    std::vector<float> signs2;  ///< d_out signs of round 2
    std::vector<float> signs3;  ///< d_out signs of round 3

    /// Ready to use (is_trained): the signs are drawn at construction.
    /// @throws invalid_argument for d < 0 or d > 2^30.
    explicit HadamardRotation(int d, uint32_t seed = 12345);
    /// d_in = d_out = 0, seed 0: to be filled in by a reader (then call init()).
    HadamardRotation();

    /// Draw the signs of seed for the current d_out.
    void init(uint32_t seed);

    /// init(seed), or init(12345) when seed is 0, as Faiss; the data is not used.
    void train(idx_t n, const float* x) override;

    void apply_noalloc(idx_t n, const float* x, float* xt) const override;
    /// The exact inverse (the rotation is orthonormal and the padding is recovered).
    /// Beyond Faiss, which accepts only d_in == d_out here.
    void reverse_transform(idx_t n, const float* xt, float* x) const override;
    void check_identical(const VectorTransform& other) const override;
};

/// Scales each vector to unit norm (L2, norm = 2, the only one implemented, as in
/// Faiss); zero vectors stay zero. reverse_transform is the identity (the norms are
/// lost), as in Faiss.
struct NormalizationTransform : VectorTransform {
    float norm;  ///< the p of the L_p norm; only 2 is implemented

    /// @throws invalid_argument for d < 0.
    explicit NormalizationTransform(int d, float norm = 2.0);
    /// d_in = d_out = -1, norm = -1: to be filled in by a reader.
    NormalizationTransform();

    /// @throws unsupported for norm != 2.
    void apply_noalloc(idx_t n, const float* x, float* xt) const override;
    void reverse_transform(idx_t n, const float* xt, float* x) const override;
    void check_identical(const VectorTransform& other) const override;
};

/// Subtracts the mean of the training vectors (d_in = d_out = d).
struct CenteringTransform : VectorTransform {
    std::vector<float> mean;  ///< d floats after training

    explicit CenteringTransform(int d = 0);

    /// mean of x (n x d), computed in double. @throws invalid_argument for n < 1, NaN/inf.
    void train(idx_t n, const float* x) override;
    void apply_noalloc(idx_t n, const float* x, float* xt) const override;
    /// Adds the mean back.
    void reverse_transform(idx_t n, const float* xt, float* x) const override;
    void check_identical(const VectorTransform& other) const override;
};

/// Selects, reorders or zero-pads components: output j is x[map[j]], or 0 when
/// map[j] == -1 (index_factory "Pad128" pads with zeros).
struct RemapDimensionsTransform : VectorTransform {
    std::vector<int> map;  ///< d_out entries in [-1, d_in)

    /// map: d_out ints. @throws invalid_argument for an entry outside [-1, d_in).
    RemapDimensionsTransform(int d_in, int d_out, const int* map);
    /// uniform: spread the d_in inputs evenly over the d_out outputs (or pick d_out
    /// evenly spaced inputs); otherwise keep the first min(d_in, d_out) components.
    RemapDimensionsTransform(int d_in, int d_out, bool uniform = true);
    RemapDimensionsTransform();

    void apply_noalloc(idx_t n, const float* x, float* xt) const override;
    /// Puts the kept components back; dropped ones become 0.
    void reverse_transform(idx_t n, const float* xt, float* x) const override;
    void check_identical(const VectorTransform& other) const override;
};

}  // namespace faiss
