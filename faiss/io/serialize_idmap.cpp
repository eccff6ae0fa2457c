// IndexIDMap ("IxMp") and IndexIDMap2 ("IxM2"), FAISS_FORMAT.md §5: header, the sub-index
// as a nested record, then id_map. IndexIDMap2's reverse map is rebuilt on load.

#include <faiss/IndexIDMap.h>
#include <faiss/io/internal/records.h>
#include <faiss/io/internal/registry.h>

namespace faiss::io {

namespace {

std::unique_ptr<Index> read_idmap(ReadStream& in, uint32_t t) {
    const bool two = t == tag("IxM2");
    std::unique_ptr<IndexIDMap> index;
    if (two) {
        index = std::make_unique<IndexIDMap2>();
    } else {
        index = std::make_unique<IndexIDMap>();
    }
    read_index_header(in, *index);
    std::unique_ptr<Index> sub = read_nonnull_index_record(in, "IndexIDMap sub-index");
    FAISS_IO_CHECK(in, sub->d == index->d && sub->ntotal == index->ntotal,
                   "the sub-index has d = %d, ntotal = %lld; the IndexIDMap d = %d, ntotal = %lld",
                   sub->d, (long long)sub->ntotal, index->d, (long long)index->ntotal);
    FAISS_IO_CHECK(in, sub->metric_type == index->metric_type,
                   "the sub-index metric %s differs from the IndexIDMap metric %s",
                   metric_name(sub->metric_type), metric_name(index->metric_type));
    index->index = sub.release();
    index->own_fields = true;
    in.read_vector(index->id_map, "IndexIDMap.id_map");
    FAISS_IO_CHECK(in, index->id_map.size() == uint64_t(index->ntotal),
                   "holds %zu ids for ntotal = %lld", index->id_map.size(),
                   (long long)index->ntotal);
    if (two) {
        auto* map2 = static_cast<IndexIDMap2*>(index.get());
        try {
            map2->construct_rev_map();
        } catch (const FaissException& e) {
            in.fail(e.message());
        }
    }
    return index;
}

void write_idmap(const Index& base, WriteStream& out) {
    const auto& index = static_cast<const IndexIDMap&>(base);
    FAISS_REQUIRE(index.id_map.size() == uint64_t(index.ntotal), invalid_argument,
                  "IndexIDMap holds %zu ids for ntotal = %lld", index.id_map.size(),
                  (long long)index.ntotal);
    FAISS_REQUIRE(index.index, invalid_argument, "IndexIDMap has no sub-index");
    out.write_tag(dynamic_cast<const IndexIDMap2*>(&index) ? tag("IxM2") : tag("IxMp"));
    write_index_header(index, out);
    write_index_record(index.index, out);
    out.write_vector(index.id_map);
}

const IndexSerializer registration({tag("IxMp"), tag("IxM2")}, read_idmap,
                                   {typeid(IndexIDMap), typeid(IndexIDMap2)}, write_idmap);

}  // namespace

}  // namespace faiss::io
