// Entry points of index_factory; the grammar lives in factory/, one file per family.
#include <faiss/index_factory.h>

#include <faiss/factory/parser.h>
#include <faiss/internal/checks.h>

#include <string>

namespace faiss {

Index* index_factory(int d, const char* description, MetricType metric) {
    FAISS_REQUIRE(description != nullptr, invalid_argument,
                  "index_factory: description must not be null");
    FAISS_REQUIRE(d > 0, invalid_argument, "index_factory(\"%s\"): d must be > 0, got %d",
                  description, d);
    FAISS_REQUIRE(metric == METRIC_L2 || metric == METRIC_INNER_PRODUCT || metric == METRIC_L1 ||
                      metric == METRIC_Linf || metric == METRIC_Lp,
                  invalid_argument, "index_factory(\"%s\"): unknown metric %d", description,
                  int(metric));
    const std::string desc(description);
    factory::Parser parser(desc);
    return parser.build(d, parser.tokenize(desc, 0), metric).release();
}

}  // namespace faiss
