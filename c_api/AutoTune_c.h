#pragma once

/*
 * ParameterSpace from C: set search parameters by name over nested indexes
 * ("nprobe=16,k_factor_rf=4", quantizer_* for an IVF's coarse quantizer), list the
 * tunable ranges of an index and its combinations. See <faiss/AutoTune.h>.
 * Thread safety: setting parameters modifies the index (no concurrent searches on it).
 */

#include "Index_c.h"
#include "faiss_c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FaissParameterSpace_H FaissParameterSpace;
typedef struct FaissParameterRange_H FaissParameterRange;

/** Name of a range (owned by the range); NULL for a null handle. */
const char* faiss_ParameterRange_name(const FaissParameterRange* range);
/** Its values: *p_values points into the range (valid until the range changes). */
void faiss_ParameterRange_values(FaissParameterRange* range, double** p_values, size_t* p_size);

/** A new, empty ParameterSpace; free with faiss_ParameterSpace_free. */
int faiss_ParameterSpace_new(FaissParameterSpace** p_space);
void faiss_ParameterSpace_free(FaissParameterSpace* space);

/** Replace the ranges by the tunable parameters of index. */
int faiss_ParameterSpace_initialize(FaissParameterSpace* space, const FaissIndex* index);

/** Number of combinations of the ranges (0 for a null handle). */
size_t faiss_ParameterSpace_n_combinations(const FaissParameterSpace* space);

/** "name=value,..." of combination cno into buf (size bytes, NUL-terminated). */
int faiss_ParameterSpace_combination_name(const FaissParameterSpace* space, size_t cno, char* buf,
                                          size_t size);

/** Apply "name=value,name=value" to index. */
int faiss_ParameterSpace_set_index_parameters(const FaissParameterSpace* space, FaissIndex* index,
                                              const char* params);

/** Apply combination cno to index. */
int faiss_ParameterSpace_set_index_parameters_cno(const FaissParameterSpace* space,
                                                  FaissIndex* index, size_t cno);

/** Set one parameter; an unknown name fails with FAISS_ERROR_INVALID_ARGUMENT. */
int faiss_ParameterSpace_set_index_parameter(const FaissParameterSpace* space, FaissIndex* index,
                                             const char* name, double value);

/** Print the ranges to stdout. */
void faiss_ParameterSpace_display(const FaissParameterSpace* space);

/** The range called name (created empty if absent) into *p_range, owned by space and
 * valid until the next add_range or initialize on it. */
int faiss_ParameterSpace_add_range(FaissParameterSpace* space, const char* name,
                                   FaissParameterRange** p_range);

#ifdef __cplusplus
}
#endif
