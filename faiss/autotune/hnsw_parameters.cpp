// ParameterSpace rule of the HNSW family: efSearch, efConstruction and prune_headroom of
// the graph.
#include <faiss/autotune/parameter_rules.h>

#include <faiss/IndexHNSW.h>
#include <faiss/internal/checks.h>

namespace faiss::autotune {

ParameterRule hnsw_parameters() {
    return {[](const ParameterSpace&, Index* index, const std::string& name, double val) {
                auto* h = dynamic_cast<IndexHNSW*>(index);
                if (!h) return false;
                if (name == "efSearch") {
                    h->hnsw.efSearch = int(integer_parameter(name, val, 1, 1 << 30));
                    return true;
                }
                if (name == "efConstruction") {
                    h->hnsw.efConstruction = int(integer_parameter(name, val, 1, 1 << 30));
                    return true;
                }
                if (name == "prune_headroom") {
                    FAISS_REQUIRE(val >= 0 && val <= 0.5, invalid_argument,
                                  "ParameterSpace: prune_headroom must be in [0, 0.5], got %g",
                                  val);
                    h->hnsw.prune_headroom = float(val);
                    return true;
                }
                return false;
            },
            [](ParameterSpace& ps, const Index* index, const std::string& prefix) {
                if (!dynamic_cast<const IndexHNSW*>(index)) return;
                // The beam widths Faiss explores: 16 .. 512.
                ParameterRange& range = ps.add_range(prefix + "efSearch");
                range.values.clear();
                for (double v = 16; v <= 512; v *= 2)
                    range.values.push_back(v);
            }};
}

}  // namespace faiss::autotune
