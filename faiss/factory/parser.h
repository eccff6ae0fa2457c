#pragma once

// Private machinery of index_factory (faiss/index_factory.h): the description is cut
// into top-level comma-separated tokens that remember their character position, and a
// list of rules, one per index family, each recognises the shape it owns and builds it.
// Never installed.

#include <faiss/FaissException.h>
#include <faiss/Index.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace faiss::factory {

/// One comma-separated piece of a description; pos is its offset in the full string.
struct Token {
    std::string text;
    size_t pos = 0;
};

using Tokens = std::vector<Token>;

/// The whole description being parsed; used to build error messages and to recurse.
class Parser {
  public:
    explicit Parser(const std::string& description) : description_(description) {}

    /// Split text (found at offset in the full description) into top-level tokens.
    /// Commas inside parentheses do not split. @throws on unbalanced parentheses and
    /// empty tokens.
    Tokens tokenize(const std::string& text, size_t offset) const;

    /// Build the index described by toks for vectors of dimension d. Tries each family
    /// rule in Faiss's order (ID wrappers, refinement, transforms, graph, IVF, codecs).
    std::unique_ptr<Index> build(int d, const Tokens& toks, MetricType metric) const;

    /// Build the description held inside the parentheses of tok, opening at index open.
    std::unique_ptr<Index> build_inner(int d, const Token& tok, size_t open,
                                       MetricType metric) const;

    /// Throw a FaissException naming the description, the token and its position.
    [[noreturn]] void fail(const Token& tok, ErrorCode code, const std::string& what) const;

    /// Throw "unsupported": tok is valid Faiss syntax that this library cannot build yet.
    [[noreturn]] void unsupported(const Token& tok, const std::string& why) const;

  private:
    const std::string& description_;
};

/// A family rule: builds the index if toks has the shape the rule owns, returns nullptr
/// if not; throws through Parser::fail when the shape is its own but malformed.
using Rule = std::unique_ptr<Index> (*)(const Parser& p, int d, const Tokens& toks,
                                        MetricType metric);

std::unique_ptr<Index> id_map_rule(const Parser&, int, const Tokens&, MetricType);
std::unique_ptr<Index> refine_rule(const Parser&, int, const Tokens&, MetricType);
std::unique_ptr<Index> transform_rule(const Parser&, int, const Tokens&, MetricType);
std::unique_ptr<Index> hnsw_rule(const Parser&, int, const Tokens&, MetricType);
std::unique_ptr<Index> ivf_rule(const Parser&, int, const Tokens&, MetricType);
std::unique_ptr<Index> codec_rule(const Parser&, int, const Tokens&, MetricType);

// ---- token helpers shared by the rules ----

/// True if s starts with prefix.
bool starts_with(const std::string& s, const std::string& prefix);

/// Reads the decimal digits of s starting at i (advancing i); nullopt if there are none.
/// @throws through p.fail if the number does not fit in 32 bits.
std::optional<size_t> read_number(const Parser& p, const Token& tok, size_t& i);

/// Product-quantizer codec "PQ<M>[x<nbits>][np]".
struct PQSpec {
    size_t M = 0;
    size_t nbits = 8;
};

/// Parses tok as a PQ codec for dimension d; nullopt if tok does not start with "PQ"
/// followed by a digit. @throws for bad M / nbits, M not dividing d, fast-scan forms.
std::optional<PQSpec> parse_pq(const Parser& p, const Token& tok, int d);

/// Parses tok as a scalar-quantizer codec ("SQ8", "SQfp16" ...) and returns the
/// ScalarQuantizer::QuantizerType value; nullopt if tok does not start with "SQ".
/// @throws for an unknown SQ name.
std::optional<int> parse_sq(const Parser& p, const Token& tok);

/// IndexHNSWFlat(d, M, metric): "HNSW<M>" and the coarse quantizer of "IVF<n>_HNSW<M>".
std::unique_ptr<Index> make_hnsw_flat(int d, size_t M, MetricType metric);

/// Demangled class name of the dynamic type of index ("faiss::IndexFlat"), for messages.
std::string index_type_name(const Index& index);

/// Factory name of a scalar-quantizer type ("SQ8" ...); empty if no string selects it.
std::string sq_name(int qtype);

}  // namespace faiss::factory
