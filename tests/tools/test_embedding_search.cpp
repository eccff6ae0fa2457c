// tools/embedding_search, run as a program on small .fvecs/.ivecs files written here:
// recall against a double-precision reference, the report it prints, and its errors.
#include "common/test_utils.h"

#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#ifndef FAISS_TOOLS_DIR
#error "FAISS_TOOLS_DIR (folder of the built tools) must be defined by the build"
#endif

namespace {

struct RunResult {
    int status = -1;  // exit code
    std::string output;
};

RunResult run_tool(const std::string& args) {
    std::string cmd = std::string(FAISS_TOOLS_DIR) + "/embedding_search " + args + " 2>&1";
    RunResult r;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return r;
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof(buf), pipe)) > 0)
        r.output.append(buf, got);
    int raw = pclose(pipe);
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return r;
}

/// Value printed after `key` (e.g. "10-recall@10 = "), or NaN when absent.
double value_after(const std::string& text, const std::string& key) {
    size_t pos = text.find(key);
    if (pos == std::string::npos) return std::nan("");
    return std::strtod(text.c_str() + pos + key.size(), nullptr);
}

template <typename T>
void write_vecs(const std::string& path, const std::vector<T>& x, size_t d) {
    std::ofstream out(path, std::ios::binary);
    const int32_t dim = int32_t(d);
    for (size_t i = 0; i < x.size() / d; i++) {
        out.write(reinterpret_cast<const char*>(&dim), sizeof(dim));
        out.write(reinterpret_cast<const char*>(x.data() + i * d), std::streamsize(d * sizeof(T)));
    }
}

void normalize_rows(std::vector<float>& x, size_t d) {
    for (size_t i = 0; i < x.size() / d; i++) {
        double s = 0;
        for (size_t j = 0; j < d; j++)
            s += double(x[i * d + j]) * x[i * d + j];
        for (size_t j = 0; j < d; j++)
            x[i * d + j] = float(x[i * d + j] / std::sqrt(s));
    }
}

class EmbeddingSearchTool : public ::testing::Test {
  protected:
    static constexpr size_t d = 24, nb = 1500, nq = 40, k = 10;

    void SetUp() override {
        std::string tmpl = ::testing::TempDir() + "embedding_search_XXXXXX";
        ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
        dir = tmpl;
        xb = faiss::test::clustered_vectors(nb, d, 20, 11);
        xq = faiss::test::clustered_vectors(nq, d, 20, 12);
        normalize_rows(xb, d);
        normalize_rows(xq, d);
        write_vecs(path("base.fvecs"), xb, d);
        write_vecs(path("queries.fvecs"), xq, d);
    }
    void TearDown() override { std::system(("rm -rf '" + dir + "'").c_str()); }

    std::string path(const std::string& name) const { return dir + "/" + name; }

    /// Writes the exact k-NN of the queries (double precision) as an .ivecs file;
    /// `shift` moves every id, to make a wrong ground truth.
    std::string write_ground_truth(faiss::MetricType metric, int shift = 0) {
        std::vector<double> dis;
        std::vector<faiss::idx_t> ids;
        faiss::test::reference_knn(xq.data(), nq, xb.data(), nb, d, k, metric, dis, ids);
        std::vector<int32_t> gt(ids.size());
        for (size_t i = 0; i < ids.size(); i++)
            gt[i] = int32_t((ids[i] + shift) % nb);
        std::string p = path("gt.ivecs");
        write_vecs(p, gt, k);
        return p;
    }

    std::string data_args() const {
        return "'" + path("base.fvecs") + "' '" + path("queries.fvecs") + "'";
    }

    std::string dir;
    std::vector<float> xb, xq;
};

TEST_F(EmbeddingSearchTool, ExactIndexMatchesDoublePrecisionGroundTruth) {
    for (const char* metric : {"ip", "l2"}) {
        auto m = std::string(metric) == "ip" ? faiss::METRIC_INNER_PRODUCT : faiss::METRIC_L2;
        std::string gt = write_ground_truth(m);
        RunResult r = run_tool(data_args() + " --metric " + metric + " --gt '" + gt + "'");
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_GE(value_after(r.output, "1-recall@1 = "), 0.99) << r.output;
        EXPECT_GE(value_after(r.output, "10-recall@10 = "), 0.99) << r.output;
    }
}

TEST_F(EmbeddingSearchTool, WrongGroundTruthGivesLowRecall) {
    std::string gt = write_ground_truth(faiss::METRIC_INNER_PRODUCT, 700);
    RunResult r = run_tool(data_args() + " --gt '" + gt + "'");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_LT(value_after(r.output, "1-recall@1 = "), 0.2) << r.output;
    EXPECT_LT(value_after(r.output, "10-recall@10 = "), 0.2) << r.output;
}

TEST_F(EmbeddingSearchTool, ReportsIndexSimdThreadsAndSpeed) {
    RunResult r = run_tool(data_args() + " --k 5 --single 10 --repeats 2");
    ASSERT_EQ(r.status, 0) << r.output;
    // index_factory("Flat", inner product) gives an IndexFlat, IndexFlatIP without it.
    EXPECT_NE(r.output.find("index: faiss::IndexFlat"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("(\"Flat\", metric inner product)"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("ground truth: exact search"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("simd level: "), std::string::npos) << r.output;
    EXPECT_GE(value_after(r.output, "threads: "), 1) << r.output;
    EXPECT_GT(value_after(r.output, "(best of 2) -> "), 0) << r.output;
    EXPECT_NE(r.output.find("single-query search: 10 queries"), std::string::npos) << r.output;
    EXPECT_DOUBLE_EQ(value_after(r.output, "5-recall@5 = "), 1.0) << r.output;
}

TEST_F(EmbeddingSearchTool, FactoryIndexAndSearchParameters) {
    // Probing all 8 lists of an IVF-Flat index is exact; an unknown parameter is an error.
    RunResult r = run_tool(data_args() + " --index IVF8,Flat --params nprobe=8 --single 0");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("index: faiss::IndexIVFFlat"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("search parameters: nprobe=8"), std::string::npos) << r.output;
    EXPECT_GE(value_after(r.output, "10-recall@10 = "), 0.99) << r.output;
    r = run_tool(data_args() + " --index IVF8,Flat --params nprob=8 --single 0");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("'nprob'"), std::string::npos) << r.output;
    r = run_tool(data_args() + " --index IVF8,PQ5");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("5 does not divide d=24"), std::string::npos) << r.output;
}

TEST_F(EmbeddingSearchTool, RejectsBadInput) {
    // queries of another dimension
    std::vector<float> other(5 * (d + 1), 0.5f);
    write_vecs(path("other.fvecs"), other, d + 1);
    RunResult r = run_tool("'" + path("base.fvecs") + "' '" + path("other.fvecs") + "'");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("dimension"), std::string::npos) << r.output;

    // truncated file: the base file less its last 3 bytes
    {
        std::ifstream in(path("base.fvecs"), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        std::ofstream(path("cut.fvecs"), std::ios::binary) << bytes.substr(0, bytes.size() - 3);
    }
    r = run_tool("'" + path("cut.fvecs") + "' '" + path("queries.fvecs") + "'");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("truncated"), std::string::npos) << r.output;

    r = run_tool("'" + path("missing.fvecs") + "' '" + path("queries.fvecs") + "'");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("cannot open"), std::string::npos) << r.output;

    r = run_tool(data_args() + " --k 2000");  // more than nb
    EXPECT_EQ(r.status, 1) << r.output;

    // ground truth with too few rows
    std::vector<int32_t> small(3 * k, 0);
    write_vecs(path("small.ivecs"), small, k);
    r = run_tool(data_args() + " --gt '" + path("small.ivecs") + "'");
    EXPECT_EQ(r.status, 1) << r.output;

    for (const char* bad : {"--k 0", "--metric cosine", "--single -1", "--bogus", "--k"}) {
        r = run_tool(data_args() + " " + bad);
        EXPECT_EQ(r.status, 2) << bad << "\n" << r.output;
        EXPECT_NE(r.output.find("usage:"), std::string::npos) << r.output;
    }
    r = run_tool("'" + path("base.fvecs") + "'");
    EXPECT_EQ(r.status, 2) << r.output;
}

}  // namespace
