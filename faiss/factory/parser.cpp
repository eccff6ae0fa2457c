// Tokenizer, rule dispatch and the codec token parsers of index_factory.
#include <faiss/factory/parser.h>

#include <faiss/internal/checks.h>
#include <faiss/quantizers/ScalarQuantizer.h>

#include <cxxabi.h>

#include <cctype>
#include <cstdlib>
#include <typeinfo>
#include <utility>

namespace faiss::factory {

namespace {

// Faiss's parse order: wrappers outside-in, then what changes d, then the leaf shapes.
constexpr Rule kRules[] = {id_map_rule, refine_rule, transform_rule,
                           hnsw_rule,   ivf_rule,    codec_rule};

const std::pair<const char*, ScalarQuantizer::QuantizerType> kSQNames[] = {
    {"SQ8", ScalarQuantizer::QT_8bit},
    {"SQ4", ScalarQuantizer::QT_4bit},
    {"SQ6", ScalarQuantizer::QT_6bit},
    {"SQfp16", ScalarQuantizer::QT_fp16},
    {"SQbf16", ScalarQuantizer::QT_bf16},
    {"SQ8_direct", ScalarQuantizer::QT_8bit_direct},
    {"SQ8_direct_signed", ScalarQuantizer::QT_8bit_direct_signed},
};

}  // namespace

Tokens Parser::tokenize(const std::string& text, size_t offset) const {
    Tokens toks;
    int depth = 0;
    size_t start = 0;
    std::vector<size_t> open_at;
    for (size_t i = 0; i <= text.size(); i++) {
        const char c = i < text.size() ? text[i] : ',';
        if (c == '(') {
            open_at.push_back(i);
            depth++;
        } else if (c == ')') {
            if (depth == 0) {
                fail(Token{text.substr(start, i + 1 - start), offset + start},
                     ErrorCode::invalid_argument,
                     "')' at position " + std::to_string(offset + i) + " has no matching '('");
            }
            open_at.pop_back();
            depth--;
        } else if (c == ',' && depth == 0) {
            Token tok{text.substr(start, i - start), offset + start};
            if (tok.text.empty()) {
                fail(tok, ErrorCode::invalid_argument,
                     "empty token: expected an index component between commas");
            }
            toks.push_back(std::move(tok));
            start = i + 1;
        }
    }
    if (!open_at.empty()) {
        fail(Token{text.substr(start), offset + start}, ErrorCode::invalid_argument,
             "'(' at position " + std::to_string(offset + open_at.back()) +
                 " is never closed: expected ')'");
    }
    return toks;
}

std::unique_ptr<Index> Parser::build(int d, const Tokens& toks, MetricType metric) const {
    for (Rule rule : kRules) {
        if (std::unique_ptr<Index> index = rule(*this, d, toks, metric)) return index;
    }
    const Token& first = toks.front();
    if (toks.size() == 1) {
        fail(first, ErrorCode::invalid_argument,
             "unknown token: expected Flat, PQ<M>[x<nbits>][np], SQ<type> (SQ4, SQ6, SQ8, "
             "SQfp16, SQbf16, SQ8_direct), HNSW<M>, or IVF<nlist>,<codec>");
    }
    fail(first, ErrorCode::invalid_argument,
         "unknown token: expected a transform (PCA<n>, OPQ<M>, RR<n>, L2norm), IDMap, "
         "IDMap2, IVF<nlist> or HNSW<M> before the next comma");
}

std::unique_ptr<Index> Parser::build_inner(int d, const Token& tok, size_t open,
                                           MetricType metric) const {
    if (tok.text.back() != ')') {
        fail(tok, ErrorCode::invalid_argument,
             "unexpected text after ')': expected the token to end with ')'");
    }
    const std::string inner = tok.text.substr(open + 1, tok.text.size() - open - 2);
    const size_t inner_pos = tok.pos + open + 1;
    if (inner.empty()) {
        fail(tok, ErrorCode::invalid_argument,
             "empty parentheses: expected an index description inside");
    }
    return build(d, tokenize(inner, inner_pos), metric);
}

void Parser::fail(const Token& tok, ErrorCode code, const std::string& what) const {
    throw FaissException(code,
                         "index_factory(\"" + description_ + "\"): '" + tok.text +
                             "' at position " + std::to_string(tok.pos) + ": " + what,
                         "index_factory", __FILE__, __LINE__);
}

void Parser::unsupported(const Token& tok, const std::string& why) const {
    fail(tok, ErrorCode::unsupported, "unsupported token: " + why);
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

std::optional<size_t> read_number(const Parser& p, const Token& tok, size_t& i) {
    const std::string& s = tok.text;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    size_t value = 0;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); i++) {
        value = value * 10 + size_t(s[i] - '0');
        if (value > 0x7fffffff) {
            p.fail(tok, ErrorCode::invalid_argument, "number too large");
        }
    }
    return value;
}

std::optional<PQSpec> parse_pq(const Parser& p, const Token& tok, int d) {
    const std::string& s = tok.text;
    size_t i = 2;
    if (!starts_with(s, "PQ")) return std::nullopt;
    std::optional<size_t> M = read_number(p, tok, i);
    if (!M) return std::nullopt;
    PQSpec spec;
    spec.M = *M;
    if (i < s.size() && s[i] == 'x') {
        i++;
        std::optional<size_t> nbits = read_number(p, tok, i);
        if (!nbits) {
            p.fail(tok, ErrorCode::invalid_argument, "expected a number of bits after 'x'");
        }
        spec.nbits = *nbits;
    }
    const std::string rest = s.substr(i);
    if (starts_with(rest, "fs")) {
        p.unsupported(tok,
                      "fast-scan PQ (IndexPQFastScan / IndexIVFPQFastScan) is not "
                      "implemented");
    }
    if (!rest.empty() && rest != "np") {
        p.fail(tok, ErrorCode::invalid_argument,
               "unexpected '" + rest + "': expected PQ<M>[x<nbits>][np]");
    }
    if (spec.M == 0) p.fail(tok, ErrorCode::invalid_argument, "M must be > 0");
    if (d % int(spec.M) != 0) {
        p.fail(tok, ErrorCode::invalid_argument,
               std::to_string(spec.M) + " does not divide d=" + std::to_string(d));
    }
    if (spec.nbits < 1 || spec.nbits > 16) {
        p.fail(tok, ErrorCode::invalid_argument,
               "nbits must be in 1..16, got " + std::to_string(spec.nbits));
    }
    return spec;
}

std::optional<int> parse_sq(const Parser& p, const Token& tok) {
    if (!starts_with(tok.text, "SQ")) return std::nullopt;
    for (const auto& [name, qtype] : kSQNames) {
        if (tok.text == name) return int(qtype);
    }
    if (tok.text == "SQ0" || starts_with(tok.text, "SQtq")) {
        p.unsupported(tok, "this scalar quantizer type is not implemented");
    }
    p.fail(tok, ErrorCode::invalid_argument,
           "unknown scalar quantizer: expected SQ4, SQ6, SQ8, SQfp16, SQbf16, SQ8_direct or "
           "SQ8_direct_signed");
}

std::string index_type_name(const Index& index) {
    int status = 0;
    char* name = abi::__cxa_demangle(typeid(index).name(), nullptr, nullptr, &status);
    std::string result = status == 0 && name ? name : typeid(index).name();
    std::free(name);
    return result;
}

std::string sq_name(int qtype) {
    for (const auto& [name, qt] : kSQNames) {
        if (int(qt) == qtype) return name;
    }
    return {};
}

}  // namespace faiss::factory
