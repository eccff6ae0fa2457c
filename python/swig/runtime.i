// Every wrapped C++ call runs with the GIL released, so searches from several Python
// threads run in parallel, and C++ exceptions become Python exceptions carrying the C++
// message: FaissException and any other std::exception -> RuntimeError (as Faiss does),
// std::bad_alloc -> MemoryError.
//
// Argument conversion ("in" typemaps) and result conversion ("out" typemaps) happen
// outside $action, with the GIL held; only the C++ call itself runs without it.
// Functions that touch Python objects inside the call (swig_ptr ...) opt out below.

%{
#include <new>
#include <stdexcept>

// Set the Python error for the exception being handled. Called with the GIL held.
static void faiss_py_set_error_from_current_exception() {
    try {
        throw;
    } catch (const std::bad_alloc& e) {
        PyErr_SetString(PyExc_MemoryError, e.what());
    } catch (const faiss::FaissException& e) {
        PyErr_SetString(PyExc_RuntimeError, e.what());
    } catch (const std::exception& e) {
        PyErr_SetString(PyExc_RuntimeError, e.what());
    } catch (...) {
        PyErr_SetString(PyExc_RuntimeError, "unknown C++ exception");
    }
}
%}

%exception {
    PyThreadState* faiss_py_saved_state = PyEval_SaveThread();
    try {
        $action
    } catch (...) {
        PyEval_RestoreThread(faiss_py_saved_state);
        faiss_py_set_error_from_current_exception();
        SWIG_fail;
    }
    PyEval_RestoreThread(faiss_py_saved_state);
}

// Calls that create or inspect Python objects keep the GIL.
%define FAISS_PY_KEEP_GIL(name)
%exception name {
    try {
        $action
    } catch (...) {
        faiss_py_set_error_from_current_exception();
        SWIG_fail;
    }
}
%enddef

// Cheap calls keep the GIL too: releasing it costs more than they do, and a thread that
// gives the GIL away may wait a full switch interval to get it back.
FAISS_PY_KEEP_GIL(size)
FAISS_PY_KEEP_GIL(at)
FAISS_PY_KEEP_GIL(data)
FAISS_PY_KEEP_GIL(push_back)
FAISS_PY_KEEP_GIL(is_member)
FAISS_PY_KEEP_GIL(sa_code_size)
FAISS_PY_KEEP_GIL(downcast_index)
FAISS_PY_KEEP_GIL(metric_name)
FAISS_PY_KEEP_GIL(is_known_metric)
FAISS_PY_KEEP_GIL(get_simd_level)
FAISS_PY_KEEP_GIL(max_supported_simd_level)
FAISS_PY_KEEP_GIL(simd_level_name)
FAISS_PY_KEEP_GIL(omp_get_max_threads)
FAISS_PY_KEEP_GIL(omp_set_num_threads)
FAISS_PY_KEEP_GIL(encode_fp16)
FAISS_PY_KEEP_GIL(decode_fp16)
FAISS_PY_KEEP_GIL(encode_bf16)
FAISS_PY_KEEP_GIL(decode_bf16)
FAISS_PY_KEEP_GIL(float16_block_rows)
