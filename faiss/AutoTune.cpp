// Criteria and operating points of AutoTune; ParameterSpace is in autotune/.
#include <faiss/AutoTune.h>

#include <faiss/internal/checks.h>

#include <algorithm>
#include <cstdio>
#include <unordered_set>

namespace faiss {

AutoTuneCriterion::AutoTuneCriterion(idx_t nq, idx_t nnn) : nq(nq), nnn(nnn), gt_nnn(0) {
    FAISS_REQUIRE(nq > 0, invalid_argument, "AutoTuneCriterion: nq must be > 0, got %lld",
                  (long long)nq);
    FAISS_REQUIRE(nnn > 0, invalid_argument, "AutoTuneCriterion: nnn must be > 0, got %lld",
                  (long long)nnn);
}

void AutoTuneCriterion::set_groundtruth(int gt_nnn_in, const float* gt_D_in, const idx_t* gt_I_in) {
    FAISS_REQUIRE(gt_nnn_in > 0, invalid_argument, "set_groundtruth: gt_nnn must be > 0, got %d",
                  gt_nnn_in);
    FAISS_REQUIRE(gt_I_in, invalid_argument, "set_groundtruth: gt_I must not be null");
    gt_nnn = gt_nnn_in;
    const size_t n = size_t(nq) * size_t(gt_nnn);
    gt_I.assign(gt_I_in, gt_I_in + n);
    if (gt_D_in) {
        gt_D.assign(gt_D_in, gt_D_in + n);
    } else {
        gt_D.clear();
    }
}

OneRecallAtRCriterion::OneRecallAtRCriterion(idx_t nq, idx_t R) : AutoTuneCriterion(nq, R), R(R) {}

double OneRecallAtRCriterion::evaluate(const float*, const idx_t* I) const {
    FAISS_REQUIRE(gt_nnn > 0, invalid_argument, "OneRecallAtRCriterion: no ground truth set");
    FAISS_REQUIRE(I, invalid_argument, "OneRecallAtRCriterion: I must not be null");
    const idx_t r = std::min(R, nnn);
    idx_t hits = 0;
    for (idx_t q = 0; q < nq; q++) {
        const idx_t truth = gt_I[q * gt_nnn];
        const idx_t* row = I + q * nnn;
        if (std::find(row, row + r, truth) != row + r) hits++;
    }
    return double(hits) / double(nq);
}

IntersectionCriterion::IntersectionCriterion(idx_t nq, idx_t R) : AutoTuneCriterion(nq, R), R(R) {}

double IntersectionCriterion::evaluate(const float*, const idx_t* I) const {
    FAISS_REQUIRE(gt_nnn >= R, invalid_argument,
                  "IntersectionCriterion: needs a ground truth of >= R = %lld results per "
                  "query, got %lld",
                  (long long)R, (long long)gt_nnn);
    FAISS_REQUIRE(I, invalid_argument, "IntersectionCriterion: I must not be null");
    const idx_t r = std::min(R, nnn);
    size_t hits = 0;
    for (idx_t q = 0; q < nq; q++) {
        std::unordered_set<idx_t> truth(gt_I.begin() + q * gt_nnn, gt_I.begin() + q * gt_nnn + R);
        for (idx_t j = 0; j < r; j++)
            hits += I[q * nnn + j] >= 0 && truth.count(I[q * nnn + j]);
    }
    return double(hits) / double(nq * R);
}

OperatingPoints::OperatingPoints() {
    clear();
}

void OperatingPoints::clear() {
    all_pts.clear();
    optimal_pts.clear();
    optimal_pts.push_back(OperatingPoint{0.0, 0.0, "", -1});
}

bool OperatingPoints::add(double perf, double t, const std::string& key, size_t cno) {
    OperatingPoint op{perf, t, key, int64_t(cno)};
    all_pts.push_back(op);
    // Dominated: some optimal point is at least as accurate and at most as slow.
    for (const OperatingPoint& o : optimal_pts) {
        if (o.perf >= perf && o.t <= t) return false;
    }
    optimal_pts.erase(
        std::remove_if(optimal_pts.begin(), optimal_pts.end(),
                       [&](const OperatingPoint& o) { return o.perf <= perf && o.t >= t; }),
        optimal_pts.end());
    auto pos = std::lower_bound(optimal_pts.begin(), optimal_pts.end(), perf,
                                [](const OperatingPoint& o, double p) { return o.perf < p; });
    optimal_pts.insert(pos, op);
    return true;
}

int OperatingPoints::merge_with(const OperatingPoints& other, const std::string& prefix) {
    int n_optimal = 0;
    for (const OperatingPoint& op : other.all_pts) {
        n_optimal += add(op.perf, op.t, prefix + op.key, size_t(op.cno)) ? 1 : 0;
    }
    return n_optimal;
}

double OperatingPoints::t_for_perf(double perf) const {
    // optimal_pts is sorted by perf and therefore by t: the first one reaching perf wins.
    for (const OperatingPoint& o : optimal_pts) {
        if (o.perf >= perf) return o.t;
    }
    return 1e50;
}

void OperatingPoints::display(bool only_optimal) const {
    const std::vector<OperatingPoint>& pts = only_optimal ? optimal_pts : all_pts;
    std::printf("Tested %zu operating points, %zu ones are Pareto-optimal:\n", all_pts.size(),
                optimal_pts.size());
    for (const OperatingPoint& o : pts) {
        std::printf("cno=%lld key=%s perf=%.4f t=%.6f s\n", (long long)o.cno, o.key.c_str(), o.perf,
                    o.t);
    }
}

namespace {

void write_points(const std::vector<OperatingPoint>& pts, const char* fname) {
    FAISS_REQUIRE(fname, invalid_argument, "OperatingPoints: file name must not be null");
    FILE* f = std::fopen(fname, "w");
    FAISS_REQUIRE(f, io_error, "OperatingPoints: cannot open %s for writing", fname);
    for (const OperatingPoint& o : pts)
        std::fprintf(f, "%g %g %s\n", o.perf, o.t, o.key.c_str());
    const bool ok = std::fclose(f) == 0;
    FAISS_REQUIRE(ok, io_error, "OperatingPoints: error writing %s", fname);
}

}  // namespace

void OperatingPoints::all_to_gnuplot(const char* fname) const {
    write_points(all_pts, fname);
}

void OperatingPoints::optimal_to_gnuplot(const char* fname) const {
    write_points(optimal_pts, fname);
}

}  // namespace faiss
