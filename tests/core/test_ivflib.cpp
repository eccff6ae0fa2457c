// extract_index_ivf / try_extract_index_ivf: reaching the IVF index inside wrappers.
#include <faiss/IVFlib.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

namespace {

TEST(IVFlib, FindsTheIvfIndexBehindWrappers) {
    const int d = 8;
    faiss::IndexFlatL2 quantizer(d);
    faiss::IndexIVFFlat ivf(&quantizer, d, 4);
    EXPECT_EQ(faiss::extract_index_ivf(&ivf), &ivf);

    faiss::IndexRefineFlat refine(&ivf);
    faiss::IndexIDMap idmap(&refine);
    EXPECT_EQ(faiss::extract_index_ivf(&idmap), &ivf);
    EXPECT_EQ(faiss::try_extract_index_ivf(&refine), &ivf);
    const faiss::Index* const_view = &idmap;
    EXPECT_EQ(faiss::extract_index_ivf(const_view), &ivf);

    faiss::IndexPreTransform pretransform(&idmap);
    EXPECT_EQ(faiss::extract_index_ivf(&pretransform), &ivf);
}

TEST(IVFlib, ReportsWhenThereIsNone) {
    faiss::IndexFlatL2 flat(8);
    faiss::IndexIDMap idmap(&flat);
    EXPECT_EQ(faiss::try_extract_index_ivf(&idmap), nullptr);
    EXPECT_EQ(faiss::try_extract_index_ivf(static_cast<faiss::Index*>(nullptr)), nullptr);
    faiss::test::expect_code(
        faiss::ErrorCode::invalid_argument, [&] { faiss::extract_index_ivf(&idmap); }, "IndexIVF");
    faiss::test::expect_code(
        faiss::ErrorCode::invalid_argument,
        [&] { faiss::extract_index_ivf(static_cast<faiss::Index*>(nullptr)); }, "null");
}

}  // namespace
