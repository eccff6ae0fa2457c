/* The test framework and reference helpers declared in c_test.h. */
#include "c_test.h"

#include <faiss/c_api/IDSelector_c.h>

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

static int cases_run = 0;
static int cases_failed = 0;
static int current_failures = 0;
static const char* current_case = "";

void c_test_fail(const char* file, int line, const char* fmt, ...) {
    va_list args;
    current_failures++;
    fprintf(stderr, "FAIL [%s] %s:%d: ", current_case, file, line);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
}

void c_test_run(const char* name, void (*fn)(void)) {
    current_case = name;
    current_failures = 0;
    fn();
    cases_run++;
    if (current_failures > 0) {
        cases_failed++;
        printf("[  FAILED  ] %s (%d checks failed)\n", name, current_failures);
    } else {
        printf("[       OK ] %s\n", name);
    }
    fflush(stdout);
}

int c_test_cases_run(void) {
    return cases_run;
}

int c_test_cases_failed(void) {
    return cases_failed;
}

int c_test_last_error_contains(const char* part) {
    const char* msg = faiss_get_last_error();
    return msg != NULL && strstr(msg, part) != NULL;
}

/* A value getter on a null handle sets the message and returns no status, so no
 * CHECK_FAIL call can leave this exact text behind. */
static const char sentinel[] = "Error in faiss_IDSelectorBitmap_n: sel is null";

void c_test_arm_last_error(void) {
    const char* msg;
    faiss_IDSelectorBitmap_n(NULL);
    msg = faiss_get_last_error();
    if (!msg || strcmp(msg, sentinel) != 0)
        c_test_fail(__FILE__, __LINE__, "cannot arm the last error: \"%s\"", msg ? msg : "(null)");
}

int c_test_fresh_error_contains(const char* part) {
    const char* msg = faiss_get_last_error();
    return msg != NULL && strcmp(msg, sentinel) != 0 && strstr(msg, part) != NULL;
}

/* xorshift32: the data must not depend on the C library's rand(). */
float* random_vectors(size_t n, size_t d, unsigned seed) {
    float* x = (float*)malloc((n * d > 0 ? n * d : 1) * sizeof(float));
    unsigned state = seed * 2654435761u + 1u;
    size_t i;
    for (i = 0; i < n * d; i++) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        x[i] = (float)((state >> 8) * (1.0 / 16777216.0));
    }
    return x;
}

double ref_distance(const float* x, const float* y, size_t d, FaissMetricType metric, double p) {
    double acc = 0;
    size_t j;
    for (j = 0; j < d; j++) {
        double a = x[j], b = y[j], diff = fabs(a - b);
        switch (metric) {
            case METRIC_INNER_PRODUCT:
                acc += a * b;
                break;
            case METRIC_L2:
                acc += diff * diff;
                break;
            case METRIC_L1:
                acc += diff;
                break;
            case METRIC_Linf:
                acc = diff > acc ? diff : acc;
                break;
            case METRIC_Lp:
                acc += pow(diff, p);
                break;
        }
    }
    return acc;
}

static int better(FaissMetricType metric, double a, double b) {
    return metric == METRIC_INNER_PRODUCT ? a > b : a < b;
}

/* Reference distances of one query in rank order (k best, the rest +-inf). */
static void ref_row(const float* q, const float* xb, size_t nb, size_t d, size_t k,
                    FaissMetricType metric, double p, double* best) {
    const double worst = metric == METRIC_INNER_PRODUCT ? -INFINITY : INFINITY;
    size_t i, j;
    for (j = 0; j < k; j++)
        best[j] = worst;
    for (i = 0; i < nb; i++) {
        double dist = ref_distance(q, xb + i * d, d, metric, p);
        if (!better(metric, dist, best[k - 1])) continue;
        for (j = k - 1; j > 0 && better(metric, dist, best[j - 1]); j--)
            best[j] = best[j - 1];
        best[j] = dist;
    }
}

static long position_of(idx_t label, const idx_t* ids, size_t nb) {
    size_t i;
    if (!ids) return label >= 0 && (size_t)label < nb ? (long)label : -1;
    for (i = 0; i < nb; i++)
        if (ids[i] == label) return (long)i;
    return -1;
}

static void check_row(const float* q, const float* xb, size_t nb, const idx_t* ids, size_t d,
                      size_t k, FaissMetricType metric, double p, const float* dist,
                      const idx_t* lab, const double* best, size_t row) {
    size_t j, jj;
    for (j = 0; j < k; j++) {
        double tol = 1e-4 * (1.0 + fabs(best[j]));
        if (isinf(best[j])) {
            if (lab[j] != -1 || !isinf(dist[j]) || (dist[j] > 0) != (best[j] > 0))
                c_test_fail(__FILE__, __LINE__, "row %zu rank %zu: expected padding, got %lld %g",
                            row, j, (long long)lab[j], dist[j]);
            continue;
        }
        if (fabs(dist[j] - best[j]) > tol) {
            c_test_fail(__FILE__, __LINE__, "row %zu rank %zu: distance %g, reference %g", row, j,
                        dist[j], best[j]);
            continue;
        }
        {
            long pos = position_of(lab[j], ids, nb);
            if (pos < 0) {
                c_test_fail(__FILE__, __LINE__, "row %zu rank %zu: unknown label %lld", row, j,
                            (long long)lab[j]);
                continue;
            }
            if (fabs(ref_distance(q, xb + (size_t)pos * d, d, metric, p) - dist[j]) > tol)
                c_test_fail(__FILE__, __LINE__, "row %zu rank %zu: label %lld is not at %g", row, j,
                            (long long)lab[j], dist[j]);
        }
        for (jj = 0; jj < j; jj++)
            if (lab[jj] == lab[j])
                c_test_fail(__FILE__, __LINE__, "row %zu: label %lld twice", row,
                            (long long)lab[j]);
    }
}

void check_knn(const float* xq, size_t nq, const float* xb, size_t nb, const idx_t* ids, size_t d,
               size_t k, FaissMetricType metric, double p, const float* distances,
               const idx_t* labels) {
    double* best = (double*)malloc(k * sizeof(double));
    size_t i;
    for (i = 0; i < nq; i++) {
        ref_row(xq + i * d, xb, nb, d, k, metric, p, best);
        check_row(xq + i * d, xb, nb, ids, d, k, metric, p, distances + i * k, labels + i * k, best,
                  i);
    }
    free(best);
}
