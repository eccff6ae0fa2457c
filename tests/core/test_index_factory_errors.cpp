// index_factory on malformed and unsupported strings: each throws a FaissException with
// the right code, naming the token and its position; never a crash or a leak.
#include <faiss/FaissException.h>
#include <faiss/index_factory.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

#include <memory>
#include <string>

using faiss::ErrorCode;

namespace {

struct BadCase {
    const char* description;
    ErrorCode code;
    const char* needle;  // must appear in the message
};

void expect_bad(int d, const BadCase& c) {
    SCOPED_TRACE(c.description);
    faiss::test::expect_code(
        c.code, [&] { std::unique_ptr<faiss::Index>(faiss::index_factory(d, c.description)); },
        c.needle);
}

TEST(IndexFactoryErrors, MalformedStringsNameTokenAndPosition) {
    const BadCase cases[] = {
        {"", ErrorCode::invalid_argument, "'' at position 0: empty token"},
        {"IVFX", ErrorCode::invalid_argument, "'IVFX' at position 0: unknown token"},
        {"IVFX,Flat", ErrorCode::invalid_argument, "'IVFX' at position 0: unknown token"},
        {"Flt", ErrorCode::invalid_argument, "'Flt' at position 0: unknown token"},
        {"PQ15", ErrorCode::invalid_argument, "'PQ15' at position 0: 15 does not divide d=128"},
        {"IVF8,PQ15", ErrorCode::invalid_argument, "'PQ15' at position 5: 15 does not divide"},
        {"PQ0", ErrorCode::invalid_argument, "M must be > 0"},
        {"PQ8x", ErrorCode::invalid_argument, "expected a number of bits after 'x'"},
        {"PQ8x17", ErrorCode::invalid_argument, "nbits must be in 1..16, got 17"},
        {"PQ8y", ErrorCode::invalid_argument, "expected PQ<M>[x<nbits>][np]"},
        {"SQ3", ErrorCode::invalid_argument, "'SQ3' at position 0: unknown scalar quantizer"},
        {"IVF8,SQ7", ErrorCode::invalid_argument, "'SQ7' at position 5"},
        {"IVF8", ErrorCode::invalid_argument, "an IVF index needs a codec"},
        {"IVF0,Flat", ErrorCode::invalid_argument, "nlist must be > 0"},
        {"IVF8,Flot", ErrorCode::invalid_argument, "'Flot' at position 5: unknown IVF codec"},
        {"IVF8x,Flat", ErrorCode::invalid_argument, "unexpected 'x' after the list count"},
        {"IVF8,Flat,Flat", ErrorCode::invalid_argument,
         "'Flat' at position 10: unexpected token after the IVF codec"},
        {"Flat,", ErrorCode::invalid_argument, "at position 5: empty token"},
        {",Flat", ErrorCode::invalid_argument, "at position 0: empty token"},
        {"IVF8,,Flat", ErrorCode::invalid_argument, "at position 5: empty token"},
        {"Flat,Refine(Flat", ErrorCode::invalid_argument, "'(' at position 11 is never closed"},
        {"Flat)", ErrorCode::invalid_argument, "')' at position 4 has no matching '('"},
        {"Flat,Refine()", ErrorCode::invalid_argument, "empty parentheses"},
        {"Flat,Refine(Flat)x", ErrorCode::invalid_argument, "unexpected text after ')'"},
        {"Refine(Flat)", ErrorCode::invalid_argument, "needs a base index"},
        {"RFlat", ErrorCode::invalid_argument, "needs a base index"},
        {"IDMap", ErrorCode::invalid_argument, "IDMap wraps an index"},
        {"IDMap2", ErrorCode::invalid_argument, "IDMap2 wraps an index"},
        {"IDMap,IDMap", ErrorCode::invalid_argument, "'IDMap' at position 0: IDMap wraps"},
        {"Flat,Refine(PQ7)", ErrorCode::invalid_argument,
         "'PQ7' at position 12: 7 does not divide d=128"},
        {"IVF8(Flt),Flat", ErrorCode::invalid_argument, "'Flt' at position 5: unknown token"},
        {"PCA64", ErrorCode::invalid_argument, "a transform must be followed by an index"},
        {"IVF99999999999,Flat", ErrorCode::invalid_argument, "number too large"},
        {"HNSW32_", ErrorCode::invalid_argument, "expected HNSW<M>"},
        {"HNSW1", ErrorCode::invalid_argument, "M must be >= 2"},
        {"OPQ0,Flat", ErrorCode::invalid_argument, "M > 0"},
    };
    for (const BadCase& c : cases)
        expect_bad(128, c);
}

TEST(IndexFactoryErrors, UnsupportedFaissSyntaxIsNamed) {
    const BadCase cases[] = {
        {"PQ16x4fs", ErrorCode::unsupported, "fast-scan"},
        {"IVF8,PQ16x4fs", ErrorCode::unsupported, "'PQ16x4fs' at position 5"},
        {"IVF8,PQ16+8", ErrorCode::unsupported, "IndexIVFPQR"},
        {"IVF8,FlatDedup", ErrorCode::unsupported, "IndexIVFFlatDedup"},
        {"LSH", ErrorCode::unsupported, "LSH"},
        {"IVF8_NSG32,Flat", ErrorCode::unsupported, "NSG"},
        {"SQ0", ErrorCode::unsupported, "'SQ0'"},
        {"Flat,RefinePanorama(Flat)", ErrorCode::unsupported, "RefinePanorama"},
    };
    for (const BadCase& c : cases)
        expect_bad(128, c);
}

TEST(IndexFactoryErrors, BadArguments) {
    faiss::test::expect_code(
        ErrorCode::invalid_argument, [] { faiss::index_factory(16, nullptr); }, "null");
    faiss::test::expect_code(
        ErrorCode::invalid_argument, [] { faiss::index_factory(0, "Flat"); }, "d must be > 0");
    faiss::test::expect_code(
        ErrorCode::invalid_argument, [] { faiss::index_factory(-3, "Flat"); }, "d must be > 0");
    faiss::test::expect_code(
        ErrorCode::invalid_argument,
        [] { faiss::index_factory(16, "Flat", faiss::MetricType(77)); }, "unknown metric");
}

}  // namespace
