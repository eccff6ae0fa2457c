// VectorTransform records and IndexPreTransform ("IxPT"), FAISS_FORMAT.md §12.
//
// A transform record is its tag, the type's own fields, then the common trailer d_in,
// d_out, is_trained. Linear transforms end their own fields with have_bias, A, b.
//   "rrot" RandomRotationMatrix   "Pcam" PCAMatrix (legacy "PcAm" / "PCAm" read only)
//   "LTra" LinearTransform (OPQMatrix is written so, and comes back as a LinearTransform,
//          as in Faiss)            "VNrm" NormalizationTransform
//   "VCnt" CenteringTransform      "RmDT" RemapDimensionsTransform
//   "Viqm" ITQMatrix               "Viqt" ITQTransform (nested Viqm and LTra records)
//   "HRot" HadamardRotation (the seed; the signs are drawn again on load)

#include <faiss/IndexPreTransform.h>
#include <faiss/VectorTransform.h>
#include <faiss/index_io.h>
#include <faiss/io/internal/records.h>
#include <faiss/io/internal/registry.h>

#include <memory>
#include <typeindex>
#include <unordered_map>

namespace faiss {

namespace io {

namespace {

constexpr int kMaxTransformDim = 1 << 20;
// Longest transform chain accepted (Faiss chains hold a handful).
constexpr int32_t kMaxChain = 1000;
// Orthonormality is checked on load when it costs at most this many multiply-adds
// (d_out^2 * d_in / 2); larger matrices keep is_orthonormal = false, and the caller can
// run set_is_orthonormal() itself.
constexpr double kMaxOrthoCheckWork = double(uint64_t(1) << 31);

void read_trailer(ReadStream& in, VectorTransform& vt) {
    vt.d_in = in.read<int32_t>("VectorTransform.d_in");
    FAISS_IO_CHECK(in, vt.d_in >= 1 && vt.d_in <= kMaxTransformDim, "must be in [1, %d], got %d",
                   kMaxTransformDim, vt.d_in);
    vt.d_out = in.read<int32_t>("VectorTransform.d_out");
    FAISS_IO_CHECK(in, vt.d_out >= 1 && vt.d_out <= kMaxTransformDim, "must be in [1, %d], got %d",
                   kMaxTransformDim, vt.d_out);
    vt.is_trained = in.read_bool("VectorTransform.is_trained");
}

void write_trailer(const VectorTransform& vt, WriteStream& out) {
    out.write<int32_t>(vt.d_in);
    out.write<int32_t>(vt.d_out);
    out.write_bool(vt.is_trained);
}

// have_bias, A, b, then the trailer, then the shape checks of A and b.
void read_linear(ReadStream& in, LinearTransform& lt) {
    lt.have_bias = in.read_bool("LinearTransform.have_bias");
    in.read_vector(lt.A, "LinearTransform.A");
    in.read_vector(lt.b, "LinearTransform.b");
    read_trailer(in, lt);
    const uint64_t a_size = uint64_t(lt.d_in) * uint64_t(lt.d_out);
    FAISS_IO_CHECK(in, lt.A.size() == a_size || (lt.A.empty() && !lt.is_trained),
                   "A holds %zu floats for d_out x d_in = %d x %d", lt.A.size(), lt.d_out, lt.d_in);
    FAISS_IO_CHECK(in,
                   lt.b.size() == uint64_t(lt.d_out) || (lt.b.empty() && !lt.have_bias) ||
                       (lt.b.empty() && !lt.is_trained),
                   "b holds %zu floats for d_out = %d (have_bias = %d)", lt.b.size(), lt.d_out,
                   int(lt.have_bias));
    const double work = double(lt.d_out) * double(lt.d_out) * double(lt.d_in) / 2;
    if (lt.A.size() == a_size && work <= kMaxOrthoCheckWork) lt.set_is_orthonormal();
}

void write_linear(const LinearTransform& lt, WriteStream& out) {
    out.write_bool(lt.have_bias);
    out.write_vector(lt.A);
    out.write_vector(lt.b);
    write_trailer(lt, out);
}

std::unique_ptr<VectorTransform> read_pca(ReadStream& in, uint32_t t) {
    auto pca = std::make_unique<PCAMatrix>();
    pca->eigen_power = in.read<float>("PCAMatrix.eigen_power");
    if (t == tag("Pcam")) pca->epsilon = in.read<float>("PCAMatrix.epsilon");
    pca->random_rotation = in.read_bool("PCAMatrix.random_rotation");
    if (t != tag("PCAm")) pca->balanced_bins = in.read<int32_t>("PCAMatrix.balanced_bins");
    in.read_vector(pca->mean, "PCAMatrix.mean");
    in.read_vector(pca->eigenvalues, "PCAMatrix.eigenvalues");
    in.read_vector(pca->PCAMat, "PCAMatrix.PCAMat");
    read_linear(in, *pca);
    const uint64_t din = uint64_t(pca->d_in);
    FAISS_IO_CHECK(in, pca->mean.size() == din || pca->mean.empty(),
                   "PCA mean holds %zu floats for d_in = %llu", pca->mean.size(),
                   (unsigned long long)din);
    FAISS_IO_CHECK(in, pca->eigenvalues.size() <= din && pca->PCAMat.size() <= din * din,
                   "PCA eigenvalues (%zu) or PCAMat (%zu) larger than d_in = %llu allows",
                   pca->eigenvalues.size(), pca->PCAMat.size(), (unsigned long long)din);
    return pca;
}

void write_pca(const VectorTransform& vt, WriteStream& out) {
    const auto& pca = static_cast<const PCAMatrix&>(vt);
    out.write_tag(tag("Pcam"));
    out.write<float>(pca.eigen_power);
    out.write<float>(pca.epsilon);
    out.write_bool(pca.random_rotation);
    out.write<int32_t>(pca.balanced_bins);
    out.write_vector(pca.mean);
    out.write_vector(pca.eigenvalues);
    out.write_vector(pca.PCAMat);
    write_linear(pca, out);
}

std::unique_ptr<VectorTransform> read_rrot(ReadStream& in, uint32_t) {
    auto rr = std::make_unique<RandomRotationMatrix>();
    read_linear(in, *rr);
    return rr;
}

std::unique_ptr<VectorTransform> read_ltra(ReadStream& in, uint32_t) {
    auto lt = std::make_unique<LinearTransform>();
    read_linear(in, *lt);
    return lt;
}

void write_rrot(const VectorTransform& vt, WriteStream& out) {
    out.write_tag(tag("rrot"));
    write_linear(static_cast<const LinearTransform&>(vt), out);
}

void write_ltra(const VectorTransform& vt, WriteStream& out) {
    out.write_tag(tag("LTra"));
    write_linear(static_cast<const LinearTransform&>(vt), out);
}

std::unique_ptr<VectorTransform> read_norm(ReadStream& in, uint32_t) {
    auto nt = std::make_unique<NormalizationTransform>();
    nt->norm = in.read<float>("NormalizationTransform.norm");
    read_trailer(in, *nt);
    FAISS_IO_CHECK(in, nt->d_in == nt->d_out, "d_in = %d and d_out = %d must be equal", nt->d_in,
                   nt->d_out);
    return nt;
}

void write_norm(const VectorTransform& vt, WriteStream& out) {
    out.write_tag(tag("VNrm"));
    out.write<float>(static_cast<const NormalizationTransform&>(vt).norm);
    write_trailer(vt, out);
}

std::unique_ptr<VectorTransform> read_centering(ReadStream& in, uint32_t) {
    auto ct = std::make_unique<CenteringTransform>();
    in.read_vector(ct->mean, "CenteringTransform.mean");
    read_trailer(in, *ct);
    FAISS_IO_CHECK(in, ct->d_in == ct->d_out, "d_in = %d and d_out = %d must be equal", ct->d_in,
                   ct->d_out);
    FAISS_IO_CHECK(in,
                   ct->mean.size() == uint64_t(ct->d_in) || (ct->mean.empty() && !ct->is_trained),
                   "mean holds %zu floats for d = %d", ct->mean.size(), ct->d_in);
    return ct;
}

void write_centering(const VectorTransform& vt, WriteStream& out) {
    out.write_tag(tag("VCnt"));
    out.write_vector(static_cast<const CenteringTransform&>(vt).mean);
    write_trailer(vt, out);
}

std::unique_ptr<VectorTransform> read_remap(ReadStream& in, uint32_t) {
    auto rt = std::make_unique<RemapDimensionsTransform>();
    in.read_vector(rt->map, "RemapDimensionsTransform.map");
    read_trailer(in, *rt);
    FAISS_IO_CHECK(in, rt->map.size() == uint64_t(rt->d_out),
                   "map holds %zu entries for d_out = %d", rt->map.size(), rt->d_out);
    for (size_t i = 0; i < rt->map.size(); i++) {
        FAISS_IO_CHECK(in, rt->map[i] >= -1 && rt->map[i] < rt->d_in,
                       "map entry %zu is %d, outside [-1, %d)", i, rt->map[i], rt->d_in);
    }
    return rt;
}

void write_remap(const VectorTransform& vt, WriteStream& out) {
    out.write_tag(tag("RmDT"));
    out.write_vector(static_cast<const RemapDimensionsTransform&>(vt).map);
    write_trailer(vt, out);
}

std::unique_ptr<VectorTransform> read_itq_matrix(ReadStream& in, uint32_t) {
    auto itq = std::make_unique<ITQMatrix>();
    itq->max_iter = in.read<int32_t>("ITQMatrix.max_iter");
    itq->seed = in.read<int32_t>("ITQMatrix.seed");
    read_linear(in, *itq);
    FAISS_IO_CHECK(in, itq->d_in == itq->d_out, "d_in = %d and d_out = %d must be equal", itq->d_in,
                   itq->d_out);
    return itq;
}

void write_itq_matrix(const VectorTransform& vt, WriteStream& out) {
    const auto& itq = static_cast<const ITQMatrix&>(vt);
    out.write_tag(tag("Viqm"));
    out.write<int32_t>(itq.max_iter);
    out.write<int32_t>(itq.seed);
    write_linear(itq, out);
}

// Nesting depth of ITQTransform records being read on this thread: a crafted file could
// otherwise nest them until the stack overflows.
thread_local int itq_nesting = 0;

struct NestingGuard {
    NestingGuard() { itq_nesting++; }
    ~NestingGuard() { itq_nesting--; }
};

std::unique_ptr<VectorTransform> read_itq_transform(ReadStream& in, uint32_t) {
    NestingGuard guard;
    FAISS_IO_CHECK(in, itq_nesting <= 1, "ITQTransform records nest %d deep", itq_nesting);
    auto itqt = std::make_unique<ITQTransform>();
    in.read_vector(itqt->mean, "ITQTransform.mean");
    itqt->do_pca = in.read_bool("ITQTransform.do_pca");
    {
        std::unique_ptr<VectorTransform> sub = read_transform_record(in);
        auto* itq = dynamic_cast<ITQMatrix*>(sub.get());
        FAISS_IO_CHECK(in, itq != nullptr, "the nested record of an ITQTransform must be %s",
                       "an ITQMatrix (Viqm)");
        itqt->itq = *itq;
    }
    {
        std::unique_ptr<VectorTransform> sub = read_transform_record(in);
        auto* lt = dynamic_cast<LinearTransform*>(sub.get());
        FAISS_IO_CHECK(in, lt != nullptr, "the second nested record of an ITQTransform must be %s",
                       "a LinearTransform");
        static_cast<LinearTransform&>(itqt->pca_then_itq) = *lt;
    }
    read_trailer(in, *itqt);
    FAISS_IO_CHECK(in, itqt->mean.size() == uint64_t(itqt->d_in) || !itqt->is_trained,
                   "mean holds %zu floats for d_in = %d", itqt->mean.size(), itqt->d_in);
    FAISS_IO_CHECK(in,
                   itqt->pca_then_itq.d_in == itqt->d_in && itqt->pca_then_itq.d_out == itqt->d_out,
                   "pca_then_itq is %d -> %d for a %d -> %d transform", itqt->pca_then_itq.d_in,
                   itqt->pca_then_itq.d_out, itqt->d_in, itqt->d_out);
    return itqt;
}

void write_itq_transform(const VectorTransform& vt, WriteStream& out) {
    const auto& itqt = static_cast<const ITQTransform&>(vt);
    out.write_tag(tag("Viqt"));
    out.write_vector(itqt.mean);
    out.write_bool(itqt.do_pca);
    write_itq_matrix(itqt.itq, out);
    write_ltra(itqt.pca_then_itq, out);
    write_trailer(itqt, out);
}

std::unique_ptr<VectorTransform> read_hadamard(ReadStream& in, uint32_t) {
    auto hr = std::make_unique<HadamardRotation>();
    const uint32_t seed = in.read<uint32_t>("HadamardRotation.seed");
    read_trailer(in, *hr);
    int p = 1;
    while (p < hr->d_in)
        p *= 2;
    FAISS_IO_CHECK(in, hr->d_out == p, "d_out = %d must be the power of two %d for d_in = %d",
                   hr->d_out, p, hr->d_in);
    hr->init(seed);
    return hr;
}

void write_hadamard(const VectorTransform& vt, WriteStream& out) {
    out.write_tag(tag("HRot"));
    out.write<uint32_t>(static_cast<const HadamardRotation&>(vt).seed);
    write_trailer(vt, out);
}

using TransformReadFn = std::unique_ptr<VectorTransform> (*)(ReadStream&, uint32_t);
using TransformWriteFn = void (*)(const VectorTransform&, WriteStream&);

const std::unordered_map<uint32_t, TransformReadFn>& transform_readers() {
    static const std::unordered_map<uint32_t, TransformReadFn> table = {
        {tag("rrot"), read_rrot},       {tag("Pcam"), read_pca},
        {tag("PcAm"), read_pca},        {tag("PCAm"), read_pca},
        {tag("LTra"), read_ltra},       {tag("VNrm"), read_norm},
        {tag("VCnt"), read_centering},  {tag("RmDT"), read_remap},
        {tag("Viqm"), read_itq_matrix}, {tag("Viqt"), read_itq_transform},
        {tag("HRot"), read_hadamard},
    };
    return table;
}

const std::unordered_map<std::type_index, TransformWriteFn>& transform_writers() {
    static const std::unordered_map<std::type_index, TransformWriteFn> table = {
        {typeid(RandomRotationMatrix), write_rrot},
        {typeid(PCAMatrix), write_pca},
        {typeid(LinearTransform), write_ltra},
        {typeid(OPQMatrix), write_ltra},
        {typeid(NormalizationTransform), write_norm},
        {typeid(CenteringTransform), write_centering},
        {typeid(RemapDimensionsTransform), write_remap},
        {typeid(ITQMatrix), write_itq_matrix},
        {typeid(ITQTransform), write_itq_transform},
        {typeid(HadamardRotation), write_hadamard},
    };
    return table;
}

}  // namespace

std::unique_ptr<VectorTransform> read_transform_record(ReadStream& in) {
    const uint32_t t = in.read_tag("VectorTransform type tag");
    const auto& readers = transform_readers();
    auto it = readers.find(t);
    if (it != readers.end()) return it->second(in, t);
    in.fail("vector transform type " + fourcc_inv_printable(t) + " not recognized");
}

void write_transform_record(const VectorTransform& vt, WriteStream& out) {
    const auto& writers = transform_writers();
    auto it = writers.find(std::type_index(typeid(vt)));
    FAISS_REQUIRE(it != writers.end(), unsupported,
                  "don't know how to serialize this type of vector transform");
    it->second(vt, out);
}

namespace {

std::unique_ptr<Index> read_pretransform(ReadStream& in, uint32_t) {
    auto index = std::make_unique<IndexPreTransform>();
    index->own_fields = true;
    read_index_header(in, *index);
    const int32_t nt = in.read<int32_t>("IndexPreTransform.nt");
    FAISS_IO_CHECK(in, nt >= 0 && nt <= kMaxChain, "must be in [0, %d], got %d", kMaxChain, nt);
    int dim = index->d;
    for (int32_t i = 0; i < nt; i++) {
        const uint64_t at = in.offset();
        // The slot exists before the transform is released into it, so the index owns
        // it even if growing the chain fails.
        index->chain.push_back(nullptr);
        index->chain.back() = read_transform_record(in).release();
        const VectorTransform& vt = *index->chain.back();
        if (vt.d_in != dim) {
            in.fail_at(at, "IndexPreTransform.chain",
                       internal::format_message("transform %d takes d_in = %d, expected %d", i,
                                                vt.d_in, dim));
        }
        dim = vt.d_out;
    }
    std::unique_ptr<Index> sub = read_nonnull_index_record(in, "IndexPreTransform sub-index");
    FAISS_IO_CHECK(in, sub->d == dim, "the sub-index has d = %d, the chain gives %d", sub->d, dim);
    FAISS_IO_CHECK(in, sub->metric_type == index->metric_type,
                   "the sub-index metric %s differs from the header's %s",
                   metric_name(sub->metric_type), metric_name(index->metric_type));
    FAISS_IO_CHECK(in, sub->ntotal == index->ntotal,
                   "the sub-index holds %lld vectors, the header says %lld", (long long)sub->ntotal,
                   (long long)index->ntotal);
    index->index = sub.release();
    return index;
}

void write_pretransform(const Index& base, WriteStream& out) {
    const auto& index = static_cast<const IndexPreTransform&>(base);
    FAISS_REQUIRE(index.index, invalid_argument, "IndexPreTransform has no sub-index");
    out.write_tag(tag("IxPT"));
    write_index_header(index, out);
    out.write<int32_t>(int32_t(index.chain.size()));
    for (const VectorTransform* vt : index.chain) {
        FAISS_REQUIRE(vt, invalid_argument, "IndexPreTransform: a transform of the chain is null");
        write_transform_record(*vt, out);
    }
    write_index_record(index.index, out);
}

const IndexSerializer registration({tag("IxPT")}, read_pretransform, {typeid(IndexPreTransform)},
                                   write_pretransform);

}  // namespace

}  // namespace io

void write_VectorTransform(const VectorTransform* vt, IOWriter* f) {
    FAISS_REQUIRE(vt, invalid_argument, "write_VectorTransform: the transform is null");
    FAISS_REQUIRE(f, invalid_argument, "write_VectorTransform: the writer is null");
    io::WriteStream out(f, 0);
    io::write_transform_record(*vt, out);
}

void write_VectorTransform(const VectorTransform* vt, const char* fname) {
    FAISS_REQUIRE(vt, invalid_argument, "write_VectorTransform: the transform is null");
    FAISS_REQUIRE(fname, invalid_argument, "write_VectorTransform: the file name is null");
    io::save_file_atomically(fname, [&](IOWriter* w) { write_VectorTransform(vt, w); });
}

VectorTransform* read_VectorTransform(IOReader* reader) {
    FAISS_REQUIRE(reader, invalid_argument, "read_VectorTransform: the reader is null");
    io::ReadStream in(reader, 0);
    return io::read_transform_record(in).release();
}

VectorTransform* read_VectorTransform(const char* fname) {
    FAISS_REQUIRE(fname, invalid_argument, "read_VectorTransform: the file name is null");
    FileIOReader reader(fname);
    return read_VectorTransform(&reader);
}

}  // namespace faiss
