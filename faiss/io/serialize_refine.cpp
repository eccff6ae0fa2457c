// IndexRefine / IndexRefineFlat, tag "IxRF" (FAISS_FORMAT.md §13): header, base index,
// refine index, k_factor. The reader builds an IndexRefineFlat when the refine index is a
// flat index, as Faiss does; both indexes are owned by the result.

#include <faiss/IndexFlat.h>
#include <faiss/IndexRefine.h>
#include <faiss/io/internal/records.h>
#include <faiss/io/internal/registry.h>

#include <cmath>

namespace faiss::io {

namespace {

std::unique_ptr<Index> read_refine(ReadStream& in, uint32_t) {
    // The header comes before the sub-indexes that decide the class: read it into a
    // stand-in and copy the fields over.
    IndexFlat header;
    read_index_header(in, header);
    std::unique_ptr<Index> base = read_nonnull_index_record(in, "IndexRefine base_index");
    std::unique_ptr<Index> refine = read_nonnull_index_record(in, "IndexRefine refine_index");
    FAISS_IO_CHECK(in, base->d == header.d && refine->d == header.d,
                   "dimensions differ: index %d, base_index %d, refine_index %d", header.d, base->d,
                   refine->d);
    FAISS_IO_CHECK(in, base->ntotal == refine->ntotal,
                   "base_index holds %lld vectors, refine_index %lld", (long long)base->ntotal,
                   (long long)refine->ntotal);
    const float k_factor = in.read<float>("IndexRefine.k_factor");
    FAISS_IO_CHECK(in, std::isfinite(k_factor) && k_factor >= 1 && k_factor <= 1000,
                   "must be finite and in [1, 1000], got %g", double(k_factor));
    std::unique_ptr<IndexRefine> index;
    if (dynamic_cast<const IndexFlat*>(refine.get())) {
        index = std::make_unique<IndexRefineFlat>();
    } else {
        index = std::make_unique<IndexRefine>();
    }
    index->d = header.d;
    index->ntotal = header.ntotal;
    index->is_trained = header.is_trained;
    index->metric_type = header.metric_type;
    index->metric_arg = header.metric_arg;
    index->verbose = false;
    index->base_index = base.release();
    index->own_fields = true;
    index->refine_index = refine.release();
    index->own_refine_index = true;
    index->k_factor = k_factor;
    return index;
}

void write_refine(const Index& base, WriteStream& out) {
    const auto& index = static_cast<const IndexRefine&>(base);
    FAISS_REQUIRE(index.base_index && index.refine_index, invalid_argument,
                  "IndexRefine needs both a base and a refine index to be saved");
    out.write_tag(tag("IxRF"));
    write_index_header(index, out);
    write_index_record(index.base_index, out);
    write_index_record(index.refine_index, out);
    out.write<float>(index.k_factor);
}

const IndexSerializer registration({tag("IxRF")}, read_refine,
                                   {typeid(IndexRefine), typeid(IndexRefineFlat)}, write_refine);

}  // namespace

}  // namespace faiss::io
