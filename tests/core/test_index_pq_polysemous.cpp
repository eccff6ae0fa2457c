// IndexPQ search types beyond ADC (ST_SDC, ST_HE, ST_generalized_HE, ST_polysemous,
// ST_polysemous_generalize) against double-precision brute force, and polysemous
// training (PolysemousTraining): Hamming / centroid-distance correlation, recall.
#include <faiss/FaissException.h>
#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPQ.h>
#include <faiss/PolysemousTraining.h>
#include <faiss/RangeSearchResult.h>

#include "common/test_utils.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

using faiss::idx_t;
using faiss::IndexPQ;

namespace {

constexpr size_t kD = 32, kNb = 4000, kNq = 30, kK = 10;

struct Data {
    std::vector<float> xb, xq;
    Data() {
        auto all = faiss::test::clustered_vectors(kNb + kNq, kD, 40, 7);
        xb.assign(all.begin(), all.begin() + kNb * kD);
        xq.assign(all.begin() + kNb * kD, all.end());
    }
};

const Data& data() {
    static Data d;
    return d;
}

std::unique_ptr<IndexPQ> make_index(size_t M, size_t nbits, bool polysemous,
                                    faiss::MetricType metric = faiss::METRIC_L2) {
    auto index = std::make_unique<IndexPQ>(int(kD), M, nbits, metric);
    index->do_polysemous_training = polysemous;
    index->polysemous_training.n_iter = 50000;
    index->train(idx_t(kNb), data().xb.data());
    index->add(idx_t(kNb), data().xb.data());
    return index;
}

const IndexPQ& plain_index() {
    static auto index = make_index(8, 8, false);
    return *index;
}

const IndexPQ& poly_index() {
    static auto index = make_index(8, 8, true);
    return *index;
}

int ref_hamming(const uint8_t* a, const uint8_t* b, size_t n) {
    int h = 0;
    for (size_t i = 0; i < n; i++)
        for (int bit = 0; bit < 8; bit++)
            h += ((a[i] ^ b[i]) >> bit) & 1;
    return h;
}

int ref_gen_hamming(const uint8_t* a, const uint8_t* b, size_t n) {
    int h = 0;
    for (size_t i = 0; i < n; i++)
        h += a[i] != b[i];
    return h;
}

// Reference scores of every stored code for one query (NaN = excluded), in double.
using ScoreFn = std::function<double(const float* q, const uint8_t* qc, idx_t i)>;

// Checks one search row against scores: the returned distances are the k smallest
// reference scores (tolerance tol), each label's own score equals its distance.
void check_row(const IndexPQ& index, const float* q, const ScoreFn& score, const float* D,
               const idx_t* I, double tol) {
    std::vector<uint8_t> qc(index.code_size);
    index.sa_encode(1, q, qc.data());
    std::vector<double> all;
    for (idx_t i = 0; i < index.ntotal; i++) {
        const double s = score(q, qc.data(), i);
        if (!std::isnan(s)) all.push_back(s);
    }
    std::sort(all.begin(), all.end());
    for (size_t j = 0; j < kK; j++) {
        if (j >= all.size()) {
            EXPECT_EQ(I[j], -1);
            continue;
        }
        ASSERT_GE(I[j], 0);
        EXPECT_NEAR(D[j], all[j], tol * (1 + std::fabs(all[j])));
        EXPECT_NEAR(D[j], score(q, qc.data(), I[j]), tol * (1 + std::fabs(all[j])));
    }
}

void check_type(const IndexPQ& index, IndexPQ::Search_type_t type, int ht, const ScoreFn& score,
                double tol, const faiss::IDSelector* sel = nullptr) {
    faiss::SearchParametersPQ sp;
    sp.search_type = type;
    sp.polysemous_ht = ht;
    sp.sel = sel;
    std::vector<float> D(kNq * kK);
    std::vector<idx_t> I(kNq * kK);
    index.search(idx_t(kNq), data().xq.data(), idx_t(kK), D.data(), I.data(), &sp);
    for (size_t q = 0; q < kNq; q++)
        check_row(index, data().xq.data() + q * kD, score, D.data() + q * kK, I.data() + q * kK,
                  tol);
}

const uint8_t* code_of(const IndexPQ& index, idx_t i) {
    return index.codes.data() + size_t(i) * index.code_size;
}

// ADC distance in double: query to the decoded code.
double ref_adc(const IndexPQ& index, const float* q, idx_t i) {
    std::vector<float> v(kD);
    index.sa_decode(1, code_of(index, i), v.data());
    return faiss::test::reference_distance(q, v.data(), kD, faiss::METRIC_L2);
}

TEST(IndexPQSearchTypes, SdcMatchesDecodedQueryDistances) {
    const IndexPQ& index = plain_index();
    check_type(
        index, IndexPQ::ST_SDC, 0,
        [&](const float*, const uint8_t* qc, idx_t i) {
            std::vector<float> a(kD), b(kD);
            index.sa_decode(1, qc, a.data());
            index.sa_decode(1, code_of(index, i), b.data());
            return faiss::test::reference_distance(a.data(), b.data(), kD, faiss::METRIC_L2);
        },
        1e-4);
}

TEST(IndexPQSearchTypes, HammingTypesAreExactIntegers) {
    const IndexPQ& index = poly_index();
    check_type(
        index, IndexPQ::ST_HE, 0,
        [&](const float*, const uint8_t* qc, idx_t i) {
            return double(ref_hamming(qc, code_of(index, i), index.code_size));
        },
        0);
    check_type(
        index, IndexPQ::ST_generalized_HE, 0,
        [&](const float*, const uint8_t* qc, idx_t i) {
            return double(ref_gen_hamming(qc, code_of(index, i), index.code_size));
        },
        0);
}

TEST(IndexPQSearchTypes, PolysemousIsAdcOverCodesBelowThreshold) {
    const IndexPQ& index = poly_index();
    for (int ht : {12, 20, 28}) {
        check_type(
            index, IndexPQ::ST_polysemous, ht,
            [&](const float* q, const uint8_t* qc, idx_t i) {
                if (ref_hamming(qc, code_of(index, i), index.code_size) >= ht) return std::nan("");
                return ref_adc(index, q, i);
            },
            1e-4);
    }
    check_type(
        index, IndexPQ::ST_polysemous_generalize, 6,
        [&](const float* q, const uint8_t* qc, idx_t i) {
            if (ref_gen_hamming(qc, code_of(index, i), index.code_size) >= 6) return std::nan("");
            return ref_adc(index, q, i);
        },
        1e-4);
    // With a selector: ids outside [1000, 3000) are never returned.
    faiss::IDSelectorRange range(1000, 3000);
    check_type(
        index, IndexPQ::ST_polysemous, 24,
        [&](const float* q, const uint8_t* qc, idx_t i) {
            if (i < 1000 || i >= 3000) return std::nan("");
            if (ref_hamming(qc, code_of(index, i), index.code_size) >= 24) return std::nan("");
            return ref_adc(index, q, i);
        },
        1e-4, &range);
    // A threshold so low that few codes pass pads the rows with -1.
    check_type(
        index, IndexPQ::ST_polysemous, 2,
        [&](const float* q, const uint8_t* qc, idx_t i) {
            if (ref_hamming(qc, code_of(index, i), index.code_size) >= 2) return std::nan("");
            return ref_adc(index, q, i);
        },
        1e-4);
}

TEST(IndexPQSearchTypes, PolysemousWithFullThresholdEqualsAdc) {
    // The default polysemous_ht (M * 8 + 1) lets every code through: same result as ST_PQ.
    const IndexPQ& index = poly_index();
    EXPECT_EQ(index.polysemous_ht, 8 * 8 + 1);
    std::vector<float> D0(kNq * kK), D1(kNq * kK);
    std::vector<idx_t> I0(kNq * kK), I1(kNq * kK);
    index.search(idx_t(kNq), data().xq.data(), idx_t(kK), D0.data(), I0.data());
    faiss::SearchParametersPQ sp;
    sp.search_type = IndexPQ::ST_polysemous;
    index.search(idx_t(kNq), data().xq.data(), idx_t(kK), D1.data(), I1.data(), &sp);
    EXPECT_EQ(I0, I1);
    for (size_t j = 0; j < D0.size(); j++)
        EXPECT_NEAR(D0[j], D1[j], 1e-4 * (1 + D0[j]));
}

TEST(IndexPQSearchTypes, BadInput) {
    using faiss::ErrorCode;
    using faiss::test::expect_code;
    std::vector<float> D(kK);
    std::vector<idx_t> I(kK);
    const float* xq = data().xq.data();
    auto nibble = make_index(8, 4, false);
    for (auto t : {IndexPQ::ST_HE, IndexPQ::ST_SDC, IndexPQ::ST_polysemous}) {
        faiss::SearchParametersPQ sp;
        sp.search_type = t;
        expect_code(
            ErrorCode::unsupported,
            [&] { nibble->search(1, xq, idx_t(kK), D.data(), I.data(), &sp); }, "nbits == 8");
    }
    auto ip = make_index(8, 8, false, faiss::METRIC_INNER_PRODUCT);
    ip->search_type = IndexPQ::ST_polysemous;
    expect_code(
        ErrorCode::unsupported, [&] { ip->search(1, xq, idx_t(kK), D.data(), I.data()); },
        "METRIC_L2");
    faiss::SearchParametersPQ bad;
    bad.search_type = IndexPQ::Search_type_t(9);
    expect_code(ErrorCode::invalid_argument,
                [&] { plain_index().search(1, xq, idx_t(kK), D.data(), I.data(), &bad); });
    faiss::SearchParametersPQ he;
    he.search_type = IndexPQ::ST_HE;
    faiss::RangeSearchResult res(1);
    expect_code(ErrorCode::unsupported, [&] { plain_index().range_search(1, xq, 1.f, &res, &he); });
    // An empty index pads every row.
    IndexPQ empty(int(kD), 8, 8);
    empty.train(idx_t(kNb), data().xb.data());
    empty.search(1, xq, idx_t(kK), D.data(), I.data(), &he);
    for (idx_t id : I)
        EXPECT_EQ(id, -1);
}

// Pearson correlation between Hamming distances of indices and centroid distances, over
// all pairs of every sub-quantizer.
double hamming_correlation(const faiss::ProductQuantizer& pq) {
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, n = 0;
    for (size_t m = 0; m < pq.M; m++)
        for (size_t i = 0; i < pq.ksub; i++)
            for (size_t j = i + 1; j < pq.ksub; j++) {
                const double x = __builtin_popcount(unsigned(i ^ j));
                double y = 0;
                for (size_t t = 0; t < pq.dsub; t++) {
                    const double e = pq.get_centroids(m, i)[t] - pq.get_centroids(m, j)[t];
                    y += e * e;
                }
                y = std::sqrt(y);
                sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y, n++;
            }
    const double cov = sxy / n - sx / n * sy / n;
    return cov / std::sqrt((sxx / n - sx * sx / n / n) * (syy / n - sy * sy / n / n));
}

TEST(PolysemousTraining, CorrelationRisesAndAdcIsUnchanged) {
    const double before = hamming_correlation(plain_index().pq);
    const double after = hamming_correlation(poly_index().pq);
    // Measured: 0.001 before, 0.349 after (n_iter = 50000); faiss-cpu reaches 0.43 on
    // similar data with its default 500000 iterations.
    EXPECT_LT(std::fabs(before), 0.1);
    EXPECT_GT(after, 0.3);
    std::printf("Hamming / centroid distance correlation: %.3f before, %.3f after\n", before,
                after);
    // Same k-means, centroids only renumbered: ADC results are identical.
    std::vector<float> D0(kNq * kK), D1(kNq * kK);
    std::vector<idx_t> I0(kNq * kK), I1(kNq * kK);
    plain_index().search(idx_t(kNq), data().xq.data(), idx_t(kK), D0.data(), I0.data());
    poly_index().search(idx_t(kNq), data().xq.data(), idx_t(kK), D1.data(), I1.data());
    EXPECT_EQ(I0, I1);
    for (size_t j = 0; j < D0.size(); j++)
        EXPECT_NEAR(D0[j], D1[j], 1e-4 * (1 + D0[j]));
}

TEST(PolysemousTraining, FilterKeepsRecallAndSkipsMostCodes) {
    const IndexPQ& index = poly_index();
    std::vector<float> D0(kNq * kK), D1(kNq * kK);
    std::vector<idx_t> I0(kNq * kK), I1(kNq * kK);
    index.search(idx_t(kNq), data().xq.data(), idx_t(kK), D0.data(), I0.data());
    faiss::SearchParametersPQ sp;
    sp.search_type = IndexPQ::ST_polysemous;
    sp.polysemous_ht = 22;
    faiss::indexPQ_stats.reset();
    index.search(idx_t(kNq), data().xq.data(), idx_t(kK), D1.data(), I1.data(), &sp);
    const double pass =
        double(faiss::indexPQ_stats.n_hamming_pass) / double(faiss::indexPQ_stats.ncode);
    const double agree =
        double(faiss::test::count_overlap(I1.data(), I0.data(), kNq, kK)) / double(kNq * kK);
    std::printf("polysemous ht=22: %.1f%% of codes pass, %.3f of the ADC top-10 kept\n", 100 * pass,
                agree);
    EXPECT_EQ(faiss::indexPQ_stats.nq, kNq);
    EXPECT_LT(pass, 0.35);
    EXPECT_GT(agree, 0.9);
}

TEST(PolysemousTraining, OptionsAndErrors) {
    faiss::PolysemousTraining pt;
    EXPECT_EQ(pt.optimization_type, faiss::PolysemousTraining::OT_ReproduceDistances_affine);
    EXPECT_NEAR(pt.dis_weight_factor, std::log(2.0), 1e-12);
    EXPECT_EQ(pt.n_iter, 500000);
    faiss::ProductQuantizer untrained(16, 4, 8);
    untrained.centroids.clear();
    faiss::test::expect_code(faiss::ErrorCode::not_trained,
                             [&] { pt.optimize_pq_for_hamming(untrained, 0, nullptr); });
    faiss::ProductQuantizer pq = plain_index().pq;
    pt.optimization_type = faiss::PolysemousTraining::OT_Ranking_weighted_diff;
    faiss::test::expect_code(faiss::ErrorCode::unsupported,
                             [&] { pt.optimize_pq_for_hamming(pq, 0, nullptr); });
    pt.optimization_type = faiss::PolysemousTraining::OT_None;
    pt.optimize_pq_for_hamming(pq, 0, nullptr);
    EXPECT_EQ(pq.centroids, plain_index().pq.centroids);
    EXPECT_EQ(pq.sdc_table.size(), pq.M * pq.ksub * pq.ksub);
    pt.optimization_type = faiss::PolysemousTraining::OT_ReproduceDistances_affine;
    pt.max_memory = 1000;
    faiss::test::expect_code(faiss::ErrorCode::out_of_memory,
                             [&] { pt.optimize_pq_for_hamming(pq, 0, nullptr); });
}

TEST(PolysemousTraining, PermutationLowersCostAndIsDeterministic) {
    const faiss::ProductQuantizer& pq = plain_index().pq;
    std::vector<float> dis(pq.ksub * pq.ksub);
    for (size_t i = 0; i < pq.ksub; i++)
        for (size_t j = 0; j < pq.ksub; j++)
            dis[i * pq.ksub + j] = float(faiss::test::reference_distance(
                pq.get_centroids(0, i), pq.get_centroids(0, j), pq.dsub, faiss::METRIC_L2));
    faiss::SimulatedAnnealingParameters p;
    p.n_iter = 20000;
    for (bool bitflips : {false, true}) {
        p.only_bit_flips = bitflips;
        std::vector<int> perm(pq.ksub), again(pq.ksub), id(pq.ksub);
        std::iota(id.begin(), id.end(), 0);
        faiss::polysemous_optimize_permutation(p, std::log(2.0), pq.ksub, dis.data(), 5,
                                               perm.data());
        faiss::polysemous_optimize_permutation(p, std::log(2.0), pq.ksub, dis.data(), 5,
                                               again.data());
        EXPECT_EQ(perm, again);
        std::vector<int> sorted = perm;
        std::sort(sorted.begin(), sorted.end());
        EXPECT_EQ(sorted, id);  // a permutation
        EXPECT_LT(
            faiss::polysemous_permutation_cost(std::log(2.0), pq.ksub, dis.data(), perm.data()),
            faiss::polysemous_permutation_cost(std::log(2.0), pq.ksub, dis.data(), id.data()));
    }
}

TEST(PolysemousTraining, IndexIVFPQTrainHook) {
    auto train = [](bool poly) {
        auto q = std::make_unique<faiss::IndexFlatL2>(int(kD));
        faiss::IndexIVFPQ index(q.get(), int(kD), 16, 8, 8);
        index.do_polysemous_training = poly;
        faiss::PolysemousTraining pt;
        pt.n_iter = 20000;
        index.polysemous_training = &pt;
        index.train(idx_t(kNb), data().xb.data());
        index.add(idx_t(kNb), data().xb.data());
        index.nprobe = 4;
        std::vector<float> D(kNq * kK);
        std::vector<idx_t> I(kNq * kK);
        index.search(idx_t(kNq), data().xq.data(), idx_t(kK), D.data(), I.data());
        return std::make_pair(hamming_correlation(index.pq), I);
    };
    const auto plain = train(false), poly = train(true);
    EXPECT_GT(poly.first, plain.first + 0.12);  // measured 0.001 -> 0.184
    EXPECT_EQ(plain.second, poly.second);
}

}  // namespace

namespace {

// IndexIVFPQ polysemous scan filter: every result lies within the Hamming threshold of
// the query's residual code in its list, with its unfiltered ADC distance; the full
// threshold changes nothing.
TEST(PolysemousTraining, IndexIVFPQScanFilter) {
    constexpr size_t kNlist = 8;
    faiss::IndexFlatL2 q{int(kD)};
    faiss::IndexIVFPQ index(&q, int(kD), kNlist, 8, 8);
    index.do_polysemous_training = true;
    faiss::PolysemousTraining pt;
    pt.n_iter = 20000;
    index.polysemous_training = &pt;
    index.train(idx_t(kNb), data().xb.data());
    index.add(idx_t(kNb), data().xb.data());
    index.nprobe = kNlist;
    std::vector<float> D0(kNq * kK), D1(kNq * kK);
    std::vector<idx_t> I0(kNq * kK), I1(kNq * kK);
    index.search(idx_t(kNq), data().xq.data(), idx_t(kK), D0.data(), I0.data());
    index.polysemous_ht = 8 * 8 + 1;
    index.search(idx_t(kNq), data().xq.data(), idx_t(kK), D1.data(), I1.data());
    EXPECT_EQ(I0, I1);
    const int ht = 24;
    index.polysemous_ht = ht;
    index.search(idx_t(kNq), data().xq.data(), idx_t(kK), D1.data(), I1.data());
    std::vector<idx_t> assign(kNb);
    q.assign(idx_t(kNb), data().xb.data(), assign.data());
    std::vector<float> c(kD), r(kD);
    std::vector<uint8_t> qc(8), bc(8);
    size_t n = 0;
    for (size_t i = 0; i < kNq; i++) {
        const float* xq = data().xq.data() + i * kD;
        for (size_t j = 0; j < kK; j++) {
            const idx_t id = I1[i * kK + j];
            if (id < 0) continue;
            n++;
            q.reconstruct(assign[size_t(id)], c.data());
            for (size_t t = 0; t < kD; t++)
                r[t] = xq[t] - c[t];
            index.pq.compute_code(r.data(), qc.data());
            for (size_t t = 0; t < kD; t++)
                r[t] = data().xb[size_t(id) * kD + t] - c[t];
            index.pq.compute_code(r.data(), bc.data());
            EXPECT_LT(ref_hamming(qc.data(), bc.data(), 8), ht);
            std::vector<float> dec(kD);
            index.pq.decode(bc.data(), dec.data());
            for (size_t t = 0; t < kD; t++)
                dec[t] += c[t];
            const double ref =
                faiss::test::reference_distance(xq, dec.data(), kD, faiss::METRIC_L2);
            EXPECT_NEAR(D1[i * kK + j], ref, 1e-3 * (1 + ref));
        }
    }
    const double agree =
        double(faiss::test::count_overlap(I1.data(), I0.data(), kNq, kK)) / double(kNq * kK);
    std::printf("IVFPQ polysemous ht=%d: %.3f of the unfiltered top-10 kept\n", ht, agree);
    EXPECT_GT(n, kNq * kK / 2);
    EXPECT_GT(agree, 0.7);  // measured 0.86
}

}  // namespace
