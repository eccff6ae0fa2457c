// C bindings of faiss::VectorTransform and its subclasses.
#include "VectorTransform_c.h"

#include "internal/boundary.h"

#include <faiss/VectorTransform.h>

#include <cstdlib>
#include <cstring>
#include <memory>

using faiss_c::Boundary;

namespace {

template <class T, class H>
auto* as(const Boundary& b, H* vt, const char* expected) {
    return b.typed<T, faiss::VectorTransform>(vt, "vt", expected);
}

/// Store a new transform in *p_vt as a FaissVectorTransform handle.
void emit(const Boundary& b, FaissVectorTransform** p_vt,
          std::unique_ptr<faiss::VectorTransform> t) {
    b.need(p_vt, "p_vt");
    *p_vt = faiss_c::handle_of<FaissVectorTransform, faiss::VectorTransform>(t.release());
}

}  // namespace

extern "C" {

void faiss_VectorTransform_free(FaissVectorTransform* obj) {
    delete reinterpret_cast<faiss::VectorTransform*>(obj);
}

int faiss_VectorTransform_is_trained(const FaissVectorTransform* vt) {
    Boundary b(__func__);
    return b.get(-1, [&] { return b.obj<faiss::VectorTransform>(vt, "vt")->is_trained ? 1 : 0; });
}

int faiss_VectorTransform_d_in(const FaissVectorTransform* vt) {
    Boundary b(__func__);
    return b.get(-1, [&] { return b.obj<faiss::VectorTransform>(vt, "vt")->d_in; });
}

int faiss_VectorTransform_d_out(const FaissVectorTransform* vt) {
    Boundary b(__func__);
    return b.get(-1, [&] { return b.obj<faiss::VectorTransform>(vt, "vt")->d_out; });
}

int faiss_VectorTransform_train(FaissVectorTransform* vt, idx_t n, const float* x) {
    Boundary b(__func__);
    return b.run([&] { b.obj<faiss::VectorTransform>(vt, "vt")->train(n, x); });
}

float* faiss_VectorTransform_apply(const FaissVectorTransform* vt, idx_t n, const float* x) {
    Boundary b(__func__);
    return b.get<float*>(nullptr, [&]() -> float* {
        auto* t = b.obj<faiss::VectorTransform>(vt, "vt");
        b.require(n >= 0, "n must be >= 0");
        b.require(t->d_out >= 0, "the transform has no output dimension");
        const size_t count = size_t(n) * size_t(t->d_out);
        std::unique_ptr<float[]> xt(t->apply(n, x));
        auto* out = static_cast<float*>(std::malloc(count > 0 ? count * sizeof(float) : 1));
        if (!out) throw std::bad_alloc();
        if (count > 0) std::memcpy(out, xt.get(), count * sizeof(float));
        return out;
    });
}

int faiss_VectorTransform_apply_noalloc(const FaissVectorTransform* vt, idx_t n, const float* x,
                                        float* xt) {
    Boundary b(__func__);
    return b.run([&] { b.obj<faiss::VectorTransform>(vt, "vt")->apply_noalloc(n, x, xt); });
}

int faiss_VectorTransform_reverse_transform(const FaissVectorTransform* vt, idx_t n,
                                            const float* xt, float* x) {
    Boundary b(__func__);
    return b.run([&] { b.obj<faiss::VectorTransform>(vt, "vt")->reverse_transform(n, xt, x); });
}

void faiss_LinearTransform_free(FaissLinearTransform* obj) {
    faiss_VectorTransform_free(obj);
}

int faiss_LinearTransform_transform_transpose(const FaissLinearTransform* vt, idx_t n,
                                              const float* y, float* x) {
    Boundary b(__func__);
    return b.run([&] {
        as<faiss::LinearTransform>(b, vt, "a LinearTransform")->transform_transpose(n, y, x);
    });
}

int faiss_LinearTransform_set_is_orthonormal(FaissLinearTransform* vt) {
    Boundary b(__func__);
    return b.run(
        [&] { as<faiss::LinearTransform>(b, vt, "a LinearTransform")->set_is_orthonormal(); });
}

int faiss_LinearTransform_have_bias(const FaissLinearTransform* vt) {
    Boundary b(__func__);
    return b.get(-1, [&] {
        return as<faiss::LinearTransform>(b, vt, "a LinearTransform")->have_bias ? 1 : 0;
    });
}

int faiss_LinearTransform_is_orthonormal(const FaissLinearTransform* vt) {
    Boundary b(__func__);
    return b.get(-1, [&] {
        return as<faiss::LinearTransform>(b, vt, "a LinearTransform")->is_orthonormal ? 1 : 0;
    });
}

int faiss_RandomRotationMatrix_new_with(FaissRandomRotationMatrix** p_vt, int d_in, int d_out) {
    Boundary b(__func__);
    return b.run(
        [&] { emit(b, p_vt, std::make_unique<faiss::RandomRotationMatrix>(d_in, d_out)); });
}

void faiss_RandomRotationMatrix_free(FaissRandomRotationMatrix* obj) {
    faiss_VectorTransform_free(obj);
}

int faiss_PCAMatrix_new_with(FaissPCAMatrix** p_vt, int d_in, int d_out, float eigen_power,
                             int random_rotation) {
    Boundary b(__func__);
    return b.run([&] {
        emit(b, p_vt,
             std::make_unique<faiss::PCAMatrix>(d_in, d_out, eigen_power, random_rotation != 0));
    });
}

void faiss_PCAMatrix_free(FaissPCAMatrix* obj) {
    faiss_VectorTransform_free(obj);
}

float faiss_PCAMatrix_eigen_power(const FaissPCAMatrix* vt) {
    Boundary b(__func__);
    return b.get(-1.0f, [&] { return as<faiss::PCAMatrix>(b, vt, "a PCAMatrix")->eigen_power; });
}

int faiss_PCAMatrix_random_rotation(const FaissPCAMatrix* vt) {
    Boundary b(__func__);
    return b.get(
        -1, [&] { return as<faiss::PCAMatrix>(b, vt, "a PCAMatrix")->random_rotation ? 1 : 0; });
}

int faiss_OPQMatrix_new_with(FaissOPQMatrix** p_vt, int d, int M, int d2) {
    Boundary b(__func__);
    return b.run([&] { emit(b, p_vt, std::make_unique<faiss::OPQMatrix>(d, M, d2)); });
}

void faiss_OPQMatrix_free(FaissOPQMatrix* obj) {
    faiss_VectorTransform_free(obj);
}

int faiss_OPQMatrix_verbose(const FaissOPQMatrix* vt) {
    Boundary b(__func__);
    return b.get(-1, [&] { return as<faiss::OPQMatrix>(b, vt, "an OPQMatrix")->verbose ? 1 : 0; });
}

int faiss_OPQMatrix_set_verbose(FaissOPQMatrix* vt, int verbose) {
    Boundary b(__func__);
    return b.run([&] { as<faiss::OPQMatrix>(b, vt, "an OPQMatrix")->verbose = verbose != 0; });
}

int faiss_OPQMatrix_niter(const FaissOPQMatrix* vt) {
    Boundary b(__func__);
    return b.get(-1, [&] { return as<faiss::OPQMatrix>(b, vt, "an OPQMatrix")->niter; });
}

int faiss_OPQMatrix_set_niter(FaissOPQMatrix* vt, int niter) {
    Boundary b(__func__);
    return b.run([&] {
        b.require(niter >= 0, "niter must be >= 0");
        as<faiss::OPQMatrix>(b, vt, "an OPQMatrix")->niter = niter;
    });
}

int faiss_OPQMatrix_niter_pq(const FaissOPQMatrix* vt) {
    Boundary b(__func__);
    return b.get(-1, [&] { return as<faiss::OPQMatrix>(b, vt, "an OPQMatrix")->niter_pq; });
}

int faiss_OPQMatrix_set_niter_pq(FaissOPQMatrix* vt, int niter_pq) {
    Boundary b(__func__);
    return b.run([&] {
        b.require(niter_pq >= 0, "niter_pq must be >= 0");
        as<faiss::OPQMatrix>(b, vt, "an OPQMatrix")->niter_pq = niter_pq;
    });
}

int faiss_ITQMatrix_new_with(FaissITQMatrix** p_vt, int d) {
    Boundary b(__func__);
    return b.run([&] { emit(b, p_vt, std::make_unique<faiss::ITQMatrix>(d)); });
}

void faiss_ITQMatrix_free(FaissITQMatrix* obj) {
    faiss_VectorTransform_free(obj);
}

int faiss_ITQTransform_new_with(FaissITQTransform** p_vt, int d_in, int d_out, int do_pca) {
    Boundary b(__func__);
    return b.run(
        [&] { emit(b, p_vt, std::make_unique<faiss::ITQTransform>(d_in, d_out, do_pca != 0)); });
}

void faiss_ITQTransform_free(FaissITQTransform* obj) {
    faiss_VectorTransform_free(obj);
}

int faiss_ITQTransform_do_pca(const FaissITQTransform* vt) {
    Boundary b(__func__);
    return b.get(-1,
                 [&] { return as<faiss::ITQTransform>(b, vt, "an ITQTransform")->do_pca ? 1 : 0; });
}

int faiss_HadamardRotation_new_with(FaissHadamardRotation** p_vt, int d, uint32_t seed) {
    Boundary b(__func__);
    return b.run([&] { emit(b, p_vt, std::make_unique<faiss::HadamardRotation>(d, seed)); });
}

void faiss_HadamardRotation_free(FaissHadamardRotation* obj) {
    faiss_VectorTransform_free(obj);
}

int faiss_NormalizationTransform_new_with(FaissNormalizationTransform** p_vt, int d, float norm) {
    Boundary b(__func__);
    return b.run([&] { emit(b, p_vt, std::make_unique<faiss::NormalizationTransform>(d, norm)); });
}

void faiss_NormalizationTransform_free(FaissNormalizationTransform* obj) {
    faiss_VectorTransform_free(obj);
}

float faiss_NormalizationTransform_norm(const FaissNormalizationTransform* vt) {
    Boundary b(__func__);
    return b.get(-1.0f, [&] {
        return as<faiss::NormalizationTransform>(b, vt, "a NormalizationTransform")->norm;
    });
}

int faiss_CenteringTransform_new_with(FaissCenteringTransform** p_vt, int d) {
    Boundary b(__func__);
    return b.run([&] { emit(b, p_vt, std::make_unique<faiss::CenteringTransform>(d)); });
}

void faiss_CenteringTransform_free(FaissCenteringTransform* obj) {
    faiss_VectorTransform_free(obj);
}

int faiss_RemapDimensionsTransform_new_with(FaissRemapDimensionsTransform** p_vt, int d_in,
                                            int d_out, int uniform) {
    Boundary b(__func__);
    return b.run([&] {
        emit(b, p_vt, std::make_unique<faiss::RemapDimensionsTransform>(d_in, d_out, uniform != 0));
    });
}

void faiss_RemapDimensionsTransform_free(FaissRemapDimensionsTransform* obj) {
    faiss_VectorTransform_free(obj);
}

}  // extern "C"
