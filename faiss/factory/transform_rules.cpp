// Factory rule for vector-transform prefixes, each followed by a comma and able to change
// d for the rest of the description: PCA<n>, PCAW<n>, PCAR<n>, PCAWR<n>, OPQ<M>[_<n>],
// RR[<n>], L2norm (L2Norm), ITQ[<n>], HR[<seed>], Pad<n>. Together they make one
// IndexPreTransform.
#include <faiss/factory/parser.h>

#include <faiss/IndexPreTransform.h>
#include <faiss/VectorTransform.h>
#include <faiss/internal/checks.h>

#include <algorithm>
#include <cstdint>

namespace faiss::factory {

namespace {

struct TransformSpec {
    std::string kind;  // "PCA", "PCAW", "PCAR", "PCAWR", "OPQ", "RR", "L2norm", "ITQ", "HR",
                       // "Pad"
    size_t n = 0;      // output dimension; 0 = same as input
    size_t M = 0;      // OPQ sub-quantizers
};

// Reads a transform token; nullopt if tok is not a transform.
std::optional<TransformSpec> parse_transform(const Parser& p, const Token& tok) {
    const std::string& s = tok.text;
    if (s == "L2norm" || s == "L2Norm") return TransformSpec{"L2norm"};
    for (const char* kind : {"PCAWR", "PCAW", "PCAR", "PCA"}) {
        size_t i = std::string(kind).size();
        if (!starts_with(s, kind)) continue;
        std::optional<size_t> n = read_number(p, tok, i);
        if (!n || i != s.size()) return std::nullopt;
        if (*n == 0) p.fail(tok, ErrorCode::invalid_argument, "output dimension must be > 0");
        return TransformSpec{kind, *n};
    }
    size_t i = 3;
    if (starts_with(s, "OPQ")) {
        std::optional<size_t> M = read_number(p, tok, i);
        if (!M) return std::nullopt;
        TransformSpec spec{"OPQ", 0, *M};
        if (i < s.size() && s[i] == '_') {
            i++;
            spec.n = read_number(p, tok, i).value_or(0);
            if (spec.n == 0) p.fail(tok, ErrorCode::invalid_argument, "expected OPQ<M>_<d_out>");
        }
        if (i != s.size() || spec.M == 0) {
            p.fail(tok, ErrorCode::invalid_argument, "expected OPQ<M> or OPQ<M>_<d_out>, M > 0");
        }
        return spec;
    }
    i = 2;
    if (starts_with(s, "RR")) {
        std::optional<size_t> n = read_number(p, tok, i);
        if (i != s.size()) return std::nullopt;
        return TransformSpec{"RR", n.value_or(0)};
    }
    // ITQ[<n>]: n is the output dimension (with a PCA when it differs from d); HR[<seed>];
    // Pad<n>: zero-pad to n dimensions.
    for (const char* kind : {"ITQ", "HR", "Pad"}) {
        i = std::string(kind).size();
        if (!starts_with(s, kind)) continue;
        std::optional<size_t> n = read_number(p, tok, i);
        if (i != s.size() || (!n && std::string(kind) == "Pad")) return std::nullopt;
        return TransformSpec{kind, n.value_or(0)};
    }
    return std::nullopt;
}

std::unique_ptr<VectorTransform> make_transform(const Parser& p, const Token& tok,
                                                const TransformSpec& spec, int d) {
    if (spec.kind == "HR") {
        FAISS_REQUIRE(spec.n <= UINT32_MAX, invalid_argument, "HR seed %zu is too large", spec.n);
        return std::make_unique<HadamardRotation>(d, spec.n ? uint32_t(spec.n) : 12345u);
    }
    const int d_out = spec.n ? int(spec.n) : d;
    if (spec.kind == "L2norm") return std::make_unique<NormalizationTransform>(d, 2.0f);
    if (spec.kind == "ITQ") return std::make_unique<ITQTransform>(d, d_out, d_out != d);
    if (spec.kind == "Pad")
        return std::make_unique<RemapDimensionsTransform>(d, std::max(d, d_out), false);
    if (spec.kind == "RR") return std::make_unique<RandomRotationMatrix>(d, d_out);
    if (spec.kind == "OPQ") {
        if (d_out % int(spec.M) != 0) {
            p.fail(tok, ErrorCode::invalid_argument,
                   std::to_string(spec.M) + " does not divide d_out=" + std::to_string(d_out));
        }
        return std::make_unique<OPQMatrix>(d, int(spec.M), d_out);
    }
    if (d_out > d) {
        p.fail(tok, ErrorCode::invalid_argument,
               "PCA output dimension " + std::to_string(d_out) + " exceeds d=" + std::to_string(d));
    }
    const bool whiten = spec.kind == "PCAW" || spec.kind == "PCAWR";
    const bool rotate = spec.kind == "PCAR" || spec.kind == "PCAWR";
    return std::make_unique<PCAMatrix>(d, d_out, whiten ? -0.5f : 0.0f, rotate);
}

}  // namespace

std::unique_ptr<Index> transform_rule(const Parser& p, int d, const Tokens& toks,
                                      MetricType metric) {
    // Leading transforms, each changing d for what follows; the last token never is one.
    std::vector<std::unique_ptr<VectorTransform>> chain;
    size_t i = 0;
    for (; i + 1 < toks.size(); i++) {
        std::optional<TransformSpec> spec = parse_transform(p, toks[i]);
        if (!spec) break;
        try {
            chain.push_back(make_transform(p, toks[i], *spec, d));
        } catch (const FaissException& e) {
            if (e.message().find("index_factory(") == 0) throw;
            p.fail(toks[i], e.code(), e.message());
        }
        d = chain.back()->d_out;
    }
    if (chain.empty()) {
        if (toks.size() == 1 && parse_transform(p, toks[0])) {
            p.fail(toks[0], ErrorCode::invalid_argument,
                   "a transform must be followed by an index: expected \"" + toks[0].text +
                       ",<index>\"");
        }
        return nullptr;
    }
    std::unique_ptr<Index> sub = p.build(d, Tokens(toks.begin() + i, toks.end()), metric);
    auto index = std::make_unique<IndexPreTransform>(sub.get());
    sub.release();
    index->own_fields = true;
    while (!chain.empty()) {
        index->prepend_transform(chain.back().get());
        chain.back().release();
        chain.pop_back();
    }
    return index;
}

}  // namespace faiss::factory
