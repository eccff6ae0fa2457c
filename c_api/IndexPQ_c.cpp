// C bindings of faiss::IndexPQ.
#include "IndexPQ_c.h"

#include "internal/boundary.h"

#include <faiss/IndexPQ.h>

#include <cstdint>
#include <memory>
#include <string>

using faiss_c::Boundary;

namespace {

template <class H>
auto* pq_index(const Boundary& b, H* index) {
    return b.typed<faiss::IndexPQ, faiss::Index>(index, "index", "an IndexPQ");
}

template <class Get>
size_t pq_size_field(const char* func, const FaissIndexPQ* index, Get get) {
    Boundary b(func);
    return b.get(SIZE_MAX, [&] { return size_t(get(*pq_index(b, index))); });
}

}  // namespace

extern "C" {

int faiss_IndexPQ_new(FaissIndexPQ** p_index) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        std::unique_ptr<faiss::Index> index = std::make_unique<faiss::IndexPQ>();
        *p_index = faiss_c::handle_of<FaissIndexPQ, faiss::Index>(index.release());
    });
}

int faiss_IndexPQ_new_with(FaissIndexPQ** p_index, idx_t d, size_t M, size_t nbits,
                           FaissMetricType metric) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        b.require(d > 0 && d <= INT32_MAX, "d must be in 1 .. 2^31 - 1, got " + std::to_string(d));
        std::unique_ptr<faiss::Index> index =
            std::make_unique<faiss::IndexPQ>(int(d), M, nbits, faiss::MetricType(metric));
        *p_index = faiss_c::handle_of<FaissIndexPQ, faiss::Index>(index.release());
    });
}

FaissIndexPQ* faiss_IndexPQ_cast(FaissIndex* index) {
    auto* base = reinterpret_cast<faiss::Index*>(index);
    return dynamic_cast<faiss::IndexPQ*>(base) ? index : nullptr;
}

void faiss_IndexPQ_free(FaissIndexPQ* obj) {
    faiss_Index_free(obj);
}

size_t faiss_IndexPQ_M(const FaissIndexPQ* index) {
    return pq_size_field(__func__, index, [](const faiss::IndexPQ& i) { return i.pq.M; });
}

size_t faiss_IndexPQ_nbits(const FaissIndexPQ* index) {
    return pq_size_field(__func__, index, [](const faiss::IndexPQ& i) { return i.pq.nbits; });
}

size_t faiss_IndexPQ_code_size(const FaissIndexPQ* index) {
    return pq_size_field(__func__, index, [](const faiss::IndexPQ& i) { return i.code_size; });
}

int faiss_IndexPQ_search_type(const FaissIndexPQ* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return int(pq_index(b, index)->search_type); });
}

int faiss_IndexPQ_set_search_type(FaissIndexPQ* index, int search_type) {
    Boundary b(__func__);
    return b.run([&] {
        auto* pq = pq_index(b, index);
        b.require(search_type >= faiss::IndexPQ::ST_PQ &&
                      search_type <= faiss::IndexPQ::ST_polysemous_generalize,
                  "search_type must be in 0 .. 5, got " + std::to_string(search_type));
        pq->search_type = faiss::IndexPQ::Search_type_t(search_type);
    });
}

int faiss_IndexPQ_polysemous_ht(const FaissIndexPQ* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return pq_index(b, index)->polysemous_ht; });
}

int faiss_IndexPQ_set_polysemous_ht(FaissIndexPQ* index, int polysemous_ht) {
    Boundary b(__func__);
    return b.run([&] { pq_index(b, index)->polysemous_ht = polysemous_ht; });
}

int faiss_IndexPQ_do_polysemous_training(const FaissIndexPQ* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return int(pq_index(b, index)->do_polysemous_training); });
}

int faiss_IndexPQ_set_do_polysemous_training(FaissIndexPQ* index, int value) {
    Boundary b(__func__);
    return b.run([&] { pq_index(b, index)->do_polysemous_training = value != 0; });
}

int faiss_IndexPQ_set_polysemous_n_iter(FaissIndexPQ* index, int n_iter) {
    Boundary b(__func__);
    return b.run([&] {
        auto* pq = pq_index(b, index);
        b.require(n_iter >= 0, "n_iter must be >= 0, got " + std::to_string(n_iter));
        pq->polysemous_training.n_iter = n_iter;
    });
}

int faiss_IndexPQ_set_train_niter(FaissIndexPQ* index, int niter) {
    Boundary b(__func__);
    return b.run([&] {
        auto* pq = pq_index(b, index);
        b.require(niter >= 0, "niter must be >= 0, got " + std::to_string(niter));
        pq->pq.cp.niter = niter;
    });
}

int faiss_IndexPQ_centroids(FaissIndexPQ* index, float** p_centroids, size_t* p_size) {
    Boundary b(__func__);
    return b.run([&] {
        auto* pq = pq_index(b, index);
        b.need(p_centroids, "p_centroids");
        b.need(p_size, "p_size");
        *p_centroids = pq->pq.centroids.data();
        *p_size = pq->pq.centroids.size();
    });
}
}
