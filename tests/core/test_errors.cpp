// FaissException: codes, messages, and that it is a std::exception.
#include <faiss/FaissException.h>
#include <faiss/internal/checks.h>

#include <gtest/gtest.h>

#include <string>

TEST(Errors, CarriesCodeMessageAndLocation) {
    try {
        FAISS_THROW_CODE(invalid_argument, "query dimension %d does not match index dimension %d",
                         64, 128);
        FAIL() << "no exception";
    } catch (const faiss::FaissException& e) {
        EXPECT_EQ(e.code(), faiss::ErrorCode::invalid_argument);
        EXPECT_EQ(e.message(), "query dimension 64 does not match index dimension 128");
        std::string what = e.what();
        EXPECT_NE(what.find("test_errors.cpp"), std::string::npos) << what;
        EXPECT_NE(what.find("does not match"), std::string::npos);
    }
}

TEST(Errors, IsAStdException) {
    EXPECT_THROW(FAISS_REQUIRE(1 == 2, unsupported, "nope"), std::exception);
    EXPECT_NO_THROW(FAISS_REQUIRE(1 == 1, unsupported, "fine"));
    EXPECT_STREQ(faiss::error_code_name(faiss::ErrorCode::not_trained), "not_trained");
}
