// Dense linear algebra for the vector transforms, on LAPACK (faiss/internal/lapack.h).
#include <faiss/internal/checks.h>
#include <faiss/internal/lapack.h>

#include <algorithm>
#include <climits>
#include <cmath>

namespace faiss::internal {

namespace {

int as_int(size_t v, const char* what) {
    FAISS_REQUIRE(v <= size_t(INT_MAX), invalid_argument,
                  "%s = %zu is too large for LAPACK (at most %d)", what, v, INT_MAX);
    return int(v);
}

/// Flip the sign of v (len values) so that its largest-magnitude entry is positive:
/// eigenvectors are defined up to sign, this makes the choice reproducible.
void canonical_sign(double* v, size_t len) {
    size_t best = 0;
    for (size_t i = 1; i < len; i++)
        if (std::fabs(v[i]) > std::fabs(v[best])) best = i;
    if (v[best] < 0)
        for (size_t i = 0; i < len; i++)
            v[i] = -v[i];
}

}  // namespace

void symmetric_eigen(size_t d, std::vector<double>& a, std::vector<double>& eigenvalues) {
    FAISS_REQUIRE(a.size() == d * d, internal, "symmetric_eigen: matrix has %zu values, not %zu",
                  a.size(), d * d);
    eigenvalues.assign(d, 0.0);
    if (d == 0) return;
    const int n = as_int(d, "dimension");
    int info = 0, lwork = -1;
    double query = 0;
    // Row-major upper triangle == column-major lower triangle.
    dsyev_("V", "L", &n, a.data(), &n, eigenvalues.data(), &query, &lwork, &info);
    lwork = std::max(1, int(query));
    std::vector<double> work(static_cast<size_t>(lwork));
    dsyev_("V", "L", &n, a.data(), &n, eigenvalues.data(), work.data(), &lwork, &info);
    FAISS_REQUIRE(info == 0, internal, "dsyev failed (info = %d) on a %zu x %zu matrix", info, d,
                  d);
    // LAPACK gives ascending order with eigenvector j in column j, i.e. contiguous:
    // reverse both to get decreasing eigenvalues with eigenvector i in row i.
    for (size_t i = 0; i < d / 2; i++) {
        std::swap(eigenvalues[i], eigenvalues[d - 1 - i]);
        std::swap_ranges(a.begin() + i * d, a.begin() + (i + 1) * d, a.begin() + (d - 1 - i) * d);
    }
    for (size_t i = 0; i < d; i++)
        canonical_sign(a.data() + i * d, d);
}

void thin_svd(size_t r, size_t c, std::vector<double> a, std::vector<double>& U,
              std::vector<double>& s, std::vector<double>& V) {
    FAISS_REQUIRE(r >= 1 && c >= 1 && a.size() == r * c, internal,
                  "thin_svd: bad matrix %zu x %zu with %zu values", r, c, a.size());
    // LAPACK sees the transpose a^T (c x r) = U' S V'^T, hence a = V' S U'^T.
    const size_t k = std::min(r, c);
    const int m = as_int(c, "rows"), n = as_int(r, "columns"), ki = int(k);
    s.assign(k, 0.0);
    std::vector<double> u_t(c * k), vt_t(k * r);
    int info = 0, lwork = -1;
    double query = 0;
    dgesvd_("S", "S", &m, &n, a.data(), &m, s.data(), u_t.data(), &m, vt_t.data(), &ki, &query,
            &lwork, &info);
    lwork = std::max(1, int(query));
    std::vector<double> work(static_cast<size_t>(lwork));
    dgesvd_("S", "S", &m, &n, a.data(), &m, s.data(), u_t.data(), &m, vt_t.data(), &ki, work.data(),
            &lwork, &info);
    FAISS_REQUIRE(info == 0, internal, "dgesvd failed (info = %d) on a %zu x %zu matrix", info, r,
                  c);
    // vt_t is column-major k x r: element (j, i) at j + i * k, which is U(i, j) row-major.
    U = std::move(vt_t);
    // u_t is column-major c x k: column j (contiguous) is column j of V.
    V.assign(c * k, 0.0);
    for (size_t j = 0; j < k; j++)
        for (size_t i = 0; i < c; i++)
            V[i * k + j] = u_t[j * c + i];
}

void orthonormalize_rows(size_t r, size_t c, std::vector<double>& a) {
    FAISS_REQUIRE(r <= c, invalid_argument,
                  "cannot orthonormalise %zu rows of dimension %zu (more rows than columns)", r, c);
    FAISS_REQUIRE(a.size() == r * c, internal, "orthonormalize_rows: %zu values, not %zu", a.size(),
                  r * c);
    if (r == 0) return;
    // The rows are the columns of a column-major c x r matrix: QR of that matrix.
    const int m = as_int(c, "columns"), n = as_int(r, "rows");
    std::vector<double> tau(r);
    int info = 0, lwork = -1;
    double query = 0;
    dgeqrf_(&m, &n, a.data(), &m, tau.data(), &query, &lwork, &info);
    lwork = std::max(1, int(query));
    std::vector<double> work(static_cast<size_t>(lwork));
    dgeqrf_(&m, &n, a.data(), &m, tau.data(), work.data(), &lwork, &info);
    FAISS_REQUIRE(info == 0, internal, "dgeqrf failed (info = %d)", info);
    // Keep the signs of R's diagonal so that Q matches Gram-Schmidt (positive diagonal).
    std::vector<double> sign(r);
    for (size_t j = 0; j < r; j++)
        sign[j] = a[j * c + j] < 0 ? -1.0 : 1.0;
    lwork = -1;
    dorgqr_(&m, &n, &n, a.data(), &m, tau.data(), &query, &lwork, &info);
    lwork = std::max(1, int(query));
    work.assign(size_t(lwork), 0.0);
    dorgqr_(&m, &n, &n, a.data(), &m, tau.data(), work.data(), &lwork, &info);
    FAISS_REQUIRE(info == 0, internal, "dorgqr failed (info = %d)", info);
    for (size_t j = 0; j < r; j++)
        if (sign[j] < 0)
            for (size_t i = 0; i < c; i++)
                a[j * c + i] = -a[j * c + i];
}

}  // namespace faiss::internal
