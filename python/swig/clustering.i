// k-means. The C++ faiss::Kmeans is not wrapped: Python's faiss.Kmeans is a class of the
// package (extra_wrappers.py) built on Clustering, as in Faiss.

%ignore faiss::Kmeans;

namespace faiss {
struct ClusteringIterationStats;
}
%template(ClusteringIterationStatsVector) std::vector<faiss::ClusteringIterationStats>;

%include <faiss/Clustering.h>


// Product quantizer and IndexPQ: here rather than in indexes.i because the quantizer
// holds a ClusteringParameters, which SWIG must have seen first.
%include <faiss/quantizers/ProductQuantizer.h>
%include <faiss/IndexPQ.h>
