// faiss-cli on bad input: missing files, wrong dimensions, unknown dtypes, malformed
// headers, truncated files, bad options. Each gives exit status 2, one line on stderr
// naming the file and the problem, and leaves no output file (nor temporary) behind.
#include "cli_test_util.h"
#include "common/test_utils.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

using namespace faiss_cli_test;

namespace {

class CliErrors : public ::testing::Test {
  protected:
    static constexpr size_t n = 50, d = 8;
    std::string dir;
    std::vector<float> x;

    void SetUp() override {
        dir = make_temp_dir();
        x = faiss::test::random_vectors(n, d, 3);
        write_vecs(dir + "/b.fvecs", x, d);
        write_vecs(dir + "/q.fvecs", std::vector<float>(x.begin(), x.begin() + 5 * d), d);
        ASSERT_EQ(
            run_cli("build --base " + dir + "/b.fvecs --output " + dir + "/flat.index").status, 0);
    }

    /// Runs args, expects status 2 and one stderr line containing every needle, and no
    /// new entry in dir (output file or temporary).
    void expect_error(const std::string& args, const std::vector<std::string>& needles) {
        SCOPED_TRACE(args);
        auto before = list_dir(dir);
        CliRun r = run_cli(args);
        EXPECT_EQ(r.status, 2) << r.out << r.err;
        ASSERT_FALSE(r.err.empty());
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_EQ(r.err.back(), '\n');
        for (const auto& needle : needles)
            EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
        auto after = list_dir(dir);
        std::sort(before.begin(), before.end());
        std::sort(after.begin(), after.end());
        EXPECT_EQ(before, after) << "files left behind";
    }

    std::string build_from(const std::string& file, const std::string& extra = "") {
        return "build --base " + file + " " + extra + " --output " + dir + "/out.index";
    }
    std::string search_with(const std::string& queries, const std::string& extra = "") {
        return "search --index " + dir + "/flat.index --queries " + queries + " " + extra +
               " --output " + dir + "/res.npy";
    }
};

TEST_F(CliErrors, MissingFiles) {
    expect_error(build_from(dir + "/nope.fvecs"), {"nope.fvecs", "cannot open"});
    expect_error(search_with(dir + "/nope.npy"), {"nope.npy", "cannot open"});
    expect_error("search --index " + dir + "/nope.index --queries " + dir + "/q.fvecs",
                 {"nope.index"});
    expect_error("info --index " + dir + "/nope.index", {"nope.index"});
    expect_error(build_from(dir + "/b.fvecs", "--ids " + dir + "/noids.npy"), {"noids.npy"});
    expect_error(search_with(dir + "/q.fvecs", "--gt " + dir + "/nogt.ivecs"), {"nogt.ivecs"});
}

TEST_F(CliErrors, WrongDimensionsAndCounts) {
    const auto x9 = faiss::test::random_vectors(10, 9, 4);
    write_vecs(dir + "/q9.fvecs", x9, 9);
    expect_error(search_with(dir + "/q9.fvecs"), {"q9.fvecs", "dimension 9", "d=8"});
    expect_error(build_from(dir + "/b.fvecs", "--factory IVF4,Flat --train " + dir + "/q9.fvecs"),
                 {"q9.fvecs", "dimension 9"});
    std::vector<int64_t> ids(n - 1);
    write_npy(dir + "/ids.npy", "<i8", ids.data(), n - 1, 0, 8);
    expect_error(build_from(dir + "/b.fvecs", "--factory IDMap,Flat --ids " + dir + "/ids.npy"),
                 {"ids.npy", "50 x 1"});
    std::vector<int64_t> all_ids(n);
    write_npy(dir + "/all_ids.npy", "<i8", all_ids.data(), n, 0, 8);
    expect_error(build_from(dir + "/b.fvecs", "--factory Flat --ids " + dir + "/all_ids.npy"),
                 {"all_ids.npy", "IDMap,"});
    write_npy(dir + "/fids.npy", "<f4", x.data(), n, 0, 4);
    expect_error(build_from(dir + "/b.fvecs", "--factory IDMap,Flat --ids " + dir + "/fids.npy"),
                 {"fids.npy", "float32"});
    std::vector<int32_t> gt(3 * 10);
    write_vecs(dir + "/gt.ivecs", gt, 10);
    expect_error(search_with(dir + "/q.fvecs", "--gt " + dir + "/gt.ivecs"),
                 {"gt.ivecs", "3 ground-truth rows for 5 queries"});
}

TEST_F(CliErrors, UnknownDtypeExtensionAndOptions) {
    write_bytes(dir + "/b.bin", as_bytes(x));
    expect_error(build_from(dir + "/b.bin", "--dtype f7 --dim 8"), {"unknown dtype 'f7'"});
    expect_error(build_from(dir + "/b.bin", "--dtype f32"), {"b.bin", "--dim"});
    expect_error(build_from(dir + "/b.bin"), {"b.bin", "unknown file type"});
    expect_error(search_with(dir + "/q.fvecs") + "x.csv", {"res.npyx.csv", "unknown output type"});
    expect_error(search_with(dir + "/q.fvecs", "--params nprobe=abc"), {"--params"});
    expect_error(search_with(dir + "/q.fvecs", "--k 0"), {"--k"});
    expect_error(build_from(dir + "/b.fvecs", "--factory IVF4x"), {"IVF4x"});
    expect_error(build_from(dir + "/b.fvecs", "--metric cos"), {"unknown metric 'cos'"});
    expect_error(build_from(dir + "/b.fvecs", "--colour red"), {"unknown option --colour"});
    expect_error("build --base " + dir + "/b.fvecs", {"missing required option --output"});
    expect_error("frobnicate", {"unknown command"});
    CliRun help = run_cli("search --help");
    EXPECT_EQ(help.status, 0);
    EXPECT_NE(help.out.find("usage: faiss-cli"), std::string::npos) << help.out;
}

TEST_F(CliErrors, MalformedHeaders) {
    write_bytes(dir + "/magic.npy", "NOTNUMPY" + std::string(100, ' '));
    expect_error(build_from(dir + "/magic.npy"), {"magic.npy", "not a .npy file"});
    std::string hdr = "{'descr': '<f4', 'fortran_order': False, }";
    write_bytes(dir + "/noshape.npy", std::string("\x93NUMPY\x01\x00", 8) + char(hdr.size()) +
                                          char(0) + hdr + as_bytes(x));
    expect_error(build_from(dir + "/noshape.npy"), {"noshape.npy", "'shape'"});
    hdr = "{'descr': '<f4', 'fortran_order': True, 'shape': (50, 8), }";
    write_bytes(dir + "/fortran.npy", std::string("\x93NUMPY\x01\x00", 8) + char(hdr.size()) +
                                          char(0) + hdr + as_bytes(x));
    expect_error(build_from(dir + "/fortran.npy"), {"fortran.npy", "Fortran"});
    write_npy(dir + "/u2.npy", "<u2", to_bf16(x).data(), n, d, 2);
    expect_error(build_from(dir + "/u2.npy"), {"u2.npy", "--bf16"});
    write_npy(dir + "/c8.npy", "<c8", x.data(), n / 2, d, 8);
    expect_error(build_from(dir + "/c8.npy"), {"c8.npy", "unsupported .npy dtype '<c8'"});
    write_npy(dir + "/huge.npy", "<f4", x.data(), size_t(1) << 40, size_t(1) << 30, 0);
    expect_error(build_from(dir + "/huge.npy"), {"huge.npy", "too large"});
    write_bytes(dir + "/dim0.fvecs", std::string(8, '\0'));
    expect_error(build_from(dir + "/dim0.fvecs"), {"dim0.fvecs", "first dimension 0"});
    // Same size as a valid file, but row 3 claims another dimension.
    std::string bad = read_bytes(dir + "/b.fvecs");
    bad[3 * (4 + 4 * d)] = 9;
    write_bytes(dir + "/rowdim.fvecs", bad);
    expect_error(build_from(dir + "/rowdim.fvecs"), {"rowdim.fvecs", "row 3 has dimension 9"});

    std::string json = "{\"emb\": {\"dtype\": \"F32\", \"shape\": [50, 8], \"data_offsets\": [0, ";
    std::string len(8, '\0');
    len[0] = char(json.size());
    write_bytes(dir + "/json.safetensors", len + json + as_bytes(x));
    expect_error(build_from(dir + "/json.safetensors"), {"json.safetensors", "malformed"});
    write_bytes(dir + "/hlen.safetensors", std::string("\xff\xff\xff\xff\0\0\0\0", 8) + "{}");
    expect_error(build_from(dir + "/hlen.safetensors"), {"hlen.safetensors", "length"});
    write_safetensors(dir + "/i8.safetensors", {{"e", "I8", {n, d}, std::string(n * d, '\1')}});
    expect_error(build_from(dir + "/i8.safetensors"), {"i8.safetensors", "unsupported dtype I8"});
    write_safetensors(dir + "/two.safetensors",
                      {{"a", "F32", {n, d}, as_bytes(x)}, {"b", "F32", {n, d}, as_bytes(x)}});
    expect_error(build_from(dir + "/two.safetensors"), {"two.safetensors", "--tensor"});
    expect_error(build_from(dir + "/two.safetensors", "--tensor c"), {"no tensor named 'c'"});
}

TEST_F(CliErrors, TruncatedFiles) {
    const std::string fv = read_bytes(dir + "/b.fvecs");
    write_bytes(dir + "/t.fvecs", fv.substr(0, fv.size() - 3));
    expect_error(build_from(dir + "/t.fvecs"), {"t.fvecs", "truncated"});
    write_npy(dir + "/full.npy", "<f4", x.data(), n, d, 4);
    const std::string npy = read_bytes(dir + "/full.npy");
    write_bytes(dir + "/t.npy", npy.substr(0, npy.size() - 4));
    expect_error(build_from(dir + "/t.npy"), {"t.npy", "truncated"});
    write_bytes(dir + "/th.npy", npy.substr(0, 30));
    expect_error(build_from(dir + "/th.npy"), {"th.npy", "truncated"});
    write_safetensors(dir + "/full.safetensors", {{"e", "BF16", {n, d}, as_bytes(to_bf16(x))}});
    const std::string st = read_bytes(dir + "/full.safetensors");
    write_bytes(dir + "/t.safetensors", st.substr(0, st.size() - 2));
    expect_error(build_from(dir + "/t.safetensors"), {"t.safetensors", "truncated"});
    write_bytes(dir + "/t.bin", as_bytes(x).substr(0, n * d * 4 - 2));
    expect_error(build_from(dir + "/t.bin", "--dtype f32 --dim 8"), {"t.bin", "truncated"});
    const std::string idx = read_bytes(dir + "/flat.index");
    write_bytes(dir + "/t.index", idx.substr(0, idx.size() / 2));
    expect_error("search --index " + dir + "/t.index --queries " + dir + "/q.fvecs --output " +
                     dir + "/res.npy",
                 {"t.index", "cannot read index"});
    expect_error("info --index " + dir + "/t.index", {"t.index"});
}

}  // namespace

namespace {

TEST_F(CliErrors, OutputPathProblemsFailBeforeAnyWork) {
    expect_error("build --base " + dir + "/b.fvecs --output " + dir + "/nodir/x.index",
                 {"nodir/x.index", "does not exist"});
    expect_error("build --base " + dir + "/b.fvecs --output " + dir, {dir, "is a directory"});
    if (access("/dev/full", W_OK) == 0) {
        // A device is written in place; a full disk is one line and status 2, not a crash.
        expect_error("build --base " + dir + "/b.fvecs --output /dev/full", {"/dev/full"});
    }
}

TEST_F(CliErrors, FailedBuildLeavesAnExistingIndexUntouched) {
    const std::string before = read_bytes(dir + "/flat.index");
    ASSERT_FALSE(before.empty());
    // Row 30 has another dimension: found while adding, after the index was trained.
    std::string bad = read_bytes(dir + "/b.fvecs");
    bad[30 * (4 + 4 * d)] = 7;
    write_bytes(dir + "/row30.fvecs", bad);
    expect_error("build --factory IVF4,Flat --base " + dir + "/row30.fvecs --block 16 --output " +
                     dir + "/flat.index",
                 {"row30.fvecs", "row 30 has dimension 7"});
    EXPECT_EQ(read_bytes(dir + "/flat.index"), before);
}

}  // namespace

namespace {

TEST_F(CliErrors, GroundtruthAndBenchBadInput) {
    const auto x9 = faiss::test::random_vectors(10, 9, 4);
    write_vecs(dir + "/q9.fvecs", x9, 9);
    const std::string gt_out = " --output " + dir + "/gt.ivecs";
    expect_error("groundtruth --base " + dir + "/b.fvecs --queries " + dir + "/q9.fvecs" + gt_out,
                 {"q9.fvecs", "dimension 9", "does not match the base (d=8)"});
    expect_error("groundtruth --base " + dir + "/nope.fvecs --queries " + dir + "/q.fvecs" + gt_out,
                 {"nope.fvecs", "cannot open"});
    expect_error("groundtruth --base " + dir + "/b.fvecs --queries " + dir + "/q.fvecs --output " +
                     dir + "/nodir/gt.ivecs",
                 {"nodir/gt.ivecs"});
    const std::string fv = read_bytes(dir + "/b.fvecs");
    write_bytes(dir + "/t.fvecs", fv.substr(0, fv.size() - 5));
    expect_error("groundtruth --base " + dir + "/t.fvecs --queries " + dir + "/q.fvecs" + gt_out,
                 {"t.fvecs", "truncated"});

    const std::string bench = "bench --index " + dir + "/flat.index --queries ";
    expect_error(bench + dir + "/q.fvecs --gt " + dir + "/nogt.ivecs", {"nogt.ivecs"});
    expect_error(bench + dir + "/q9.fvecs --gt " + dir + "/q.fvecs", {"q9.fvecs", "dimension 9"});
    expect_error(bench + dir + "/q.fvecs --gt " + dir + "/q.fvecs", {"q.fvecs", "integers"});
    expect_error(
        "bench --index " + dir + "/b.fvecs --queries " + dir + "/q.fvecs --gt " + dir + "/q.fvecs",
        {"b.fvecs", "cannot read index"});
}

}  // namespace
