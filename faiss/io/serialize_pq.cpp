// IndexPQ, FAISS_FORMAT.md §6.2: "IxPq" (current): header, ProductQuantizer record, codes,
// search_type, encode_signs, polysemous_ht. Legacy read-only tags: "IxPo" (same layout)
// and "IxPQ" (no trailing fields); both force METRIC_L2, as Faiss does.
// Also the standalone ProductQuantizer files of faiss/index_io.h.

#include <faiss/IndexPQ.h>
#include <faiss/index_io.h>
#include <faiss/io/internal/records.h>
#include <faiss/io/internal/registry.h>

namespace faiss {

namespace io {

namespace {

constexpr int32_t kLastSearchType = IndexPQ::ST_polysemous_generalize;

std::unique_ptr<Index> read_index_pq(ReadStream& in, uint32_t t) {
    auto index = std::make_unique<IndexPQ>();
    read_index_header(in, *index);
    if (t != tag("IxPq")) index->metric_type = METRIC_L2;
    require_metric_l2_or_ip(in, *index, "IndexPQ");
    read_ProductQuantizer_record(in, index->pq, uint64_t(index->d));
    index->code_size = index->pq.code_size;
    const uint64_t ncodes = in.read_count(1, "IndexPQ.codes");
    const uint64_t expected = checked_mul(in, uint64_t(index->ntotal), index->code_size);
    FAISS_IO_CHECK(in, ncodes == expected, "holds %llu bytes, expected ntotal * code_size = %llu",
                   (unsigned long long)ncodes, (unsigned long long)expected);
    in.read_array(index->codes, ncodes, "IndexPQ.codes");
    if (t == tag("IxPQ")) return index;
    const int32_t st = in.read<int32_t>("IndexPQ.search_type");
    FAISS_IO_CHECK(in, st >= 0 && st <= kLastSearchType, "unknown search type %d", st);
    index->search_type = IndexPQ::Search_type_t(st);
    index->encode_signs = in.read_bool("IndexPQ.encode_signs");
    index->polysemous_ht = in.read<int32_t>("IndexPQ.polysemous_ht");
    return index;
}

void write_index_pq(const Index& base, WriteStream& out) {
    const auto& index = static_cast<const IndexPQ&>(base);
    FAISS_REQUIRE(index.codes.size() == uint64_t(index.ntotal) * index.code_size, invalid_argument,
                  "IndexPQ holds %zu code bytes for ntotal = %lld", index.codes.size(),
                  (long long)index.ntotal);
    out.write_tag(tag("IxPq"));
    write_index_header(index, out);
    write_ProductQuantizer_record(index.pq, out);
    out.write_vector(index.codes);
    out.write<int32_t>(int32_t(index.search_type));
    out.write_bool(index.encode_signs);
    out.write<int32_t>(index.polysemous_ht);
}

const IndexSerializer registration({tag("IxPq"), tag("IxPo"), tag("IxPQ")}, read_index_pq,
                                   {typeid(IndexPQ)}, write_index_pq);

}  // namespace

}  // namespace io

void write_ProductQuantizer(const ProductQuantizer* pq, IOWriter* f) {
    FAISS_REQUIRE(pq, invalid_argument, "write_ProductQuantizer: the quantizer is null");
    FAISS_REQUIRE(f, invalid_argument, "write_ProductQuantizer: the writer is null");
    io::WriteStream out(f, 0);
    io::write_ProductQuantizer_record(*pq, out);
}

void write_ProductQuantizer(const ProductQuantizer* pq, const char* fname) {
    FAISS_REQUIRE(pq, invalid_argument, "write_ProductQuantizer: the quantizer is null");
    FAISS_REQUIRE(fname, invalid_argument, "write_ProductQuantizer: the file name is null");
    io::save_file_atomically(fname, [&](IOWriter* w) { write_ProductQuantizer(pq, w); });
}

ProductQuantizer* read_ProductQuantizer(IOReader* reader) {
    FAISS_REQUIRE(reader, invalid_argument, "read_ProductQuantizer: the reader is null");
    io::ReadStream in(reader, 0);
    auto pq = std::make_unique<ProductQuantizer>();
    io::read_ProductQuantizer_record(in, *pq, io::kAnyDimension);
    return pq.release();
}

ProductQuantizer* read_ProductQuantizer(const char* fname) {
    FAISS_REQUIRE(fname, invalid_argument, "read_ProductQuantizer: the file name is null");
    FileIOReader reader(fname);
    return read_ProductQuantizer(&reader);
}

}  // namespace faiss
