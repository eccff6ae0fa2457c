// faiss-cli reads every input format: a Flat index built from the file must find each
// base vector, given as float32 queries holding the values the file encodes, at rank 0.
#include "cli_test_util.h"
#include "common/test_utils.h"

#include <gtest/gtest.h>

using namespace faiss_cli_test;

namespace {

class CliFormats : public ::testing::Test {
  protected:
    static constexpr size_t n = 60, d = 16;
    std::string dir;
    std::vector<float> x;

    void SetUp() override {
        dir = make_temp_dir();
        x = faiss::test::random_vectors(n, d, 5);
        for (auto& v : x)
            v = v * 8 - 4;
    }

    /// Builds from file (with extra input options), searches the exact values `decoded`.
    void check_self_match(const std::string& file, const std::string& extra,
                          const std::vector<float>& decoded) {
        SCOPED_TRACE(file);
        const std::string index = dir + "/flat.index", queries = dir + "/q.fvecs",
                          res = dir + "/res.npy";
        write_vecs(queries, decoded, d);
        CliRun b = run_cli("build --base " + file + " " + extra + " --output " + index);
        ASSERT_EQ(b.status, 0) << b.out << b.err;
        EXPECT_NE(b.out.find(std::to_string(n) + " x " + std::to_string(d)), std::string::npos)
            << b.out;
        CliRun s =
            run_cli("search --index " + index + " --queries " + queries + " --k 1 --output " + res);
        ASSERT_EQ(s.status, 0) << s.out << s.err;
        size_t rn = 0, rk = 0;
        const auto labels = read_npy_i64(res, rn, rk);
        ASSERT_EQ(rn, n);
        ASSERT_EQ(rk, 1u);
        for (size_t i = 0; i < n; i++)
            EXPECT_EQ(labels[i], int64_t(i)) << "row " << i;
    }
};

TEST_F(CliFormats, Fvecs) {
    write_vecs(dir + "/b.fvecs", x, d);
    check_self_match(dir + "/b.fvecs", "", x);
}

TEST_F(CliFormats, BvecsAndIvecs) {
    std::vector<uint8_t> u(n * d);
    std::vector<int32_t> i32(n * d);
    std::vector<float> fu(n * d), fi(n * d);
    for (size_t i = 0; i < n * d; i++) {
        u[i] = uint8_t(x[i] * 30 + 128);
        fu[i] = u[i];
        i32[i] = int32_t(x[i] * 1000);
        fi[i] = float(i32[i]);
    }
    write_vecs(dir + "/b.bvecs", u, d);
    check_self_match(dir + "/b.bvecs", "", fu);
    write_vecs(dir + "/b.ivecs", i32, d);
    check_self_match(dir + "/b.ivecs", "", fi);
}

TEST_F(CliFormats, NpyFloat32Float16Bfloat16Float64) {
    write_npy(dir + "/f32.npy", "<f4", x.data(), n, d, 4);
    check_self_match(dir + "/f32.npy", "", x);
    const auto h = to_fp16(x);
    write_npy(dir + "/f16.npy", "<f2", h.data(), n, d, 2);
    check_self_match(dir + "/f16.npy", "", from_fp16(h));
    const auto b = to_bf16(x);
    write_npy(dir + "/bf16.npy", "<u2", b.data(), n, d, 2);
    check_self_match(dir + "/bf16.npy", "--bf16", from_bf16(b));
    // ml_dtypes saves bfloat16 arrays as raw 2-byte records.
    write_npy(dir + "/v2.npy", "<V2", b.data(), n, d, 2);
    check_self_match(dir + "/v2.npy", "--bf16", from_bf16(b));
    std::vector<double> x64(x.begin(), x.end());
    write_npy(dir + "/f64.npy", "<f8", x64.data(), n, d, 8);
    check_self_match(dir + "/f64.npy", "", x);
}

TEST_F(CliFormats, SafetensorsF32F16Bf16) {
    const auto h = to_fp16(x), b = to_bf16(x);
    // A 1-D tensor beside the 2-D one: the only 2-D tensor is the default.
    const Tensor bias{"bias", "F32", {d}, as_bytes(std::vector<float>(d, 1.f))};
    write_safetensors(dir + "/f32.safetensors", {bias, {"emb", "F32", {n, d}, as_bytes(x)}});
    check_self_match(dir + "/f32.safetensors", "", x);
    write_safetensors(dir + "/f16.safetensors", {{"emb", "F16", {n, d}, as_bytes(h)}, bias});
    check_self_match(dir + "/f16.safetensors", "", from_fp16(h));
    // Two 2-D tensors: --tensor chooses.
    write_safetensors(dir + "/two.safetensors",
                      {{"a", "F16", {n, d}, as_bytes(h)}, {"b", "BF16", {n, d}, as_bytes(b)}});
    check_self_match(dir + "/two.safetensors", "--tensor b", from_bf16(b));
    check_self_match(dir + "/two.safetensors", "--tensor=a", from_fp16(h));
}

TEST_F(CliFormats, RawWithDtypeAndDim) {
    write_bytes(dir + "/b.f32", as_bytes(x));
    check_self_match(dir + "/b.f32", "--dtype f32 --dim 16", x);
    const auto b = to_bf16(x);
    write_bytes(dir + "/b.bin", as_bytes(b));
    check_self_match(dir + "/b.bin", "--dtype bf16 --dim 16", from_bf16(b));
}

}  // namespace
