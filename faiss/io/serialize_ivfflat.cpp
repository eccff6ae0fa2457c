// IndexIVFFlat, tag "IwFl" (FAISS_FORMAT.md §8): IVF header, then the inverted lists,
// whose codes are the raw vectors (code_size = 4 * d). The pre-2018 layouts "IvFl" /
// "IvFL" are recognised and refused as unsupported.

#include <faiss/IndexIVFFlat.h>
#include <faiss/io/internal/records.h>
#include <faiss/io/internal/registry.h>

namespace faiss::io {

namespace {

std::unique_ptr<Index> read_ivfflat(ReadStream& in, uint32_t) {
    auto index = std::make_unique<IndexIVFFlat>();
    read_ivf_header(in, *index);
    require_metric_l2_or_ip(in, *index, "IndexIVFFlat");
    index->code_size = size_t(index->d) * sizeof(float);
    read_ivf_lists_and_finish(in, *index);
    return index;
}

void write_ivfflat(const Index& base, WriteStream& out) {
    const auto& index = static_cast<const IndexIVFFlat&>(base);
    out.write_tag(tag("IwFl"));
    write_ivf_header(index, out);
    write_invlists(index.invlists, out);
}

std::unique_ptr<Index> read_legacy_ivf(ReadStream& in, uint32_t t) {
    in.unsupported("the legacy IVF layout " + fourcc_inv(t) +
                   " (Faiss before 2018) is not supported here; convert the file with "
                   "faiss-cpu (read_index, then write_index)");
}

const IndexSerializer registration({tag("IwFl")}, read_ivfflat, {typeid(IndexIVFFlat)},
                                   write_ivfflat);
const IndexSerializer legacy({tag("IvFl"), tag("IvFL"), tag("IvPQ"), tag("IvQR"), tag("IvSQ")},
                             read_legacy_ivf, {}, nullptr);

}  // namespace

}  // namespace faiss::io
