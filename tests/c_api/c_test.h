#ifndef FAISS_C_TEST_H
#define FAISS_C_TEST_H

/*
 * A tiny test framework in plain C for the C API tests, plus seeded data and
 * double-precision references. A test case is a void function; CHECK* macros record
 * failures (with file and line) and the case goes on, so one run reports every broken
 * check. c_test_run() counts a case as passed when none of its checks failed.
 */

#include <faiss/c_api/Index_c.h>
#include <faiss/c_api/faiss_c.h>

#include <stdio.h>
#include <string.h>

void c_test_fail(const char* file, int line, const char* fmt, ...);
void c_test_run(const char* name, void (*fn)(void));
/** Cases run and failed so far. */
int c_test_cases_run(void);
int c_test_cases_failed(void);

/** 1 if the last error of this thread is non-null and contains part. */
int c_test_last_error_contains(const char* part);

/** Set this thread's last error to a sentinel message that no tested call produces... */
void c_test_arm_last_error(void);
/** ...and check that a call replaced it by a message containing part. */
int c_test_fresh_error_contains(const char* part);

#define CHECK(cond)                                                \
    do {                                                           \
        if (!(cond)) c_test_fail(__FILE__, __LINE__, "%s", #cond); \
    } while (0)

/* The call must succeed; otherwise print its status and the last error. */
#define CHECK_OK(call)                                                                     \
    do {                                                                                   \
        int c_test_status_ = (call);                                                       \
        if (c_test_status_ != 0)                                                           \
            c_test_fail(__FILE__, __LINE__, "%s returned %d: %s", #call, c_test_status_,   \
                        faiss_get_last_error() ? faiss_get_last_error() : "(no message)"); \
    } while (0)

/* The call must fail with status `code` and set a new last error that contains `part`. */
#define CHECK_FAIL(call, code, part)                                                       \
    do {                                                                                   \
        int c_test_status_;                                                                \
        c_test_arm_last_error();                                                           \
        c_test_status_ = (call);                                                           \
        if (c_test_status_ != (code))                                                      \
            c_test_fail(__FILE__, __LINE__, "%s returned %d, expected %d (%s)", #call,     \
                        c_test_status_, (int)(code),                                       \
                        faiss_get_last_error() ? faiss_get_last_error() : "no message");   \
        else if (!c_test_fresh_error_contains(part))                                       \
            c_test_fail(__FILE__, __LINE__, "%s: last error \"%s\" lacks \"%s\"", #call,   \
                        faiss_get_last_error() ? faiss_get_last_error() : "(null)", part); \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                               \
    do {                                                                                    \
        double c_test_a_ = (a), c_test_b_ = (b);                                            \
        double c_test_diff_ =                                                               \
            c_test_a_ > c_test_b_ ? c_test_a_ - c_test_b_ : c_test_b_ - c_test_a_;          \
        if (!(c_test_diff_ <= (tol)))                                                       \
            c_test_fail(__FILE__, __LINE__, "%s = %g, %s = %g, differ by more than %g", #a, \
                        c_test_a_, #b, c_test_b_, (double)(tol));                           \
    } while (0)

#define RUN(fn) c_test_run(#fn, fn)

/** n x d floats uniform in [0, 1), deterministic for seed. Free with free(). */
float* random_vectors(size_t n, size_t d, unsigned seed);

/** Distance of two vectors in double precision for a FaissMetricType. */
double ref_distance(const float* x, const float* y, size_t d, FaissMetricType metric, double p);

/**
 * Check a k-NN result (distances, labels: nq x k) of the queries xq against the nb
 * vectors xb by brute force in double precision: each row has the reference distances
 * in rank order, each label points to a vector at the reported distance, labels are
 * distinct, and missing results are padded (-1). ids[i], if ids is non-null, is the
 * label expected for xb vector i. Tolerance is relative to the distance scale.
 */
void check_knn(const float* xq, size_t nq, const float* xb, size_t nb, const idx_t* ids, size_t d,
               size_t k, FaissMetricType metric, double p, const float* distances,
               const idx_t* labels);

#endif
