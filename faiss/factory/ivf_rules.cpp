// Factory rule for inverted-file indexes, "<coarse>,<codec>":
//   coarse  IVF<nlist>[k|M]            flat coarse quantizer (k = x1024, M = x1024^2)
//           IVF<nlist>_HNSW<M>         HNSW-flat coarse quantizer
//           IVF<nlist>(<description>)  any factory-built coarse quantizer
//   codec   Flat | PQ<M>[x<nbits>][np] | SQ4, SQ6, SQ8, SQfp16, SQbf16, SQ8_direct ...
#include <faiss/factory/parser.h>

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexIVFScalarQuantizer.h>

namespace faiss::factory {

namespace {

struct Coarse {
    std::unique_ptr<Index> quantizer;
    size_t nlist = 0;
    char trains_alone = 0;
};

// nlist with its optional k / M multiplier; i is left after it.
size_t read_nlist(const Parser& p, const Token& tok, size_t& i) {
    size_t nlist = *read_number(p, tok, i);
    if (i < tok.text.size() && tok.text[i] == 'k') {
        nlist *= 1024;
        i++;
    } else if (i < tok.text.size() && tok.text[i] == 'M') {
        nlist *= 1024 * 1024;
        i++;
    }
    if (nlist == 0) p.fail(tok, ErrorCode::invalid_argument, "nlist must be > 0");
    return nlist;
}

Coarse parse_coarse(const Parser& p, const Token& tok, int d, MetricType metric) {
    size_t i = 3;
    Coarse c;
    c.nlist = read_nlist(p, tok, i);
    const std::string rest = tok.text.substr(i);
    if (rest.empty()) {
        c.quantizer = std::make_unique<IndexFlat>(d, metric);
    } else if (starts_with(rest, "_HNSW")) {
        size_t j = i + 5;
        std::optional<size_t> M = read_number(p, tok, j);
        if (j != tok.text.size()) {
            p.fail(tok, ErrorCode::invalid_argument, "expected IVF<nlist>_HNSW<M> with M a number");
        }
        c.quantizer = make_hnsw_flat(d, M.value_or(32), metric);
        c.trains_alone = 2;
    } else if (rest[0] == '(') {
        c.quantizer = p.build_inner(d, tok, i, metric);
        c.trains_alone = 2;  // as Faiss: k-means on a flat index, centroids added after
        if (c.quantizer->d != d) {
            p.fail(tok, ErrorCode::invalid_argument, "the coarse quantizer must keep d");
        }
    } else if (starts_with(rest, "_NSG")) {
        p.unsupported(tok, "NSG coarse quantizers are not implemented");
    } else {
        p.fail(tok, ErrorCode::invalid_argument,
               "unexpected '" + rest +
                   "' after the list count: expected IVF<nlist>[k|M], "
                   "IVF<nlist>_HNSW<M> or IVF<nlist>(<quantizer>)");
    }
    return c;
}

std::unique_ptr<IndexIVF> make_ivf(const Parser& p, const Token& tok, Coarse& c, int d,
                                   MetricType metric) {
    Index* q = c.quantizer.get();
    if (tok.text == "Flat") return std::make_unique<IndexIVFFlat>(q, d, c.nlist, metric);
    if (tok.text.find('+') != std::string::npos && starts_with(tok.text, "PQ")) {
        p.unsupported(tok, "IndexIVFPQR (PQ<M>+<M2>) is not implemented");
    }
    if (std::optional<PQSpec> pq = parse_pq(p, tok, d)) {
        auto index = std::make_unique<IndexIVFPQ>(q, d, c.nlist, pq->M, pq->nbits, metric);
        // As Faiss: polysemous training is on unless "np".
        index->do_polysemous_training =
            tok.text.size() < 2 || tok.text.compare(tok.text.size() - 2, 2, "np") != 0;
        return index;
    }
    if (std::optional<int> qtype = parse_sq(p, tok)) {
        return std::make_unique<IndexIVFScalarQuantizer>(
            q, d, c.nlist, ScalarQuantizer::QuantizerType(*qtype), metric, true);
    }
    if (tok.text == "FlatDedup") {
        p.unsupported(tok, "IndexIVFFlatDedup is not implemented");
    }
    p.fail(tok, ErrorCode::invalid_argument,
           "unknown IVF codec: expected Flat, PQ<M>[x<nbits>][np] or SQ<type> (SQ4, SQ6, "
           "SQ8, SQfp16, SQbf16, SQ8_direct)");
}

}  // namespace

std::unique_ptr<Index> ivf_rule(const Parser& p, int d, const Tokens& toks, MetricType metric) {
    const Token& first = toks.front();
    size_t i = 3;
    if (!starts_with(first.text, "IVF") || !read_number(p, first, i)) return nullptr;
    if (toks.size() == 1) {
        p.fail(first, ErrorCode::invalid_argument,
               "an IVF index needs a codec: expected \"" + first.text +
                   ",Flat\", \",PQ<M>\" or \",SQ8\" after it");
    }
    if (toks.size() > 2) {
        p.fail(toks[2], ErrorCode::invalid_argument,
               "unexpected token after the IVF codec: expected the end of the description, "
               "RFlat, Refine(...) or IDMap");
    }
    Coarse c = parse_coarse(p, first, d, metric);
    std::unique_ptr<IndexIVF> index = make_ivf(p, toks[1], c, d, metric);
    c.quantizer.release();
    index->own_fields = true;
    index->quantizer_trains_alone = c.trains_alone;
    // Faiss trains inner-product coarse quantizers with spherical k-means.
    if (metric == METRIC_INNER_PRODUCT) index->cp.spherical = true;
    return index;
}

}  // namespace faiss::factory
