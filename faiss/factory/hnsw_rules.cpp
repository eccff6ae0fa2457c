// Factory rule for graph indexes: "HNSW[<M>]" (M = 32 by default) optionally followed,
// after "," or "_", by its storage codec: nothing or "Flat" (IndexHNSWFlat), "SQ<type>"
// (IndexHNSWSQ) or "PQ<m>[x<nbits>]" (IndexHNSWPQ).
#include <faiss/factory/parser.h>

#include <faiss/IndexHNSW.h>
#include <faiss/quantizers/ScalarQuantizer.h>

namespace faiss::factory {

namespace {

struct HNSWSpec {
    size_t M = 32;
    std::optional<Token> codec;  // absent or "Flat": flat storage
};

// Reads "HNSW[<M>][_<codec>]" from tok; nullopt if tok is not an HNSW token.
std::optional<HNSWSpec> parse_hnsw(const Parser& p, const Token& tok) {
    if (!starts_with(tok.text, "HNSW")) return std::nullopt;
    size_t i = 4;
    HNSWSpec spec;
    if (std::optional<size_t> M = read_number(p, tok, i)) spec.M = *M;
    if (i < tok.text.size()) {
        if (tok.text[i] != '_' || i + 1 == tok.text.size()) {
            p.fail(tok, ErrorCode::invalid_argument,
                   "expected HNSW<M> optionally followed by _Flat, _SQ<type> or _PQ<m>");
        }
        spec.codec = Token{tok.text.substr(i + 1), tok.pos + i + 1};
    }
    if (spec.M < 2) {
        p.fail(tok, ErrorCode::invalid_argument, "M must be >= 2, got " + std::to_string(spec.M));
    }
    return spec;
}

std::unique_ptr<Index> make_hnsw(const Parser& p, int d, const HNSWSpec& spec, MetricType metric) {
    if (!spec.codec || spec.codec->text == "Flat") {
        return make_hnsw_flat(d, spec.M, metric);
    }
    const Token& codec = *spec.codec;
    if (std::optional<PQSpec> pq = parse_pq(p, codec, d)) {
        // Faiss silently builds an L2 index here whatever the metric; refuse instead.
        if (metric != METRIC_L2) {
            p.fail(codec, ErrorCode::unsupported,
                   "HNSW over PQ storage is built for METRIC_L2 only (Faiss ignores the "
                   "metric here); use HNSW<M>, HNSW<M>_SQ<type> or IVF for inner product");
        }
        return std::make_unique<IndexHNSWPQ>(d, int(pq->M), int(spec.M), int(pq->nbits), metric);
    }
    if (std::optional<int> qtype = parse_sq(p, codec)) {
        return std::make_unique<IndexHNSWSQ>(d, ScalarQuantizer::QuantizerType(*qtype), int(spec.M),
                                             metric);
    }
    p.fail(codec, ErrorCode::invalid_argument,
           "unknown HNSW storage: expected Flat, SQ<type> or PQ<m>[x<nbits>]");
}

}  // namespace

std::unique_ptr<Index> make_hnsw_flat(int d, size_t M, MetricType metric) {
    return std::make_unique<IndexHNSWFlat>(d, int(M), metric);
}

std::unique_ptr<Index> hnsw_rule(const Parser& p, int d, const Tokens& toks, MetricType metric) {
    std::optional<HNSWSpec> spec = parse_hnsw(p, toks.front());
    if (!spec) return nullptr;
    if (toks.size() > 2 || (toks.size() == 2 && spec->codec)) {
        const Token& extra = toks.size() == 2 ? toks[1] : toks[2];
        p.fail(extra, ErrorCode::invalid_argument,
               "unexpected token after the HNSW index: expected the end of the description");
    }
    if (toks.size() == 2) spec->codec = toks[1];
    return make_hnsw(p, d, *spec, metric);
}

}  // namespace faiss::factory
