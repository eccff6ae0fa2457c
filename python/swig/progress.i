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
//
// Ctrl-C: at import the module installs a faiss::InterruptCallback that, on the thread
// that imported faiss (the main thread, where Python handles signals), runs Python's
// pending signal handlers at most every 0.1 s at the report points of train() / add():
// Ctrl-C then stops them with KeyboardInterrupt, with or without a progress callback.
// faiss.InterruptCallback.clear_instance() removes it.

%{
#include <faiss/utils/progress.h>

#include <chrono>
#include <thread>

struct FaissPyInterruptCallback : faiss::InterruptCallback {
    bool want_interrupt() override {
        if (std::this_thread::get_id() != main_thread || !Py_IsInitialized()) return false;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_check < std::chrono::milliseconds(100)) return false;
        last_check = now;
        PyGILState_STATE gil = PyGILState_Ensure();
        if (PyErr_CheckSignals() == 0) {
            PyGILState_Release(gil);
            return false;
        }
        FaissPyCallbackError error;  // takes the raised exception (KeyboardInterrupt)
        PyGILState_Release(gil);
        throw error;
    }
    std::thread::id main_thread = std::this_thread::get_id();
    std::chrono::steady_clock::time_point last_check{};
};

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

%init %{
    {
        std::lock_guard<std::mutex> guard(faiss::InterruptCallback::lock);
        faiss::InterruptCallback::instance.reset(new FaissPyInterruptCallback());
    }
%}

// Faiss's static methods; the class itself cannot be subclassed from Python.
%nodefaultctor faiss::InterruptCallback;
namespace faiss {
struct InterruptCallback {
    static void clear_instance();
    static void check();
    static bool is_interrupted();
    static size_t get_period_hint(size_t flops);
};
}

FAISS_PY_KEEP_GIL(faiss_py_set_progress_callback)
FAISS_PY_KEEP_GIL(faiss_py_has_progress_callback)
%rename(set_progress_callback) faiss_py_set_progress_callback;
%rename(has_progress_callback) faiss_py_has_progress_callback;
PyObject* faiss_py_set_progress_callback(PyObject* fn);
bool faiss_py_has_progress_callback();
