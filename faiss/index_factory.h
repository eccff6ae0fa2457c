#pragma once

// index_factory: build an index from a short description string, as Faiss does
// ("IVF4096,PQ16", "IDMap,Flat", "IVF256,Flat,RFlat" ...), and reverse_index_factory,
// the description of an existing index.
//
// Grammar (read outside-in, as Faiss reads it; components are comma-separated):
//   IDMap2,X | X,IDMap2 | IDMap,X | X,IDMap      id wrappers (IndexIDMap2 / IndexIDMap)
//   X,RFlat | X,Refine(Y)                        IndexRefineFlat / IndexRefine
//   <transform>,X                                PCA<n>, PCAW<n>, PCAR<n>, PCAWR<n>,
//                                                OPQ<M>[_<n>], RR[<n>], L2norm
//   HNSW[<M>][(,|_)<codec>]                      graph index over Flat / SQ / PQ storage
//   IVF<n>[k|M][_HNSW<M> | (<quantizer>)],<codec> with codec Flat, PQ<M>[x<nbits>][np],
//                                                SQ4, SQ6, SQ8, SQfp16, SQbf16, SQ8_direct,
//                                                SQ8_direct_signed
//   Flat | PQ<M>[x<nbits>][np] | SQ<type>        stand-alone codecs
// As Faiss, PQ without "np" (stand-alone or as IVF codec) turns on polysemous training
// (do_polysemous_training; with nbits = 16 its training then fails for lack of memory,
// as in Faiss: use "np"). Differences from Faiss: HNSW over PQ
// storage with a metric other than L2 throws (Faiss silently builds an L2 index). Families
// the library lacks (fast-scan, LSH, RQ, NSG ...) throw FaissException (unsupported).
//
// Thread safety: both functions are reentrant.

#include <faiss/Index.h>

#include <string>

namespace faiss {

/// A new, untrained index for d-dimensional vectors, as described. The caller owns it.
/// @throws FaissException: invalid_argument for a malformed description (the message
///         names the token, its character position and what was expected, e.g.
///         "'PQ15' at position 5: 15 does not divide d=128"), unsupported for valid Faiss
///         syntax this library cannot build, invalid_argument for d <= 0 or a null string.
Index* index_factory(int d, const char* description, MetricType metric = METRIC_L2);

/// The factory string that builds an index of the same structure and parameters as
/// index: index_factory(index->d, reverse_index_factory(index), index->metric_type) gives
/// the same types, list counts and codecs (not the trained content).
/// @throws FaissException (unsupported) for an index type or parameter no string selects,
///         (invalid_argument) for a null index.
std::string reverse_index_factory(const Index* index);

}  // namespace faiss
