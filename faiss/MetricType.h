#pragma once

// Distance measures understood by the indexes. The numeric values are those of Faiss:
// they are written into index files, so they must never change.

namespace faiss {

enum MetricType {
    METRIC_INNER_PRODUCT = 0,  ///< maximum inner product (cosine after L2-normalising)
    METRIC_L2 = 1,             ///< squared Euclidean distance, as in Faiss
    METRIC_L1 = 2,             ///< sum of absolute differences (Flat only)
    METRIC_Linf = 3,           ///< max absolute difference (Flat only)
    METRIC_Lp = 4,             ///< (sum |x_i - y_i|^p) with p = metric_arg, no root (Flat only)
};

/// True when larger values mean closer (results sorted by decreasing value).
inline bool is_similarity_metric(MetricType metric) {
    return metric == METRIC_INNER_PRODUCT;
}

/// Human-readable metric name, e.g. "L2", for messages.
const char* metric_name(MetricType metric);

/// True for the values above; used to reject corrupt or unknown metric codes.
bool is_known_metric(int metric);

}  // namespace faiss
