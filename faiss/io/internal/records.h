#pragma once

// Records shared by several index families (FAISS_FORMAT.md): the generic index header
// (§2), the ProductQuantizer (§6.1) and ScalarQuantizer (§10.1) records, the IVF header,
// direct map and inverted lists (§7). Private: never installed.

#include <faiss/io/internal/stream.h>

#include <memory>

namespace faiss {
struct Index;
struct IndexIVF;
struct InvertedLists;
struct ProductQuantizer;
struct ScalarQuantizer;
struct VectorTransform;
}  // namespace faiss

namespace faiss::io {

/// Header fields into index: d, ntotal, is_trained, metric_type, metric_arg; verbose is
/// reset. Checks 0 <= d <= 2^20, ntotal >= 0, a known metric.
void read_index_header(ReadStream& in, Index& index);
void write_index_header(const Index& index, WriteStream& out);

/// Throws corrupt_data unless the metric read into index is one of those listed (the
/// classes refuse others in their constructors).
void require_metric_l2_or_ip(ReadStream& in, const Index& index, const char* type_name);

/// d_expected value of a record read on its own: any dimension in [1, 2^20].
constexpr uint64_t kAnyDimension = UINT64_MAX;

/// PQ record; d_expected is the owner's dimension (the record's d must equal it).
void read_ProductQuantizer_record(ReadStream& in, ProductQuantizer& pq, uint64_t d_expected);
void write_ProductQuantizer_record(const ProductQuantizer& pq, WriteStream& out);

/// SQ record; is_trained is the owner's header flag (an untrained owner may hold an empty
/// trained vector).
void read_ScalarQuantizer_record(ReadStream& in, ScalarQuantizer& sq, uint64_t d_expected,
                                 bool is_trained);
void write_ScalarQuantizer_record(const ScalarQuantizer& sq, WriteStream& out);

/// IVF header after the tag: index header, nlist, nprobe, quantizer, direct map. The
/// direct map is checked later, by finish_ivf, once the lists are known.
void read_ivf_header(ReadStream& in, IndexIVF& ivf);
void write_ivf_header(const IndexIVF& ivf, WriteStream& out);

/// The inverted-lists record of ivf ("ilar" or "il00"), checked against ivf's nlist and
/// code_size, then the cross-checks of the whole IVF index (direct map entries, list
/// sizes against ntotal). Call after ivf.code_size is set.
void read_ivf_lists_and_finish(ReadStream& in, IndexIVF& ivf);
void write_invlists(const InvertedLists* il, WriteStream& out);

/// One VectorTransform record (tag, fields, trailer), checked.
std::unique_ptr<VectorTransform> read_transform_record(ReadStream& in);
void write_transform_record(const VectorTransform& vt, WriteStream& out);

}  // namespace faiss::io
