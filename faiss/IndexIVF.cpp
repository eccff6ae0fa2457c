#include <faiss/IndexIVF.h>

#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/index_checks.h>
#include <faiss/internal/omp_exceptions.h>
#include <faiss/io/MappedInvertedLists.h>
#include <faiss/utils/progress.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <typeinfo>

namespace faiss {

/*** Level1Quantizer ***/

Level1Quantizer::Level1Quantizer(Index* quantizer, size_t nlist)
    : quantizer(quantizer), nlist(nlist) {
    FAISS_REQUIRE(quantizer != nullptr, invalid_argument, "the IVF quantizer is null");
    FAISS_REQUIRE(nlist > 0 && nlist <= (size_t(1) << 31), invalid_argument,
                  "nlist must be in [1, 2^31], got %lld", (long long)nlist);
    cp.niter = 10;  // as Faiss: a coarse quantizer needs fewer iterations
}

Level1Quantizer::Level1Quantizer() {
    cp.niter = 10;
}

Level1Quantizer::~Level1Quantizer() {
    if (own_fields) delete quantizer;
}

void Level1Quantizer::train_q1(size_t n, const float* x, bool verbose, MetricType metric_type) {
    FAISS_REQUIRE(quantizer != nullptr, invalid_argument, "the IVF quantizer is null");
    if (quantizer->is_trained && size_t(quantizer->ntotal) == nlist) {
        if (verbose) std::printf("IVF quantizer does not need training.\n");
        return;
    }
    FAISS_REQUIRE(n >= nlist, invalid_argument,
                  "training the IVF coarse quantizer needs at least nlist = %zu training "
                  "points, got %zu",
                  nlist, n);
    const int d = quantizer->d;
    if (quantizer_trains_alone == 1) {
        if (verbose) std::printf("IVF quantizer trains alone...\n");
        quantizer->verbose = verbose;
        quantizer->train(idx_t(n), x);
    } else if (quantizer_trains_alone == 0) {
        if (verbose) std::printf("Training level-1 quantizer on %zu vectors in %dD\n", n, d);
        Clustering clus(d, int(nlist), cp);
        clus.verbose = verbose || cp.verbose;
        if (clustering_index) {
            clus.train(idx_t(n), x, *clustering_index);
            quantizer->reset();
            quantizer->add(idx_t(nlist), clus.centroids.data());
        } else {
            clus.train(idx_t(n), x, *quantizer);
        }
        quantizer->is_trained = true;
    } else if (quantizer_trains_alone == 2) {
        if (verbose) std::printf("Training L2 quantizer on %zu vectors in %dD\n", n, d);
        Clustering clus(d, int(nlist), cp);
        clus.verbose = verbose || cp.verbose;
        IndexFlatL2 assigner(d);
        clus.train(idx_t(n), x, assigner);
        quantizer->reset();
        quantizer->train(idx_t(nlist), clus.centroids.data());
        quantizer->add(idx_t(nlist), clus.centroids.data());
    } else {
        FAISS_THROW_CODE(invalid_argument, "quantizer_trains_alone must be 0, 1 or 2, got %d",
                         int(quantizer_trains_alone));
    }
    FAISS_REQUIRE(size_t(quantizer->ntotal) == nlist, invalid_argument,
                  "after training the quantizer holds %lld centroids, expected nlist = %zu",
                  (long long)quantizer->ntotal, nlist);
    (void)metric_type;
}

/*** IndexIVF ***/

IndexIVF::IndexIVF(Index* quantizer, size_t d, size_t nlist, size_t code_size, MetricType metric)
    : Index(idx_t(d), metric), Level1Quantizer(quantizer, nlist), code_size(code_size) {
    FAISS_REQUIRE(d > 0, invalid_argument, "IVF dimension must be > 0, got %zu", d);
    FAISS_REQUIRE(quantizer->d == int(d), invalid_argument,
                  "quantizer dimension %d differs from the IVF dimension %zu", quantizer->d, d);
    invlists = new ArrayInvertedLists(nlist, code_size);
    own_invlists = true;
    is_trained = quantizer->is_trained && size_t(quantizer->ntotal) == nlist;
    // Spherical k-means puts inner-product centroids on the unit sphere, as Faiss does.
    if (metric == METRIC_INNER_PRODUCT) cp.spherical = true;
}

IndexIVF::IndexIVF() = default;

IndexIVF::~IndexIVF() {
    if (own_invlists) delete invlists;
}

void IndexIVF::check_ready() const {
    FAISS_REQUIRE(quantizer != nullptr, invalid_argument, "the IVF index has no quantizer");
    FAISS_REQUIRE(invlists != nullptr, invalid_argument, "the IVF index has no inverted lists");
}

void IndexIVF::check_retrainable() const {
    const auto* mapped = dynamic_cast<const MappedInvertedLists*>(invlists);
    FAISS_REQUIRE(!(mapped && mapped->read_only && !mapped->in_memory), unsupported,
                  "train: this IVF index is memory-mapped read-only (loaded with IO_FLAG_MMAP | "
                  "IO_FLAG_READ_ONLY) and holds %lld vectors encoded with its current "
                  "quantizer. To retrain, read it without IO_FLAG_READ_ONLY or copy it with "
                  "clone_index()",
                  (long long)ntotal);
}

void IndexIVF::train(idx_t n, const float* x) {
    internal::check_vectors(*this, n, x, "training");
    check_ready();
    check_retrainable();
    ProgressScope progress("IndexIVF::train", 2);
    train_q1(size_t(n), x, verbose, metric_type);
    progress.update(1);
    std::vector<idx_t> assign;
    if (by_residual && n > 0) {
        assign.resize(n);
        quantizer->assign(n, x, assign.data());
    }
    if (verbose) std::printf("Training IVF encoder on %lld vectors\n", (long long)n);
    train_encoder(n, x, assign.empty() ? nullptr : assign.data());
    is_trained = true;
    progress.update(2);
}

void IndexIVF::train_encoder(idx_t, const float*, const idx_t*) {}

void IndexIVF::add(idx_t n, const float* x) {
    add_with_ids(n, x, nullptr);
}

void IndexIVF::add_with_ids(idx_t n, const float* x, const idx_t* xids) {
    internal::check_add(*this, n, x);
    check_ready();
    if (n == 0) return;
    direct_map.check_can_add(xids);
    // In blocks: bounds the list numbers held at once and lets progress be reported.
    const idx_t bs = 65536;
    std::vector<idx_t> coarse(size_t(std::min(n, bs)));
    ProgressScope progress("IndexIVF::add", size_t(n));
    for (idx_t i0 = 0; i0 < n; i0 += bs) {
        const idx_t ni = std::min(bs, n - i0);
        quantizer->assign(ni, x + size_t(i0) * size_t(d), coarse.data());
        add_core(ni, x + size_t(i0) * size_t(d), xids ? xids + i0 : nullptr, coarse.data());
        progress.update(size_t(i0 + ni));
    }
}

void IndexIVF::add_core(idx_t n, const float* x, const idx_t* xids, const idx_t* coarse_idx) {
    internal::check_add(*this, n, x);
    check_ready();
    if (n == 0) return;
    FAISS_REQUIRE(coarse_idx != nullptr, invalid_argument, "add_core: null list numbers");
    direct_map.check_can_add(xids);
    // Counting sort of the vectors by list, so each list is appended to once.
    std::vector<size_t> start(nlist + 1, 0);
    for (idx_t i = 0; i < n; i++) {
        idx_t l = coarse_idx[i];
        FAISS_REQUIRE(l >= -1 && l < idx_t(nlist), invalid_argument,
                      "vector %lld assigned to list %lld, outside [-1, %zu)", (long long)i,
                      (long long)l, nlist);
        if (l >= 0) start[l + 1]++;
    }
    for (size_t l = 0; l < nlist; l++)
        start[l + 1] += start[l];
    std::vector<idx_t> order(start[nlist]);
    {
        std::vector<size_t> fill(start.begin(), start.end() - 1);
        for (idx_t i = 0; i < n; i++) {
            if (coarse_idx[i] >= 0) order[fill[coarse_idx[i]]++] = i;
        }
    }
    // The codes of a plain IndexIVFFlat are the bytes of the vectors: they are appended
    // straight from x, without a copy of the whole batch (on a 37 MB batch the copy and
    // the page faults of its buffer cost as much as the appends). The buffer is left
    // uninitialised: every byte is written before it is read.
    std::unique_ptr<uint8_t[]> encoded;
    const uint8_t* codes = reinterpret_cast<const uint8_t*>(x);
    if (typeid(*this) != typeid(IndexIVFFlat)) {
        encoded.reset(new uint8_t[size_t(n) * code_size]);
        encode_vectors(n, x, coarse_idx, encoded.get());
        codes = encoded.get();
    }

    std::vector<size_t> offsets(n, 0);
    internal::ExceptionCollector errors;
#pragma omp parallel if (n > 1000)
    {
        // Per-thread gather buffers, grown to the largest list this thread appends to.
        std::unique_ptr<uint8_t[]> lcodes;
        std::unique_ptr<idx_t[]> ids;
        size_t capacity = 0;
#pragma omp for schedule(dynamic)
        for (int64_t l = 0; l < int64_t(nlist); l++) {
            const size_t b = start[l], e = start[l + 1];
            if (b == e) continue;
            errors.run([&] {
                if (e - b > capacity) {
                    capacity = e - b;
                    lcodes.reset(new uint8_t[capacity * code_size]);
                    ids.reset(new idx_t[capacity]);
                }
                for (size_t j = b; j < e; j++) {
                    const idx_t i = order[j];
                    ids[j - b] = xids ? xids[i] : ntotal + i;
                    std::memcpy(lcodes.get() + (j - b) * code_size, codes + size_t(i) * code_size,
                                code_size);
                }
                const size_t o0 = invlists->add_entries(l, e - b, ids.get(), lcodes.get());
                for (size_t j = b; j < e; j++)
                    offsets[order[j]] = o0 + (j - b);
            });
        }
    }
    errors.rethrow();
    for (idx_t i = 0; i < n; i++) {
        direct_map.add_single_id(xids ? xids[i] : ntotal + i, coarse_idx[i], offsets[i]);
    }
    ntotal += n;
}

void IndexIVF::reset() {
    check_ready();
    invlists->reset();
    direct_map.clear();
    ntotal = 0;
}

size_t IndexIVF::remove_ids(const IDSelector& sel) {
    check_ready();
    size_t nremove = direct_map.remove_ids(sel, invlists);
    ntotal -= idx_t(nremove);
    return nremove;
}

void IndexIVF::reconstruct(idx_t key, float* recons) const {
    FAISS_REQUIRE(recons != nullptr, invalid_argument, "reconstruct: recons is null");
    check_ready();
    FAISS_REQUIRE(!direct_map.no(), invalid_argument,
                  "IndexIVF::reconstruct needs a direct map: call make_direct_map() first (or "
                  "set_direct_map_type(DirectMap::Hashtable) when ids come from add_with_ids)");
    idx_t lo = direct_map.get(key);
    FAISS_REQUIRE(lo >= 0, invalid_argument, "vector %lld was not stored in any list",
                  (long long)key);
    reconstruct_from_offset(lo_listno(lo), lo_offset(lo), recons);
}

void IndexIVF::reconstruct_n(idx_t i0, idx_t ni, float* recons) const {
    FAISS_REQUIRE(ni >= 0 && i0 >= 0, invalid_argument,
                  "reconstruct_n: i0 and ni must be >= 0, got %lld, %lld", (long long)i0,
                  (long long)ni);
    FAISS_REQUIRE(ni == 0 || recons != nullptr, invalid_argument, "reconstruct_n: recons is null");
    check_ready();
    std::vector<uint8_t> found(ni, 0);
    for (size_t l = 0; l < nlist; l++) {
        size_t sz = invlists->list_size(l);
        const idx_t* ids = invlists->get_ids(l);
        for (size_t o = 0; o < sz; o++) {
            idx_t id = ids[o];
            if (id < i0 || id >= i0 + ni) continue;
            reconstruct_from_offset(idx_t(l), idx_t(o), recons + (id - i0) * d);
            found[id - i0] = 1;
        }
    }
    for (idx_t i = 0; i < ni; i++) {
        FAISS_REQUIRE(found[i], invalid_argument, "reconstruct_n: id %lld is not in the index",
                      (long long)(i0 + i));
    }
}

void IndexIVF::check_compatible_for_merge(const Index& other) const {
    const IndexIVF* o = dynamic_cast<const IndexIVF*>(&other);
    FAISS_REQUIRE(o != nullptr, invalid_argument, "can only merge an IndexIVF into an IndexIVF");
    FAISS_REQUIRE(o != this, invalid_argument, "cannot merge an index into itself");
    FAISS_REQUIRE(typeid(*this) == typeid(other), invalid_argument,
                  "cannot merge IVF indexes of different classes");
    FAISS_REQUIRE(o->d == d && o->nlist == nlist && o->code_size == code_size &&
                      o->metric_type == metric_type && o->by_residual == by_residual,
                  invalid_argument,
                  "IVF indexes differ: d %d vs %d, nlist %zu vs %zu, code_size %zu vs %zu", d, o->d,
                  nlist, o->nlist, code_size, o->code_size);
    FAISS_REQUIRE(direct_map.no() && o->direct_map.no(), unsupported,
                  "merge_from needs both indexes without direct map (make_direct_map(false))");
    FAISS_REQUIRE(invlists && o->invlists, invalid_argument, "IVF index without inverted lists");
}

void IndexIVF::merge_from(Index& other, idx_t add_id) {
    check_compatible_for_merge(other);
    IndexIVF& o = dynamic_cast<IndexIVF&>(other);
    invlists->merge_from(o.invlists, size_t(add_id));
    ntotal += o.ntotal;
    o.ntotal = 0;
}

size_t IndexIVF::get_list_size(size_t list_no) const {
    check_ready();
    return invlists->list_size(list_no);
}

void IndexIVF::make_direct_map(bool new_maintain_direct_map) {
    set_direct_map_type(new_maintain_direct_map ? DirectMap::Array : DirectMap::NoMap);
}

void IndexIVF::set_direct_map_type(DirectMap::Type type) {
    check_ready();
    direct_map.set_type(type, invlists, size_t(ntotal));
}

void IndexIVF::replace_invlists(InvertedLists* il, bool own) {
    if (il) {
        FAISS_REQUIRE(il->nlist == nlist && il->code_size == code_size, invalid_argument,
                      "replacement lists differ: nlist %zu vs %zu, code_size %zu vs %zu", il->nlist,
                      nlist, il->code_size, code_size);
    }
    if (own_invlists && il != invlists) delete invlists;
    invlists = il;
    own_invlists = own;
}

}  // namespace faiss
