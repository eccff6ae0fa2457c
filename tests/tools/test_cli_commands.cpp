// faiss-cli subcommands on small files: groundtruth against a double-precision reference,
// build (training file, sample, ids, progress), search outputs and --mmap, info, bench,
// and the end-to-end runs from bf16 .safetensors and fp16 .npy embeddings whose printed
// recall must equal the recall computed here from the written results.
#include "cli_test_util.h"
#include "common/test_utils.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace faiss_cli_test;

namespace {

std::vector<int64_t> reference_labels(const std::vector<float>& xq, const std::vector<float>& xb,
                                      size_t d, size_t k, faiss::MetricType metric) {
    std::vector<double> D;
    std::vector<faiss::idx_t> I;
    faiss::test::reference_knn(xq.data(), xq.size() / d, xb.data(), xb.size() / d, d, k, metric, D,
                               I);
    return std::vector<int64_t>(I.begin(), I.end());
}

class CliCommands : public ::testing::Test {
  protected:
    std::string dir;
    void SetUp() override { dir = make_temp_dir(); }
};

TEST_F(CliCommands, GroundtruthMatchesReferenceAcrossBlocks) {
    const size_t d = 24, nb = 500, nq = 30, k = 20;
    const auto xb = faiss::test::random_vectors(nb, d, 1),
               xq = faiss::test::random_vectors(nq, d, 2);
    write_vecs(dir + "/b.fvecs", xb, d);
    write_npy(dir + "/q.npy", "<f4", xq.data(), nq, d, 4);
    for (const char* metric : {"l2", "ip"}) {
        SCOPED_TRACE(metric);
        const auto ref = reference_labels(
            xq, xb, d, k,
            std::string(metric) == "l2" ? faiss::METRIC_L2 : faiss::METRIC_INNER_PRODUCT);
        // --block 77: the base is scanned in 7 blocks whose results are merged.
        CliRun r = run_cli("groundtruth --base " + dir + "/b.fvecs --queries " + dir +
                           "/q.npy --k 20 --block 77 --metric " + metric + " --output " + dir +
                           "/gt.ivecs");
        ASSERT_EQ(r.status, 0) << r.err;
        size_t n = 0, kk = 0;
        const auto gt = read_ivecs(dir + "/gt.ivecs", n, kk);
        ASSERT_EQ(n, nq);
        ASSERT_EQ(kk, k);
        size_t same = 0;
        for (size_t i = 0; i < nq * k; i++)
            same += gt[i] == ref[i];
        EXPECT_GE(same, nq * k - 2) << "float vs double ties may swap at most a pair";
    }
    // k larger than the base: padded with -1.
    CliRun r = run_cli("groundtruth --base " + dir + "/b.fvecs --queries " + dir +
                       "/q.npy --k 600 --output " + dir + "/gt.npy");
    ASSERT_EQ(r.status, 0) << r.err;
    size_t n = 0, kk = 0;
    const auto gt = read_npy_i64(dir + "/gt.npy", n, kk);
    ASSERT_EQ(kk, 600u);
    EXPECT_GE(gt[499], 0);
    EXPECT_EQ(gt[500], -1);
    // An int64 .npy ground truth as search's --gt: exact search finds every true neighbour.
    ASSERT_EQ(run_cli("build --base " + dir + "/b.fvecs --output " + dir + "/flat.index").status,
              0);
    CliRun s = run_cli("search --index " + dir + "/flat.index --queries " + dir +
                       "/q.npy --k 100 --gt " + dir + "/gt.npy");
    ASSERT_EQ(s.status, 0) << s.err;
    for (const char* key : {"1-recall@1 = ", "1-recall@10 = ", "1-recall@100 = "})
        EXPECT_DOUBLE_EQ(value_after(s.out, key), 1.0) << s.out;
}

TEST_F(CliCommands, BuildWithTrainingSampleIdsThenSearchInfoBench) {
    const size_t d = 32, nb = 2000, nq = 20, k = 5;
    const auto xb = faiss::test::clustered_vectors(nb, d, 16, 3);
    const auto xt = faiss::test::clustered_vectors(800, d, 16, 4);
    const auto xq = faiss::test::clustered_vectors(nq, d, 16, 5);
    std::vector<int64_t> ids(nb);
    for (size_t i = 0; i < nb; i++)
        ids[i] = int64_t(i) * 7 + 5;
    write_vecs(dir + "/b.fvecs", xb, d);
    write_vecs(dir + "/t.fvecs", xt, d);
    write_vecs(dir + "/q.fvecs", xq, d);
    write_npy(dir + "/ids.npy", "<i8", ids.data(), nb, 0, 8);
    const std::string index = dir + "/ivf.index";
    CliRun b = run_cli("build --factory IVF16,Flat --base " + dir + "/b.fvecs --train " + dir +
                       "/t.fvecs --train-sample 500 --ids " + dir + "/ids.npy --threads 2" +
                       " --block 300 --output " + index);
    ASSERT_EQ(b.status, 0) << b.out << b.err;
    for (const char* line : {"training on 500 vectors", "training: done in", "adding 2000 vectors",
                             "writing ", "writing: done in"})
        EXPECT_NE(b.out.find(line), std::string::npos) << line << "\n" << b.out;

    // nprobe=16 visits every list: exact results, reported with the given ids.
    const auto ref = reference_labels(xq, xb, d, k, faiss::METRIC_L2);
    for (const char* ext : {".npy", ".ivecs", ".jsonl"}) {
        for (const char* mmap : {"", " --mmap"}) {
            SCOPED_TRACE(std::string(ext) + mmap);
            const std::string res = dir + "/res" + ext;
            CliRun s = run_cli("search --index " + index + " --queries " + dir + "/q.fvecs --k 5" +
                               " --params nprobe=16 --output " + res + mmap);
            ASSERT_EQ(s.status, 0) << s.err;
            std::vector<int64_t> got;
            size_t n = 0, kk = 0;
            if (std::string(ext) == ".npy") {
                got = read_npy_i64(res, n, kk);
            } else if (std::string(ext) == ".ivecs") {
                const auto g = read_ivecs(res, n, kk);
                got.assign(g.begin(), g.end());
            } else {
                const std::string text = read_bytes(res);
                const size_t p = text.find("\"ids\": [");
                ASSERT_NE(p, std::string::npos) << text.substr(0, 200);
                got.push_back(std::strtoll(text.c_str() + p + 8, nullptr, 10));
                n = 1;
                kk = 1;
            }
            ASSERT_GE(n, 1u);
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < kk; j++)
                    EXPECT_EQ(got[i * kk + j], ids[ref[i * k + j]]);
        }
    }
    CliRun info = run_cli("info --index " + index);
    ASSERT_EQ(info.status, 0) << info.err;
    for (const char* line : {"type: IndexIVFFlat", "d: 32", "ntotal: 2000", "metric: l2",
                             "factory: IVF16,Flat", "file size:", "nlist=16", "nprobe:"})
        EXPECT_NE(info.out.find(line), std::string::npos) << line << "\n" << info.out;

    std::vector<int32_t> gt(ref.size());
    for (size_t i = 0; i < ref.size(); i++)
        gt[i] = int32_t(ids[ref[i]]);
    write_vecs(dir + "/gt.ivecs", gt, k);
    CliRun bench = run_cli("bench --index " + index + " --queries " + dir + "/q.fvecs --gt " + dir +
                           "/gt.ivecs --k 5 --param nprobe --values 1,16");
    ASSERT_EQ(bench.status, 0) << bench.err;
    EXPECT_NE(bench.out.find("Pareto front"), std::string::npos) << bench.out;
    const size_t line16 = bench.out.find("nprobe=16");
    ASSERT_NE(line16, std::string::npos) << bench.out;
    EXPECT_DOUBLE_EQ(std::strtod(bench.out.c_str() + line16 + 9, nullptr), 1.0) << bench.out;
    CliRun explore = run_cli("bench --index " + index + " --queries " + dir + "/q.fvecs --gt " +
                             dir + "/gt.ivecs --k 5");
    ASSERT_EQ(explore.status, 0) << explore.err;
    EXPECT_NE(explore.out.find("Pareto front"), std::string::npos) << explore.out;
}

/// Builds from an embedding file, searches with a ground truth computed here; the
/// recall the tool prints must equal the recall of the results it wrote.
void check_end_to_end(const std::string& dir, const std::string& base, const std::string& extra,
                      const std::string& factory, const std::string& params,
                      const std::vector<float>& decoded, const std::vector<float>& xq, size_t d,
                      double min_recall10) {
    const size_t nq = xq.size() / d, k = 10;
    const auto ref = reference_labels(xq, decoded, d, k, faiss::METRIC_L2);
    std::vector<int32_t> gt(ref.begin(), ref.end());
    write_vecs(dir + "/gt.ivecs", gt, k);
    write_vecs(dir + "/q.fvecs", xq, d);
    CliRun b = run_cli("build --factory " + factory + " --base " + base + " " + extra +
                       " --output " + dir + "/e2e.index");
    ASSERT_EQ(b.status, 0) << b.out << b.err;
    CliRun s = run_cli("search --index " + dir + "/e2e.index --queries " + dir +
                       "/q.fvecs --k 10 --batch 16" + " --params " + params + " --gt " + dir +
                       "/gt.ivecs --output " + dir + "/r.npy");
    ASSERT_EQ(s.status, 0) << s.out << s.err;
    size_t n = 0, kk = 0;
    const auto I = read_npy_i64(dir + "/r.npy", n, kk);
    ASSERT_EQ(n, nq);
    for (size_t r : {1, 10}) {
        const double printed = value_after(s.out, "1-recall@" + std::to_string(r) + " = ");
        const double computed = one_recall(ref, k, I, nq, k, r);
        EXPECT_NEAR(printed, computed, 1e-4) << s.out;
    }
    EXPECT_GE(one_recall(ref, k, I, nq, k, 10), min_recall10) << s.out;
    EXPECT_FALSE(std::isnan(value_after(s.out, "QPS = "))) << s.out;
}

TEST_F(CliCommands, EndToEndBf16SafetensorsIVF) {
    const size_t d = 128, nb = 3000;
    const auto x = faiss::test::clustered_vectors(nb, d, 30, 7);
    const auto xq = faiss::test::clustered_vectors(40, d, 30, 8);
    const auto b = to_bf16(x);
    write_safetensors(dir + "/emb.safetensors", {{"embeddings", "BF16", {nb, d}, as_bytes(b)}});
    check_end_to_end(dir, dir + "/emb.safetensors", "", "IVF32,Flat", "nprobe=8", from_bf16(b), xq,
                     d, 0.9);
}

TEST_F(CliCommands, EndToEndFp16NpyIVFSQ8) {
    const size_t d = 96, nb = 2000;
    const auto x = faiss::test::clustered_vectors(nb, d, 30, 9);
    const auto xq = faiss::test::clustered_vectors(40, d, 30, 10);
    const auto h = to_fp16(x);
    write_npy(dir + "/emb.npy", "<f2", h.data(), nb, d, 2);
    check_end_to_end(dir, dir + "/emb.npy", "", "IVF16,SQ8", "nprobe=6", from_fp16(h), xq, d, 0.85);
}

}  // namespace

namespace {

TEST_F(CliCommands, HnswInfoParamsAndDefaultSweep) {
    const size_t d = 16, nb = 600, nq = 10, k = 5;
    const auto xb = faiss::test::random_vectors(nb, d, 21),
               xq = faiss::test::random_vectors(nq, d, 22);
    write_vecs(dir + "/b.fvecs", xb, d);
    write_vecs(dir + "/q.fvecs", xq, d);
    const auto ref = reference_labels(xq, xb, d, k, faiss::METRIC_INNER_PRODUCT);
    std::vector<int32_t> gt(ref.begin(), ref.end());
    write_vecs(dir + "/gt.ivecs", gt, k);
    const std::string index = dir + "/hnsw.index";
    ASSERT_EQ(
        run_cli("build --factory HNSW16 --metric ip --base " + dir + "/b.fvecs --output " + index)
            .status,
        0);
    CliRun info = run_cli("info --index " + index);
    ASSERT_EQ(info.status, 0) << info.err;
    for (const char* line :
         {"type: IndexHNSWFlat", "metric: ip", "ntotal: 600", "efSearch=16", "efSearch: 16"})
        EXPECT_NE(info.out.find(line), std::string::npos) << line << "\n" << info.out;
    CliRun s = run_cli("search --index " + index + " --queries " + dir +
                       "/q.fvecs --k 5 --params efSearch=256 --gt " + dir + "/gt.ivecs");
    ASSERT_EQ(s.status, 0) << s.err;
    EXPECT_GE(value_after(s.out, "1-recall@1 = "), 0.9) << s.out;
    // --param without --values: the values info lists.
    CliRun bench = run_cli("bench --index " + index + " --queries " + dir + "/q.fvecs --gt " + dir +
                           "/gt.ivecs --k 5 --param efSearch");
    ASSERT_EQ(bench.status, 0) << bench.err;
    for (const char* v : {"efSearch=16 ", "efSearch=512 ", "Pareto front"})
        EXPECT_NE(bench.out.find(v), std::string::npos) << v << "\n" << bench.out;
}

}  // namespace

namespace {

// The index replaces an existing file whole: through a symbolic link the file it points to
// is replaced (the link stays), and a replaced file keeps its permission bits.
TEST_F(CliCommands, BuildReplacesThroughSymlinkKeepingMode) {
    const size_t d = 8, nb = 40;
    write_vecs(dir + "/b.fvecs", faiss::test::random_vectors(nb, d, 31), d);
    write_bytes(dir + "/real.index", "old contents");
    ASSERT_EQ(chmod((dir + "/real.index").c_str(), 0640), 0);
    ASSERT_EQ(symlink("real.index", (dir + "/link.index").c_str()), 0);
    CliRun b = run_cli("build --base " + dir + "/b.fvecs --output " + dir + "/link.index");
    ASSERT_EQ(b.status, 0) << b.out << b.err;
    struct stat st;
    ASSERT_EQ(lstat((dir + "/link.index").c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    ASSERT_EQ(stat((dir + "/real.index").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    CliRun info = run_cli("info --index " + dir + "/real.index");
    ASSERT_EQ(info.status, 0) << info.err;
    EXPECT_NE(info.out.find("ntotal: 40"), std::string::npos) << info.out;
    EXPECT_EQ(list_dir(dir).size(), 3u) << "a temporary file was left behind";
}

}  // namespace
