// Raw memory between numpy and C++:
//   swig_ptr(array)        the data pointer of a C-contiguous numpy array as a typed SWIG
//                          pointer (float32 -> float*, int64 -> int64_t* ...), to call
//                          the pointer API directly. No copy; the array must stay alive.
//   rev_swig_ptr(ptr, n)   a numpy array viewing n elements at ptr. No copy; the memory
//                          must outlive the array.
//   std::vector<T>         minimal proxies (Float32Vector, Int64Vector, UInt8Vector ...)
//                          for vector fields such as IndexFlat.codes or IndexIDMap.id_map;
//                          faiss.vector_to_array / copy_array_to_vector convert them.

%types(float*, double*, signed char*, unsigned char*, short*, unsigned short*, int*,
       unsigned int*, long*, unsigned long*, bool*, size_t*);

%{
// SWIG type of a pointer to the elements of a numpy array, or null when the element type
// has no C counterpart here.
static swig_type_info* faiss_py_pointer_type(PyArrayObject* array) {
    const int size = int(PyArray_ITEMSIZE(array));
    switch (PyArray_DESCR(array)->kind) {
        case 'f':
            if (size == 4) return SWIGTYPE_p_float;
            if (size == 8) return SWIGTYPE_p_double;
            if (size == 2) return SWIGTYPE_p_unsigned_short;  // fp16 bits
            return nullptr;
        case 'i':
            if (size == 1) return SWIGTYPE_p_signed_char;
            if (size == 2) return SWIGTYPE_p_short;
            if (size == 4) return SWIGTYPE_p_int;
            if (size == 8) return SWIGTYPE_p_long;
            return nullptr;
        case 'u':
            if (size == 1) return SWIGTYPE_p_unsigned_char;
            if (size == 2) return SWIGTYPE_p_unsigned_short;
            if (size == 4) return SWIGTYPE_p_unsigned_int;
            if (size == 8) return SWIGTYPE_p_unsigned_long;
            return nullptr;
        case 'b':
            return size == 1 ? SWIGTYPE_p_bool : nullptr;
        default:
            return nullptr;
    }
}

template <typename T>
static PyObject* faiss_py_view(T* src, size_t n, int npy_type) {
    if (!src && n > 0) {
        PyErr_SetString(PyExc_ValueError, "rev_swig_ptr: null pointer with n > 0");
        return nullptr;
    }
    npy_intp dim = npy_intp(n);
    return PyArray_SimpleNewFromData(1, &dim, npy_type, static_cast<void*>(src));
}
%}

FAISS_PY_KEEP_GIL(swig_ptr)
FAISS_PY_KEEP_GIL(rev_swig_ptr)

%{
// size_t and uint64_t are the same C++ type; SWIG keeps them apart, so both pointer
// types are declared to SWIG below and land on the one uint64_t definition.
PyObject* rev_swig_ptr(float* src, size_t n) { return faiss_py_view(src, n, NPY_FLOAT32); }
PyObject* rev_swig_ptr(double* src, size_t n) { return faiss_py_view(src, n, NPY_FLOAT64); }
PyObject* rev_swig_ptr(int8_t* src, size_t n) { return faiss_py_view(src, n, NPY_INT8); }
PyObject* rev_swig_ptr(uint8_t* src, size_t n) { return faiss_py_view(src, n, NPY_UINT8); }
PyObject* rev_swig_ptr(int16_t* src, size_t n) { return faiss_py_view(src, n, NPY_INT16); }
PyObject* rev_swig_ptr(uint16_t* src, size_t n) { return faiss_py_view(src, n, NPY_UINT16); }
PyObject* rev_swig_ptr(int32_t* src, size_t n) { return faiss_py_view(src, n, NPY_INT32); }
PyObject* rev_swig_ptr(uint32_t* src, size_t n) { return faiss_py_view(src, n, NPY_UINT32); }
PyObject* rev_swig_ptr(int64_t* src, size_t n) { return faiss_py_view(src, n, NPY_INT64); }
PyObject* rev_swig_ptr(uint64_t* src, size_t n) { return faiss_py_view(src, n, NPY_UINT64); }
PyObject* rev_swig_ptr(bool* src, size_t n) { return faiss_py_view(src, n, NPY_BOOL); }
%}

PyObject* rev_swig_ptr(float* src, size_t n);
PyObject* rev_swig_ptr(double* src, size_t n);
PyObject* rev_swig_ptr(int8_t* src, size_t n);
PyObject* rev_swig_ptr(uint8_t* src, size_t n);
PyObject* rev_swig_ptr(int16_t* src, size_t n);
PyObject* rev_swig_ptr(uint16_t* src, size_t n);
PyObject* rev_swig_ptr(int32_t* src, size_t n);
PyObject* rev_swig_ptr(uint32_t* src, size_t n);
PyObject* rev_swig_ptr(int64_t* src, size_t n);
PyObject* rev_swig_ptr(uint64_t* src, size_t n);
PyObject* rev_swig_ptr(size_t* src, size_t n);
PyObject* rev_swig_ptr(bool* src, size_t n);

%inline %{
PyObject* swig_ptr(PyObject* a) {
    if (!PyArray_Check(a)) {
        PyErr_Format(PyExc_TypeError, "swig_ptr: expected a numpy array, got %s",
                     Py_TYPE(a)->tp_name);
        return nullptr;
    }
    PyArrayObject* array = reinterpret_cast<PyArrayObject*>(a);
    if (!PyArray_IS_C_CONTIGUOUS(array)) {
        PyErr_SetString(PyExc_ValueError,
                        "swig_ptr: array is not C-contiguous (use numpy.ascontiguousarray)");
        return nullptr;
    }
    swig_type_info* type = faiss_py_pointer_type(array);
    if (!type) {
        PyErr_Format(PyExc_TypeError, "swig_ptr: numpy dtype %R has no C pointer type",
                     reinterpret_cast<PyObject*>(PyArray_DESCR(array)));
        return nullptr;
    }
    return SWIG_NewPointerObj(PyArray_DATA(array), type, 0);
}
%}

%{
#include <vector>
%}

// A deliberately small view of std::vector: enough to size, fill and read vectors from
// Python (vector_to_array / copy_array_to_vector use data() and resize()).
namespace std {
template <class T>
class vector {
  public:
    vector();
    void push_back(T);
    void clear();
    T* data();
    size_t size() const;
    T at(size_t n) const;
    void resize(size_t n);
    void swap(vector<T>& other);
};
}  // namespace std

%template(Float32Vector) std::vector<float>;
%template(Float64Vector) std::vector<double>;
%template(Int8Vector) std::vector<int8_t>;
%template(Int16Vector) std::vector<int16_t>;
%template(Int32Vector) std::vector<int32_t>;
%template(Int64Vector) std::vector<int64_t>;
%template(UInt8Vector) std::vector<uint8_t>;
%template(UInt16Vector) std::vector<uint16_t>;
%template(UInt32Vector) std::vector<uint32_t>;
%template(UInt64Vector) std::vector<uint64_t>;

%{
#include <faiss/impl/maybe_owned_vector.h>
%}

// The arrays that may view a memory-mapped index file (IndexFlatCodes.codes, the HNSW
// graph arrays), with Faiss's proxy names. data() is the const accessor, so reading a
// read-only mapped array from Python never copies or fails; resize() / clear() /
// push_back() follow the C++ rules (a read-only view throws, a copy-on-write view is
// copied first), after which data() points at owned memory and may be written.
namespace faiss {
template <class T>
class MaybeOwnedVector {
  public:
    MaybeOwnedVector();
    void push_back(const T& value);
    void clear();
    const T* data() const;
    size_t size() const;
    size_t byte_size() const;
    T at(size_t n) const;
    void resize(size_t n);
    bool is_owned() const;
    bool is_read_only() const;
};
}  // namespace faiss

%template(MaybeOwnedVectorUInt8) faiss::MaybeOwnedVector<uint8_t>;
%template(MaybeOwnedVectorInt32) faiss::MaybeOwnedVector<int32_t>;
%template(MaybeOwnedVectorUInt64) faiss::MaybeOwnedVector<uint64_t>;
