// Factory rule for vector-transform prefixes, each followed by a comma and able to change
// d for the rest of the description: PCA<n>, PCAW<n>, PCAR<n>, PCAWR<n>, OPQ<M>[_<n>],
// RR[<n>], L2norm (L2Norm). Together they make one IndexPreTransform.
#include <faiss/factory/parser.h>

namespace faiss::factory {

namespace {

struct TransformSpec {
    std::string kind;  // "PCA", "PCAW", "PCAR", "PCAWR", "OPQ", "RR", "L2norm"
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
    return std::nullopt;
}

bool is_unimplemented_transform(const std::string& s) {
    return starts_with(s, "ITQ") || starts_with(s, "HR") || starts_with(s, "Pad");
}

}  // namespace

std::unique_ptr<Index> transform_rule(const Parser& p, int, const Tokens& toks, MetricType) {
    const Token& first = toks.front();
    std::optional<TransformSpec> spec = parse_transform(p, first);
    if (!spec) {
        if (toks.size() > 1 && is_unimplemented_transform(first.text)) {
            p.unsupported(first, "this transform is not implemented");
        }
        return nullptr;
    }
    if (toks.size() == 1) {
        p.fail(first, ErrorCode::invalid_argument,
               "a transform must be followed by an index: expected \"" + first.text + ",<index>\"");
    }
    p.unsupported(first, spec->kind +
                             " transforms (IndexPreTransform) are not available in "
                             "this build");
}

}  // namespace faiss::factory
