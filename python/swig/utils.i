// Free functions: distances and exact k-NN, random arrays, fp16/bf16 conversions, the
// SIMD level, OpenMP thread count, and the 16-bit input entry points of the bindings.

%ignore faiss::RandomGenerator::mt;
%ignore faiss::fp16_detail::float_bits;
%ignore faiss::fp16_detail::bits_float;
%ignore faiss::fp16_detail::round_nearest_even;

%include <faiss/utils/distances.h>
%include <faiss/utils/random.h>
%include <faiss/utils/fp16.h>
%include <faiss/simd/simd_level.h>
%include <faiss/utils/utils.h>

// OpenMP's thread count for later parallel regions of the calling thread (OpenMP keeps
// this setting per thread).
int omp_get_max_threads();
void omp_set_num_threads(int num_threads);

%include "swig/python_support.h"

// Version of the library the module was built with, e.g. "0.1.0" (faiss.__version__).
%constant const char* FAISS_VERSION_STRING = FAISS_PY_VERSION;
