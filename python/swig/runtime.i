// Every wrapped C++ call runs with the GIL released, so searches from several Python
// threads run in parallel, and C++ exceptions become Python exceptions carrying the C++
// message: FaissException and any other std::exception -> RuntimeError (as Faiss does),
// std::bad_alloc -> MemoryError; an exception raised by a Python callback the call ran
// (progress callback) is raised again unchanged.
//
// Argument conversion ("in" typemaps) and result conversion ("out" typemaps) happen
// outside $action, with the GIL held; only the C++ call itself runs without it.
// Functions that touch Python objects inside the call (swig_ptr ...) opt out below.

%{
#include <memory>
#include <new>
#include <stdexcept>

// A reference to a Python object that may be dropped on any thread, with or without the
// GIL: the last owner takes the GIL to release it (nothing once the interpreter is gone).
static std::shared_ptr<PyObject> faiss_py_own(PyObject* steal) {
    return std::shared_ptr<PyObject>(steal, [](PyObject* o) {
        if (!o || !Py_IsInitialized()) return;
        PyGILState_STATE gil = PyGILState_Ensure();
        Py_DECREF(o);
        PyGILState_Release(gil);
    });
}

// Thrown through the library by a C++ -> Python callback (swig/progress.i) whose Python
// code raised: carries that Python exception, which the wrapped call then raises as is
// (a KeyboardInterrupt stays a KeyboardInterrupt). Made with the GIL held.
struct FaissPyCallbackError : std::exception {
    FaissPyCallbackError() {
        PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
        PyErr_Fetch(&type, &value, &traceback);
        type_ = faiss_py_own(type);
        value_ = faiss_py_own(value);
        traceback_ = faiss_py_own(traceback);
    }
    const char* what() const noexcept override { return "a Python callback raised an exception"; }
    // Sets the Python error to the carried exception. Called with the GIL held.
    void restore() const {
        PyObject *type = type_.get(), *value = value_.get(), *traceback = traceback_.get();
        Py_XINCREF(type);
        Py_XINCREF(value);
        Py_XINCREF(traceback);
        PyErr_Restore(type, value, traceback);
    }
    std::shared_ptr<PyObject> type_, value_, traceback_;
};

// Set the Python error for the exception being handled. Called with the GIL held.
static void faiss_py_set_error_from_current_exception() {
    try {
        throw;
    } catch (const FaissPyCallbackError& e) {
        e.restore();
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
