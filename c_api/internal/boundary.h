#pragma once

// The C/C++ boundary: every C API function body runs inside Boundary::run (status
// functions) or Boundary::get (value getters), which catch every exception, store its
// message as the thread's last error and turn it into a FaissErrorCode. Private: never
// installed.

#include "../faiss_c.h"

#include <string>
#include <type_traits>

namespace faiss_c {

/// Map the exception being handled (call only inside a catch block) to a status, after
/// recording its message.
int status_of_current_exception() noexcept;

/// Throw the library's invalid_argument error, "Error in <func>: <text>": the caller's
/// mistake, so the message names the C function rather than a source location.
[[noreturn]] void throw_invalid_argument(const char* func, const std::string& text);

/// T, const-qualified when H is.
template <class T, class H>
using same_const_t = std::conditional_t<std::is_const_v<H>, const T, T>;

/// One C API call: the function name (for messages) and the exception barrier.
class Boundary {
  public:
    explicit Boundary(const char* func) : func_(func) {}

    /// Run body; 0 if it returns normally, the error status if it throws.
    template <class Body>
    int run(Body&& body) const noexcept {
        try {
            body();
            return OK;
        } catch (...) {
            return status_of_current_exception();
        }
    }

    /// Return body's value, or `fallback` (with the last error set) if it throws.
    template <class T, class Body>
    T get(T fallback, Body&& body) const noexcept {
        try {
            return body();
        } catch (...) {
            status_of_current_exception();
            return fallback;
        }
    }

    /// p itself; throws invalid_argument naming `what` if it is null.
    template <class T>
    T* need(T* p, const char* what) const {
        if (!p) throw_invalid_argument(func_, std::string(what) + " is null");
        return p;
    }

    /// The C++ object behind a non-null handle of C type H, as a Cpp (const if H is).
    template <class Cpp, class H>
    same_const_t<Cpp, H>* obj(H* handle, const char* what) const {
        return reinterpret_cast<same_const_t<Cpp, H>*>(need(handle, what));
    }

    /// The object behind a handle made from a Base, checked to be a Derived.
    template <class Derived, class Base, class H>
    same_const_t<Derived, H>* typed(H* handle, const char* what, const char* expected) const {
        auto* derived = dynamic_cast<same_const_t<Derived, H>*>(obj<Base>(handle, what));
        if (!derived) throw_invalid_argument(func_, std::string(what) + " is not " + expected);
        return derived;
    }

    /// Throws invalid_argument with `text` unless cond holds.
    void require(bool cond, const std::string& text) const {
        if (!cond) throw_invalid_argument(func_, text);
    }

  private:
    const char* func_;
};

/// The opaque handle of C type H for a C++ object, always made from the Base pointer
/// (handles of one C type must all point at the same base class subobject).
template <class H, class Base>
H* handle_of(Base* object) {
    return reinterpret_cast<H*>(object);
}

}  // namespace faiss_c
