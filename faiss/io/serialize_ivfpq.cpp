// IndexIVFPQ, tag "IwPQ" (FAISS_FORMAT.md §9): IVF header, by_residual, code_size,
// ProductQuantizer record, inverted lists. The precomputed table is not stored: it is
// rebuilt on load for trained by_residual indexes unless IO_FLAG_SKIP_PRECOMPUTE_TABLE.
// IndexIVFPQR ("IwQR") does not exist here and is refused as unsupported.

#include <faiss/IndexIVFPQ.h>
#include <faiss/index_io.h>
#include <faiss/io/internal/records.h>
#include <faiss/io/internal/registry.h>

namespace faiss::io {

namespace {

std::unique_ptr<Index> read_ivfpq(ReadStream& in, uint32_t t) {
    if (t == tag("IwQR")) in.unsupported("IndexIVFPQR is not supported here");
    auto index = std::make_unique<IndexIVFPQ>();
    read_ivf_header(in, *index);
    require_metric_l2_or_ip(in, *index, "IndexIVFPQ");
    index->by_residual = in.read_bool("IndexIVFPQ.by_residual");
    const uint64_t code_size = in.read<uint64_t>("IndexIVFPQ.code_size");
    read_ProductQuantizer_record(in, index->pq, uint64_t(index->d));
    FAISS_IO_CHECK(in, code_size == index->pq.code_size,
                   "code_size %llu does not match the product quantizer's %zu",
                   (unsigned long long)code_size, index->pq.code_size);
    index->code_size = size_t(code_size);
    read_ivf_lists_and_finish(in, *index);
    if (index->is_trained && index->by_residual &&
        !(in.io_flags() & IO_FLAG_SKIP_PRECOMPUTE_TABLE)) {
        index->precompute_table();
    }
    return index;
}

void write_ivfpq(const Index& base, WriteStream& out) {
    const auto& index = static_cast<const IndexIVFPQ&>(base);
    out.write_tag(tag("IwPQ"));
    write_ivf_header(index, out);
    out.write_bool(index.by_residual);
    out.write<uint64_t>(index.code_size);
    write_ProductQuantizer_record(index.pq, out);
    write_invlists(index.invlists, out);
}

const IndexSerializer registration({tag("IwPQ"), tag("IwQR")}, read_ivfpq, {typeid(IndexIVFPQ)},
                                   write_ivfpq);

}  // namespace

}  // namespace faiss::io
