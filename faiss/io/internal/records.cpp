#include <faiss/io/internal/records.h>

#include <faiss/Index.h>
#include <faiss/quantizers/ProductQuantizer.h>
#include <faiss/quantizers/ScalarQuantizer.h>

namespace faiss::io {

namespace {

constexpr int64_t kMaxDimension = int64_t(1) << 20;
// Written in place of two fields Faiss dropped long ago; ignored on read.
constexpr int64_t kHeaderDummy = int64_t(1) << 20;
// Largest nbits of a Faiss PQ record, and of ours.
constexpr uint64_t kMaxPQBitsFaiss = 24;
constexpr uint64_t kMaxPQBitsHere = 16;
// ScalarQuantizer::QuantizerType values Faiss defines (QT_count), and ours.
constexpr int kFaissQTypeCount = 27;
constexpr int kLastQTypeHere = ScalarQuantizer::QT_8bit_direct_signed;

}  // namespace

void read_index_header(ReadStream& in, Index& index) {
    const int32_t d = in.read<int32_t>("d");
    FAISS_IO_CHECK(in, d >= 0 && d <= kMaxDimension, "dimension must be in [0, %lld], got %d",
                   (long long)kMaxDimension, d);
    const int64_t ntotal = in.read<int64_t>("ntotal");
    FAISS_IO_CHECK(in, ntotal >= 0, "ntotal must be >= 0, got %lld", (long long)ntotal);
    in.read<int64_t>("dummy");
    in.read<int64_t>("dummy");
    const bool is_trained = in.read_bool("is_trained");
    const int32_t metric = in.read<int32_t>("metric_type");
    if (metric >= 20 && metric <= 25) {
        in.unsupported(
            internal::format_message("metric type %d exists in Faiss but is not "
                                     "supported here",
                                     metric));
    }
    FAISS_IO_CHECK(in, is_known_metric(metric), "unknown metric type %d", metric);
    float metric_arg = 0;
    if (metric > 1) metric_arg = in.read<float>("metric_arg");
    index.d = d;
    index.ntotal = ntotal;
    index.is_trained = is_trained;
    index.metric_type = MetricType(metric);
    index.metric_arg = metric_arg;
    index.verbose = false;
}

void write_index_header(const Index& index, WriteStream& out) {
    out.write<int32_t>(index.d);
    out.write<int64_t>(index.ntotal);
    out.write<int64_t>(kHeaderDummy);
    out.write<int64_t>(kHeaderDummy);
    out.write_bool(index.is_trained);
    out.write<int32_t>(int32_t(index.metric_type));
    if (index.metric_type > 1) out.write<float>(index.metric_arg);
}

void require_metric_l2_or_ip(ReadStream& in, const Index& index, const char* type_name) {
    if (index.metric_type != METRIC_L2 && index.metric_type != METRIC_INNER_PRODUCT) {
        in.unsupported(
            internal::format_message("%s supports METRIC_L2 and "
                                     "METRIC_INNER_PRODUCT only, the file has %s",
                                     type_name, metric_name(index.metric_type)));
    }
}

void read_ProductQuantizer_record(ReadStream& in, ProductQuantizer& pq, uint64_t d_expected) {
    const uint64_t d = in.read<uint64_t>("ProductQuantizer.d");
    if (d_expected == kAnyDimension) {
        FAISS_IO_CHECK(in, d >= 1 && d <= uint64_t(kMaxDimension),
                       "dimension must be in [1, %lld], got %llu", (long long)kMaxDimension,
                       (unsigned long long)d);
    } else {
        FAISS_IO_CHECK(in, d == d_expected, "must equal the index dimension %llu, got %llu",
                       (unsigned long long)d_expected, (unsigned long long)d);
    }
    const uint64_t M = in.read<uint64_t>("ProductQuantizer.M");
    FAISS_IO_CHECK(in, M > 0 && d % M == 0, "must be > 0 and divide the dimension %llu, got %llu",
                   (unsigned long long)d, (unsigned long long)M);
    const uint64_t nbits = in.read<uint64_t>("ProductQuantizer.nbits");
    FAISS_IO_CHECK(in, nbits >= 1 && nbits <= kMaxPQBitsFaiss, "must be in [1, %llu], got %llu",
                   (unsigned long long)kMaxPQBitsFaiss, (unsigned long long)nbits);
    if (nbits > kMaxPQBitsHere) {
        in.unsupported(internal::format_message(
            "product quantizers of %llu bits per sub-code "
            "are not supported here (at most %llu)",
            (unsigned long long)nbits, (unsigned long long)kMaxPQBitsHere));
    }
    const uint64_t expected = d << nbits;
    const uint64_t count = in.read_count(sizeof(float), "ProductQuantizer.centroids");
    FAISS_IO_CHECK(in, count == expected, "holds %llu floats, expected d * 2^nbits = %llu",
                   (unsigned long long)count, (unsigned long long)expected);
    std::vector<float> centroids;
    in.read_array(centroids, count, "ProductQuantizer.centroids");
    pq.d = d;
    pq.M = M;
    pq.nbits = nbits;
    pq.set_derived_values();
    pq.centroids.swap(centroids);
    pq.sdc_table.clear();
}

void write_ProductQuantizer_record(const ProductQuantizer& pq, WriteStream& out) {
    FAISS_REQUIRE(pq.centroids.size() == (pq.d << pq.nbits), invalid_argument,
                  "ProductQuantizer: centroids hold %zu floats, expected d * 2^nbits = %zu",
                  pq.centroids.size(), pq.d << pq.nbits);
    out.write<uint64_t>(pq.d);
    out.write<uint64_t>(pq.M);
    out.write<uint64_t>(pq.nbits);
    out.write_vector(pq.centroids);
}

void read_ScalarQuantizer_record(ReadStream& in, ScalarQuantizer& sq, uint64_t d_expected,
                                 bool is_trained) {
    const int32_t qtype = in.read<int32_t>("ScalarQuantizer.qtype");
    FAISS_IO_CHECK(in, qtype >= 0 && qtype < kFaissQTypeCount, "unknown quantizer type %d", qtype);
    if (qtype > kLastQTypeHere) {
        in.unsupported(
            internal::format_message("scalar quantizer type %d exists in Faiss but "
                                     "is not supported here (supported: 0-%d)",
                                     qtype, kLastQTypeHere));
    }
    const int32_t rangestat = in.read<int32_t>("ScalarQuantizer.rangestat");
    FAISS_IO_CHECK(in, rangestat >= 0 && rangestat <= 3, "unknown range statistic %d", rangestat);
    const float rangestat_arg = in.read<float>("ScalarQuantizer.rangestat_arg");
    const uint64_t d = in.read<uint64_t>("ScalarQuantizer.d");
    FAISS_IO_CHECK(in, d == d_expected, "must equal the index dimension %llu, got %llu",
                   (unsigned long long)d_expected, (unsigned long long)d);
    sq.qtype = ScalarQuantizer::QuantizerType(qtype);
    sq.rangestat = ScalarQuantizer::RangeStat(rangestat);
    sq.rangestat_arg = rangestat_arg;
    sq.d = size_t(d);
    sq.set_derived_sizes();
    const uint64_t code_size = in.read<uint64_t>("ScalarQuantizer.code_size");
    FAISS_IO_CHECK(in, code_size == sq.code_size,
                   "%llu does not match the %zu bytes of quantizer type %d for d = %llu",
                   (unsigned long long)code_size, sq.code_size, qtype, (unsigned long long)d);
    const uint64_t count = in.read_count(sizeof(float), "ScalarQuantizer.trained");
    const size_t expected = sq.trained_size();
    FAISS_IO_CHECK(in, count == expected || (count == 0 && !is_trained),
                   "holds %llu floats, expected %zu for quantizer type %d%s",
                   (unsigned long long)count, expected, qtype,
                   is_trained ? " (the index is marked trained)" : " or 0");
    in.read_array(sq.trained, count, "ScalarQuantizer.trained");
}

void write_ScalarQuantizer_record(const ScalarQuantizer& sq, WriteStream& out) {
    out.write<int32_t>(int32_t(sq.qtype));
    out.write<int32_t>(int32_t(sq.rangestat));
    out.write<float>(sq.rangestat_arg);
    out.write<uint64_t>(sq.d);
    out.write<uint64_t>(sq.code_size);
    out.write_vector(sq.trained);
}

}  // namespace faiss::io
