// IndexIVFScalarQuantizer, FAISS_FORMAT.md §10.3: "IwSq" (current): IVF header,
// ScalarQuantizer record, code_size, by_residual, inverted lists; "IwSQ" (legacy, read
// only): the same without by_residual, which is then true.

#include <faiss/IndexIVFScalarQuantizer.h>
#include <faiss/io/internal/records.h>
#include <faiss/io/internal/registry.h>

namespace faiss::io {

namespace {

std::unique_ptr<Index> read_ivfsq(ReadStream& in, uint32_t t) {
    auto index = std::make_unique<IndexIVFScalarQuantizer>();
    read_ivf_header(in, *index);
    require_metric_l2_or_ip(in, *index, "IndexIVFScalarQuantizer");
    read_ScalarQuantizer_record(in, index->sq, uint64_t(index->d), index->is_trained);
    const uint64_t code_size = in.read<uint64_t>("IndexIVFScalarQuantizer.code_size");
    FAISS_IO_CHECK(in, code_size == index->sq.code_size,
                   "code_size %llu does not match the scalar quantizer's %zu",
                   (unsigned long long)code_size, index->sq.code_size);
    index->code_size = size_t(code_size);
    index->by_residual =
        t == tag("IwSq") ? in.read_bool("IndexIVFScalarQuantizer.by_residual") : true;
    read_ivf_lists_and_finish(in, *index);
    return index;
}

void write_ivfsq(const Index& base, WriteStream& out) {
    const auto& index = static_cast<const IndexIVFScalarQuantizer&>(base);
    out.write_tag(tag("IwSq"));
    write_ivf_header(index, out);
    write_ScalarQuantizer_record(index.sq, out);
    out.write<uint64_t>(index.code_size);
    out.write_bool(index.by_residual);
    write_invlists(index.invlists, out);
}

const IndexSerializer registration({tag("IwSq"), tag("IwSQ")}, read_ivfsq,
                                   {typeid(IndexIVFScalarQuantizer)}, write_ivfsq);

}  // namespace

}  // namespace faiss::io
