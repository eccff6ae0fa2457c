// Progress reports of long operations (faiss/utils/progress.h) to a Python callable:
//
//   faiss.set_progress_callback(fn)      fn(operation, done, total, depth), e.g.
//                                        fn("Clustering::train", 3, 25, 1); None removes it
//   faiss.has_progress_callback()
//
// fn runs on the thread that called train() / add(), with the GIL taken for the call
// only (the library runs without it), at most about a thousand times per operation. An
// exception raised by fn stops the operation and is raised unchanged by the train() /
// add() call (KeyboardInterrupt included: Ctrl-C during training then interrupts at the
// next report).

%{
#include <faiss/utils/progress.h>

static PyObject* faiss_py_set_progress_callback(PyObject* fn) {
    if (fn == Py_None) {
        faiss::set_progress_callback(nullptr);
        Py_RETURN_NONE;
    }
    if (!PyCallable_Check(fn)) {
        PyErr_Format(PyExc_TypeError,
                     "set_progress_callback: expected a callable or None, got %s",
                     Py_TYPE(fn)->tp_name);
        return nullptr;
    }
    Py_INCREF(fn);
    std::shared_ptr<PyObject> held = faiss_py_own(fn);
    faiss::set_progress_callback([held](const faiss::ProgressEvent& e) {
        PyGILState_STATE gil = PyGILState_Ensure();
        PyObject* r = PyObject_CallFunction(held.get(), "snni", e.operation, Py_ssize_t(e.done),
                                            Py_ssize_t(e.total), e.depth);
        if (!r) {
            FaissPyCallbackError error;  // takes the raised exception
            PyGILState_Release(gil);
            throw error;
        }
        Py_DECREF(r);
        PyGILState_Release(gil);
    });
    Py_RETURN_NONE;
}

static bool faiss_py_has_progress_callback() {
    return faiss::has_progress_callback();
}
%}

FAISS_PY_KEEP_GIL(faiss_py_set_progress_callback)
FAISS_PY_KEEP_GIL(faiss_py_has_progress_callback)
%rename(set_progress_callback) faiss_py_set_progress_callback;
%rename(has_progress_callback) faiss_py_has_progress_callback;
PyObject* faiss_py_set_progress_callback(PyObject* fn);
bool faiss_py_has_progress_callback();
