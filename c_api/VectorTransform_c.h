#pragma once

/*
 * Vector transforms (faiss::VectorTransform and subclasses): maps from d_in to d_out
 * dimensions applied before indexing (see IndexPreTransform_c.h). Shapes: x is n x d_in
 * floats, xt is n x d_out floats, row-major.
 *
 * Handles: every transform handle is a FaissVectorTransform (FaissPCAMatrix is
 * FaissVectorTransform), so it works with every faiss_VectorTransform_* function; a
 * function for a particular subclass fails with FAISS_ERROR_INVALID_ARGUMENT when given
 * another kind. Free any transform with faiss_VectorTransform_free (or its own _free).
 *
 * Beyond Faiss's C API: apply_noalloc, reverse_transform, transform_transpose and
 * set_is_orthonormal return a status instead of void (C code that ignores it still
 * compiles), and faiss_VectorTransform_apply returns a malloc'ed array.
 *
 * Thread safety: apply* and reverse_transform may run concurrently on one transform;
 * train and the setters need exclusive access.
 */

#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissVectorTransform_H FaissVectorTransform;
typedef struct FaissVectorTransform_H FaissLinearTransform;
typedef struct FaissVectorTransform_H FaissRandomRotationMatrix;
typedef struct FaissVectorTransform_H FaissPCAMatrix;
typedef struct FaissVectorTransform_H FaissOPQMatrix;
typedef struct FaissVectorTransform_H FaissNormalizationTransform;
typedef struct FaissVectorTransform_H FaissCenteringTransform;
typedef struct FaissVectorTransform_H FaissRemapDimensionsTransform;
typedef struct FaissVectorTransform_H FaissITQMatrix;
typedef struct FaissVectorTransform_H FaissITQTransform;
typedef struct FaissVectorTransform_H FaissHadamardRotation;

/** Free a transform of any type (NULL is a no-op). */
void faiss_VectorTransform_free(FaissVectorTransform* obj);

/** 1 if trained, 0 if not, -1 for a null handle. */
int faiss_VectorTransform_is_trained(const FaissVectorTransform* vt);
/** Input and output dimensions; -1 for a null handle. */
int faiss_VectorTransform_d_in(const FaissVectorTransform* vt);
int faiss_VectorTransform_d_out(const FaissVectorTransform* vt);

/** Learn the transform from n training vectors x (n x d_in). */
int faiss_VectorTransform_train(FaissVectorTransform* vt, idx_t n, const float* x);

/**
 * Transform x (n x d_in) into a new array of n x d_out floats, allocated with malloc
 * (release it with free()). NULL on error (last error set).
 */
float* faiss_VectorTransform_apply(const FaissVectorTransform* vt, idx_t n, const float* x);

/** Transform x (n x d_in) into the caller's xt (n x d_out). */
int faiss_VectorTransform_apply_noalloc(const FaissVectorTransform* vt, idx_t n, const float* x,
                                        float* xt);

/** Map xt (n x d_out) back into x (n x d_in); fails for transforms without an inverse. */
int faiss_VectorTransform_reverse_transform(const FaissVectorTransform* vt, idx_t n,
                                            const float* xt, float* x);

/** Same as faiss_VectorTransform_free. */
void faiss_LinearTransform_free(FaissLinearTransform* obj);

/** x = (y - b) A for y (n x d_out) into x (n x d_in): the inverse when orthonormal. */
int faiss_LinearTransform_transform_transpose(const FaissLinearTransform* vt, idx_t n,
                                              const float* y, float* x);
/** Recompute is_orthonormal from the matrix. */
int faiss_LinearTransform_set_is_orthonormal(FaissLinearTransform* vt);
/** 1 if a bias is added, 0 if not; -1 for a null or non-linear handle. */
int faiss_LinearTransform_have_bias(const FaissLinearTransform* vt);
/** 1 if the matrix is orthonormal, 0 if not; -1 for a null or non-linear handle. */
int faiss_LinearTransform_is_orthonormal(const FaissLinearTransform* vt);

/** A random rotation d_in -> d_out, trained (drawn) by faiss_VectorTransform_train. */
int faiss_RandomRotationMatrix_new_with(FaissRandomRotationMatrix** p_vt, int d_in, int d_out);
void faiss_RandomRotationMatrix_free(FaissRandomRotationMatrix* obj);

/**
 * PCA d_in -> d_out (d_out <= d_in); eigen_power -0.5 whitens, random_rotation non-zero
 * rotates the output.
 */
int faiss_PCAMatrix_new_with(FaissPCAMatrix** p_vt, int d_in, int d_out, float eigen_power,
                             int random_rotation);
void faiss_PCAMatrix_free(FaissPCAMatrix* obj);
/** eigen_power; -1 for a null or non-PCA handle (check the last error). */
float faiss_PCAMatrix_eigen_power(const FaissPCAMatrix* vt);
/** 1 if the output is randomly rotated, 0 if not; -1 for a null or non-PCA handle. */
int faiss_PCAMatrix_random_rotation(const FaissPCAMatrix* vt);

/** OPQ rotation for a product quantizer with M sub-quantizers; d2 = -1 means d_out = d. */
int faiss_OPQMatrix_new_with(FaissOPQMatrix** p_vt, int d, int M, int d2);
void faiss_OPQMatrix_free(FaissOPQMatrix* obj);
/** Fields of the OPQ training; getters return -1 for a null or non-OPQ handle. */
int faiss_OPQMatrix_verbose(const FaissOPQMatrix* vt);
int faiss_OPQMatrix_set_verbose(FaissOPQMatrix* vt, int verbose);
int faiss_OPQMatrix_niter(const FaissOPQMatrix* vt);
int faiss_OPQMatrix_set_niter(FaissOPQMatrix* vt, int niter);
int faiss_OPQMatrix_niter_pq(const FaissOPQMatrix* vt);
int faiss_OPQMatrix_set_niter_pq(FaissOPQMatrix* vt, int niter_pq);

/** ITQ rotation of d dimensions (train it on centred data). */
int faiss_ITQMatrix_new_with(FaissITQMatrix** p_vt, int d);
void faiss_ITQMatrix_free(FaissITQMatrix* obj);

/** Centre, L2-normalise, optionally PCA to d_out (do_pca non-zero), then ITQ. */
int faiss_ITQTransform_new_with(FaissITQTransform** p_vt, int d_in, int d_out, int do_pca);
void faiss_ITQTransform_free(FaissITQTransform* obj);
/** 1 if a PCA reduces the dimension first, 0 if not; -1 for a null or wrong handle. */
int faiss_ITQTransform_do_pca(const FaissITQTransform* vt);

/** Walsh-Hadamard rotation of d dimensions (d_out: the next power of two), ready to use;
 * the same seed gives the same rotation as Faiss. Not in Faiss's C API. */
int faiss_HadamardRotation_new_with(FaissHadamardRotation** p_vt, int d, uint32_t seed);
void faiss_HadamardRotation_free(FaissHadamardRotation* obj);

/** Scales vectors to unit L_norm norm (only norm = 2 is implemented). */
int faiss_NormalizationTransform_new_with(FaissNormalizationTransform** p_vt, int d, float norm);
void faiss_NormalizationTransform_free(FaissNormalizationTransform* obj);
/** norm; -1 for a null or wrong handle. */
float faiss_NormalizationTransform_norm(const FaissNormalizationTransform* vt);

/** Subtracts the training mean (trained by faiss_VectorTransform_train). */
int faiss_CenteringTransform_new_with(FaissCenteringTransform** p_vt, int d);
void faiss_CenteringTransform_free(FaissCenteringTransform* obj);

/** Selects / zero-pads dimensions; uniform non-zero spreads them evenly. */
int faiss_RemapDimensionsTransform_new_with(FaissRemapDimensionsTransform** p_vt, int d_in,
                                            int d_out, int uniform);
void faiss_RemapDimensionsTransform_free(FaissRemapDimensionsTransform* obj);

#ifdef __cplusplus
}
#endif
