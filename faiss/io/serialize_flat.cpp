// IndexFlat, IndexFlatL2, IndexFlatIP: tags "IxF2" (L2), "IxFI" (inner product), "IxFl"
// (other metrics); the tag follows the metric, not the class (FAISS_FORMAT.md §4).
// Layout: header, then the vectors as a count of floats (ntotal * d) and the floats.

#include <faiss/IndexFlat.h>
#include <faiss/io/internal/records.h>
#include <faiss/io/internal/registry.h>

namespace faiss::io {

namespace {

std::unique_ptr<Index> read_flat(ReadStream& in, uint32_t t) {
    std::unique_ptr<IndexFlat> index;
    if (t == tag("IxF2")) {
        index = std::make_unique<IndexFlatL2>();
    } else if (t == tag("IxFI")) {
        index = std::make_unique<IndexFlatIP>();
    } else {
        index = std::make_unique<IndexFlat>();
    }
    read_index_header(in, *index);
    if (t == tag("IxF2") || t == tag("IxFI")) {
        const MetricType expected = t == tag("IxF2") ? METRIC_L2 : METRIC_INNER_PRODUCT;
        FAISS_IO_CHECK(in, index->metric_type == expected, "%s for a flat index tagged %s",
                       metric_name(index->metric_type), fourcc_inv(t).c_str());
    }
    index->code_size = size_t(index->d) * sizeof(float);
    const uint64_t nfloats = in.read_count(sizeof(float), "IndexFlat.codes");
    const uint64_t expected = checked_mul(in, uint64_t(index->ntotal), uint64_t(index->d));
    FAISS_IO_CHECK(in, nfloats == expected, "holds %llu floats, expected ntotal * d = %llu",
                   (unsigned long long)nfloats, (unsigned long long)expected);
    in.read_array(index->codes, nfloats * sizeof(float), "IndexFlat.codes");
    return index;
}

void write_flat(const Index& base, WriteStream& out) {
    const auto& index = static_cast<const IndexFlat&>(base);
    const uint64_t nfloats = uint64_t(index.ntotal) * uint64_t(index.d);
    FAISS_REQUIRE(index.codes.size() == nfloats * sizeof(float), invalid_argument,
                  "IndexFlat holds %zu code bytes, expected ntotal * d * 4 = %llu",
                  index.codes.size(), (unsigned long long)(nfloats * sizeof(float)));
    const uint32_t t = index.metric_type == METRIC_L2              ? tag("IxF2")
                       : index.metric_type == METRIC_INNER_PRODUCT ? tag("IxFI")
                                                                   : tag("IxFl");
    out.write_tag(t);
    write_index_header(index, out);
    out.write<uint64_t>(nfloats);
    out.write_bytes(index.codes.data(), index.codes.size());
}

const IndexSerializer registration({tag("IxF2"), tag("IxFI"), tag("IxFl")}, read_flat,
                                   {typeid(IndexFlat), typeid(IndexFlatL2), typeid(IndexFlatIP)},
                                   write_flat);

}  // namespace

}  // namespace faiss::io
