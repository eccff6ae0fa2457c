// HNSW indexes, FAISS_FORMAT.md §11: "IHNf" (IndexHNSWFlat), "IHNs" (IndexHNSWSQ), "IHNp"
// (IndexHNSWPQ), "IH00" (IndexHNSW over any storage). Layout: header, HNSW graph record,
// storage index (a nested record, "null" when saved with IO_FLAG_SKIP_STORAGE).
// The graph is validated completely on load (levels, offsets, every neighbour id), since
// search follows its ids without further checks.

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/index_io.h>
#include <faiss/internal/hnsw_impl.h>
#include <faiss/io/internal/records.h>
#include <faiss/io/internal/registry.h>

#include <cstdint>
#include <cstring>

namespace faiss::io {

namespace {

// More levels than any graph could use (Faiss stops when a level's probability < 1e-9).
constexpr size_t kMaxLevels = 128;
// Largest total neighbours per node (all levels): beyond any real M.
constexpr int64_t kMaxNeighborsPerNode = int64_t(1) << 20;

void read_graph_shape(ReadStream& in, HNSW& hnsw) {
    in.read_vector(hnsw.assign_probas, "HNSW.assign_probas");
    FAISS_IO_CHECK(in, hnsw.assign_probas.size() >= 1 && hnsw.assign_probas.size() < kMaxLevels,
                   "%zu levels, expected 1 to %zu", hnsw.assign_probas.size(), kMaxLevels - 1);
    in.read_vector(hnsw.cum_nneighbor_per_level, "HNSW.cum_nneighbor_per_level");
    const auto& cum = hnsw.cum_nneighbor_per_level;
    FAISS_IO_CHECK(in, cum.size() == hnsw.assign_probas.size() + 1,
                   "%zu entries for %zu levels (expected one more)", cum.size(),
                   hnsw.assign_probas.size());
    FAISS_IO_CHECK(in, cum[0] == 0, "must start at 0, got %d", cum[0]);
    for (size_t l = 1; l < cum.size(); l++) {
        FAISS_IO_CHECK(in, cum[l] >= cum[l - 1] && cum[l] <= kMaxNeighborsPerNode,
                       "entry %zu (%d) is not in [%d, %lld]", l, cum[l], cum[l - 1],
                       (long long)kMaxNeighborsPerNode);
    }
}

// Element i of a graph array, read bytewise: a mapped array sits at the file's offset,
// which need not be aligned for T.
template <class T>
T element(const MaybeOwnedVector<T>& v, size_t i) {
    T out;
    std::memcpy(&out, v.data() + i, sizeof(T));
    return out;
}

// Checks run on a const view, so that a mapped graph is read in place, never copied.
void read_graph_nodes(ReadStream& in, HNSW& hnsw, idx_t ntotal) {
    const HNSW& h = hnsw;
    const auto& cum = h.cum_nneighbor_per_level;
    in.read_vector(hnsw.levels, "HNSW.levels");
    FAISS_IO_CHECK(in, h.levels.size() == uint64_t(ntotal), "%zu levels for ntotal = %lld",
                   h.levels.size(), (long long)ntotal);
    for (size_t i = 0; i < h.levels.size(); i++) {
        const int level = element(h.levels, i);
        FAISS_IO_CHECK(in, level >= 1 && size_t(level) < cum.size(),
                       "node %zu has level count %d, expected 1 to %zu", i, level, cum.size() - 1);
    }
    in.read_vector(hnsw.offsets, "HNSW.offsets");
    FAISS_IO_CHECK(in, h.offsets.size() == uint64_t(ntotal) + 1, "%zu offsets for ntotal = %lld",
                   h.offsets.size(), (long long)ntotal);
    FAISS_IO_CHECK(in, element(h.offsets, 0) == 0, "must start at 0");
    for (size_t i = 0; i < h.levels.size(); i++) {
        const uint64_t step = uint64_t(cum[size_t(element(h.levels, i))]);
        FAISS_IO_CHECK(in, element(h.offsets, i + 1) == element(h.offsets, i) + step,
                       "offset %zu does not match the levels of node %zu", i + 1, i);
    }
    in.read_vector(hnsw.neighbors, "HNSW.neighbors");
    const uint64_t n_slots = element(h.offsets, h.offsets.size() - 1);
    FAISS_IO_CHECK(in, h.neighbors.size() == n_slots, "%zu neighbours, the offsets need %llu",
                   h.neighbors.size(), (unsigned long long)n_slots);
    // A neighbour on level l must itself live on level l: search follows it there and
    // reads its level-l list, which would otherwise lie outside its slots.
    for (size_t i = 0; i < h.levels.size(); i++) {
        const int levels_i = element(h.levels, i);
        const size_t base = size_t(element(h.offsets, i));
        for (int l = 0; l < levels_i; l++) {
            for (size_t j = base + size_t(cum[l]); j < base + size_t(cum[l + 1]); j++) {
                const int32_t v = element(h.neighbors, j);
                FAISS_IO_CHECK(
                    in,
                    v == -1 || (v >= 0 && int64_t(v) < ntotal && element(h.levels, size_t(v)) > l),
                    "neighbour slot %zu (node %zu, level %d) holds %d, not a node of that level", j,
                    i, l, v);
            }
        }
    }
}

void read_hnsw_record(ReadStream& in, HNSW& hnsw, idx_t ntotal) {
    read_graph_shape(in, hnsw);
    read_graph_nodes(in, hnsw, ntotal);
    hnsw.entry_point = in.read<int32_t>("HNSW.entry_point");
    FAISS_IO_CHECK(
        in,
        ntotal == 0 ? hnsw.entry_point == -1 : hnsw.entry_point >= 0 && hnsw.entry_point < ntotal,
        "entry point %d for ntotal = %lld", hnsw.entry_point, (long long)ntotal);
    hnsw.max_level = in.read<int32_t>("HNSW.max_level");
    const int expected_max =
        ntotal == 0 ? -1
                    : element(static_cast<const HNSW&>(hnsw).levels, size_t(hnsw.entry_point)) - 1;
    FAISS_IO_CHECK(in, hnsw.max_level == expected_max,
                   "max level %d, the entry point's top level is %d", hnsw.max_level, expected_max);
    hnsw.efConstruction = in.read<int32_t>("HNSW.efConstruction");
    FAISS_IO_CHECK(in, hnsw.efConstruction >= 1, "must be >= 1, got %d", hnsw.efConstruction);
    hnsw.efSearch = in.read<int32_t>("HNSW.efSearch");
    FAISS_IO_CHECK(in, hnsw.efSearch >= 1, "must be >= 1, got %d", hnsw.efSearch);
    in.read<int32_t>("HNSW.upper_beam");  // deprecated, always 1
    hnsw.deleted.clear();
    hnsw.free_slots.clear();
}

void write_hnsw_record(const HNSW& hnsw, WriteStream& out) {
    out.write_vector(hnsw.assign_probas);
    out.write_vector(hnsw.cum_nneighbor_per_level);
    out.write_vector(hnsw.levels);
    out.write_vector(hnsw.offsets);
    out.write_vector(hnsw.neighbors);
    out.write<int32_t>(hnsw.entry_point);
    out.write<int32_t>(hnsw.max_level);
    out.write<int32_t>(hnsw.efConstruction);
    out.write<int32_t>(hnsw.efSearch);
    out.write<int32_t>(1);
}

// The storage class each tag expects (null: any).
bool storage_matches(uint32_t t, const Index* storage) {
    if (t == tag("IHNf")) return dynamic_cast<const IndexFlat*>(storage) != nullptr;
    if (t == tag("IHNs")) return dynamic_cast<const IndexScalarQuantizer*>(storage) != nullptr;
    if (t == tag("IHNp")) return dynamic_cast<const IndexPQ*>(storage) != nullptr;
    return true;
}

std::unique_ptr<IndexHNSW> make_hnsw(uint32_t t) {
    if (t == tag("IHNf")) return std::make_unique<IndexHNSWFlat>();
    if (t == tag("IHNs")) return std::make_unique<IndexHNSWSQ>();
    if (t == tag("IHNp")) return std::make_unique<IndexHNSWPQ>();
    return std::make_unique<IndexHNSW>();
}

std::unique_ptr<Index> read_index_hnsw(ReadStream& in, uint32_t t) {
    if (t == tag("IHN2") || t == tag("IHNc") || t == tag("IHc2") || t == tag("IHfP")) {
        in.unsupported("HNSW variant " + fourcc_inv(t) + " is not supported here");
    }
    std::unique_ptr<IndexHNSW> index = make_hnsw(t);
    read_index_header(in, *index);
    FAISS_IO_CHECK(in, index->ntotal <= INT32_MAX, "an HNSW graph holds at most %d nodes, got %lld",
                   INT32_MAX, (long long)index->ntotal);
    read_hnsw_record(in, index->hnsw, index->ntotal);
    index->hnsw.is_similarity = is_similarity_metric(index->metric_type);
    const uint64_t at = in.offset();
    std::unique_ptr<Index> storage = read_index_record(in);
    if (storage) {
        if (!storage_matches(t, storage.get())) {
            in.fail_at(at, "IndexHNSW storage", "storage type does not match tag " + fourcc_inv(t));
        }
        if (storage->d != index->d || storage->ntotal != index->ntotal ||
            storage->metric_type != index->metric_type) {
            in.fail_at(at, "IndexHNSW storage",
                       internal::format_message("storage d = %d, ntotal = %lld, metric %s; index "
                                                "d = %d, ntotal = %lld, metric %s",
                                                storage->d, (long long)storage->ntotal,
                                                metric_name(storage->metric_type), index->d,
                                                (long long)index->ntotal,
                                                metric_name(index->metric_type)));
        }
    }
    if (index->own_fields) delete index->storage;
    index->storage = storage.release();
    index->own_fields = true;
    // A mapped graph stays in the shared page cache, paged in on demand: collapsing it
    // into huge pages would read it all now.
    if (!in.mmap_requested()) internal::advise_hnsw_memory(index->hnsw, index->storage);
    return index;
}

void write_index_hnsw(const Index& base, WriteStream& out) {
    const auto& index = static_cast<const IndexHNSW&>(base);
    FAISS_REQUIRE(index.hnsw.n_deleted() == 0, unsupported,
                  "IndexHNSW holds %zu removed vectors, which the Faiss format cannot record; "
                  "call compact() before saving",
                  index.hnsw.n_deleted());
    uint32_t t = tag("IH00");
    if (dynamic_cast<const IndexHNSWFlat*>(&index)) t = tag("IHNf");
    if (dynamic_cast<const IndexHNSWSQ*>(&index)) t = tag("IHNs");
    if (dynamic_cast<const IndexHNSWPQ*>(&index)) t = tag("IHNp");
    out.write_tag(t);
    write_index_header(index, out);
    write_hnsw_record(index.hnsw, out);
    if (out.io_flags() & IO_FLAG_SKIP_STORAGE) {
        write_index_record(nullptr, out);
    } else {
        write_index_record(index.storage, out);
    }
}

const IndexSerializer registration({tag("IHNf"), tag("IHNs"), tag("IHNp"), tag("IH00"), tag("IHN2"),
                                    tag("IHNc"), tag("IHc2"), tag("IHfP")},
                                   read_index_hnsw,
                                   {typeid(IndexHNSW), typeid(IndexHNSWFlat), typeid(IndexHNSWSQ),
                                    typeid(IndexHNSWPQ)},
                                   write_index_hnsw);

}  // namespace

}  // namespace faiss::io
