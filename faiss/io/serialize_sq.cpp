// IndexScalarQuantizer, tag "IxSQ" (FAISS_FORMAT.md §10.2): header, ScalarQuantizer
// record, codes (ntotal * code_size bytes).

#include <faiss/IndexScalarQuantizer.h>
#include <faiss/io/internal/records.h>
#include <faiss/io/internal/registry.h>

namespace faiss::io {

namespace {

std::unique_ptr<Index> read_index_sq(ReadStream& in, uint32_t) {
    auto index = std::make_unique<IndexScalarQuantizer>();
    read_index_header(in, *index);
    require_metric_l2_or_ip(in, *index, "IndexScalarQuantizer");
    read_ScalarQuantizer_record(in, index->sq, uint64_t(index->d), index->is_trained);
    index->code_size = index->sq.code_size;
    const uint64_t ncodes = in.read_count(1, "IndexScalarQuantizer.codes");
    const uint64_t expected = checked_mul(in, uint64_t(index->ntotal), index->code_size);
    FAISS_IO_CHECK(in, ncodes == expected, "holds %llu bytes, expected ntotal * code_size = %llu",
                   (unsigned long long)ncodes, (unsigned long long)expected);
    in.read_array(index->codes, ncodes, "IndexScalarQuantizer.codes");
    return index;
}

void write_index_sq(const Index& base, WriteStream& out) {
    const auto& index = static_cast<const IndexScalarQuantizer&>(base);
    FAISS_REQUIRE(index.codes.size() == uint64_t(index.ntotal) * index.code_size, invalid_argument,
                  "IndexScalarQuantizer holds %zu code bytes for ntotal = %lld", index.codes.size(),
                  (long long)index.ntotal);
    out.write_tag(tag("IxSQ"));
    write_index_header(index, out);
    write_ScalarQuantizer_record(index.sq, out);
    out.write_vector(index.codes);
}

const IndexSerializer registration({tag("IxSQ")}, read_index_sq, {typeid(IndexScalarQuantizer)},
                                   write_index_sq);

}  // namespace

}  // namespace faiss::io
