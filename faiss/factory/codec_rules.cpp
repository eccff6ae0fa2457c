// Factory rule for the stand-alone codecs, a description of a single token:
// "Flat", "PQ<M>[x<nbits>][np]" and the scalar quantizers "SQ8", "SQfp16" ...
#include <faiss/factory/parser.h>

#include <faiss/IndexFlat.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexScalarQuantizer.h>

namespace faiss::factory {

namespace {

// Faiss codecs this library does not implement: named in the error instead of
// "unknown token".
const char* const kUnimplementedCodecs[] = {"LSH",  "RQ",        "LSQ", "PRQ", "PLSQ",    "RaBitQ",
                                            "EDEN", "ZnLattice", "NSG", "IMI", "Residual"};

}  // namespace

std::unique_ptr<Index> codec_rule(const Parser& p, int d, const Tokens& toks, MetricType metric) {
    if (toks.size() != 1) return nullptr;
    const Token& tok = toks[0];
    if (tok.text == "Flat") return std::make_unique<IndexFlat>(d, metric);
    if (std::optional<PQSpec> pq = parse_pq(p, tok, d)) {
        // As Faiss: polysemous training (centroid renumbering for Hamming filtering) is on
        // unless "np".
        auto index = std::make_unique<IndexPQ>(d, pq->M, pq->nbits, metric);
        index->do_polysemous_training =
            tok.text.size() < 2 || tok.text.compare(tok.text.size() - 2, 2, "np") != 0;
        return index;
    }
    if (std::optional<int> qtype = parse_sq(p, tok)) {
        return std::make_unique<IndexScalarQuantizer>(d, ScalarQuantizer::QuantizerType(*qtype),
                                                      metric);
    }
    for (const char* name : kUnimplementedCodecs) {
        if (starts_with(tok.text, name)) {
            p.unsupported(tok, std::string(name) + " indexes are not implemented");
        }
    }
    return nullptr;
}

}  // namespace faiss::factory
