// k-means. The C++ faiss::Kmeans is not wrapped: Python's faiss.Kmeans is a class of the
// package (extra_wrappers.py) built on Clustering, as in Faiss.

%ignore faiss::Kmeans;

namespace faiss {
struct ClusteringIterationStats;
}
%template(ClusteringIterationStatsVector) std::vector<faiss::ClusteringIterationStats>;

%include <faiss/Clustering.h>
