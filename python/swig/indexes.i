// The Index family, search parameters, id selectors and range search results.
//
// Index pointers returned to Python (fields such as IndexIDMap.index, and later factory
// functions) are wrapped as their most derived wrapped class, so Python sees an
// IndexFlatL2 rather than a bare Index. The class is found from the C++ dynamic type,
// so a newly wrapped index type needs no entry here.

%{
#include <faiss/IndexIVFScalarQuantizer.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>
#include <faiss/IVFlib.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/VectorTransform.h>
#include <faiss/quantizers/ScalarQuantizer.h>

#include <cxxabi.h>

#include <cstdlib>
#include <string>
#include <typeindex>
#include <typeinfo>
#include <unordered_map>

// SWIG type of the most derived wrapped class of an object's dynamic type, or null when
// that class is not wrapped. Called with the GIL held, which guards the cache.
static swig_type_info* faiss_py_dynamic_type(const std::type_info& info) {
    static std::unordered_map<std::type_index, swig_type_info*> cache;
    auto it = cache.find(std::type_index(info));
    if (it != cache.end()) return it->second;
    int status = 0;
    char* name = abi::__cxa_demangle(info.name(), nullptr, nullptr, &status);
    swig_type_info* type = nullptr;
    if (status == 0 && name) {
        const std::string pointer_name = std::string(name) + " *";
        type = SWIG_TypeQuery(pointer_name.c_str());
        if (type && !type->clientdata) type = nullptr;  // known pointer, no proxy class
    }
    std::free(name);
    cache.emplace(std::type_index(info), type);
    return type;
}

template <typename T>
static PyObject* faiss_py_new_polymorphic(T* ptr, swig_type_info* static_type, int own) {
    if (ptr) {
        if (swig_type_info* type = faiss_py_dynamic_type(typeid(*ptr))) {
            return SWIG_NewPointerObj(dynamic_cast<void*>(ptr), type, own);
        }
    }
    return SWIG_NewPointerObj(static_cast<void*>(ptr), static_type, own);
}
%}

%typemap(out) faiss::Index* {
    $result = faiss_py_new_polymorphic($1, $descriptor(faiss::Index*), $owner);
}
%typemap(out) faiss::IndexIVF* {
    $result = faiss_py_new_polymorphic($1, $descriptor(faiss::IndexIVF*), $owner);
}
%typemap(out) faiss::VectorTransform* {
    $result = faiss_py_new_polymorphic($1, $descriptor(faiss::VectorTransform*), $owner);
}
%typemap(out) const faiss::Index* {
    $result = faiss_py_new_polymorphic(const_cast<faiss::Index*>($1),
                                       $descriptor(faiss::Index*), $owner);
}

// Members SWIG cannot express usefully.
%ignore faiss::IDSelectorBatch::set;
%ignore faiss::IDSelectorTranslated::id_map;
%ignore faiss::IndexIDMap2::rev_map;
%ignore faiss::RangeSearchResult::set_results;
// The IVF family: lists are read through get_codes / get_ids.
%ignore faiss::ArrayInvertedLists::codes;
%ignore faiss::ArrayInvertedLists::ids;
%ignore faiss::DirectMap::hashtable;
%ignore faiss::Level1Quantizer::operator=;
%ignore faiss::IndexRefine::operator=;
%ignore faiss::IndexPreTransform::operator=;
// Distance computers are a C++ extension point (raw owning pointer); the HNSW graph's
// RNG and per-node helpers stay C++-only.
%ignore *::get_distance_computer;
%ignore faiss::HNSW::rng;

%{
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/invlists/DirectMap.h>
#include <faiss/invlists/InvertedLists.h>
%}

%include <faiss/MetricType.h>
%include <faiss/Index.h>
%include <faiss/IDSelector.h>
%include <faiss/RangeSearchResult.h>
%include <faiss/IndexFlatCodes.h>
%include <faiss/IndexFlat.h>
%include <faiss/IndexIDMap.h>
// Level1Quantizer::cp and IndexIVFPQ::pq are defined in swig/clustering.i, included
// after this file.
namespace faiss {
struct ClusteringParameters;
struct ProductQuantizer;
}
%include <faiss/invlists/InvertedLists.h>
%include <faiss/invlists/DirectMap.h>
%include <faiss/IndexIVF.h>
%include <faiss/IndexIVFFlat.h>
%include <faiss/PolysemousTraining.h>
%include <faiss/IndexIVFPQ.h>
%include <faiss/quantizers/ScalarQuantizer.h>
%include <faiss/IndexScalarQuantizer.h>
%include <faiss/IndexIVFScalarQuantizer.h>
%include <faiss/IndexRefine.h>
// Python has no const: the non-const overloads serve both.
%ignore faiss::try_extract_index_ivf(const faiss::Index*);
%ignore faiss::extract_index_ivf(const faiss::Index*);
%include <faiss/IVFlib.h>
%include <faiss/VectorTransform.h>
%template(VectorTransformVector) std::vector<faiss::VectorTransform*>;
%include <faiss/IndexPreTransform.h>
%include <faiss/graph/HNSW.h>
%include <faiss/IndexHNSW.h>

%inline %{
/// The same index object, seen from Python as its most derived class (as Faiss's
/// downcast_index; Index pointers returned by this module are already downcast).
faiss::Index* downcast_index(faiss::Index* index) { return index; }
/// The same transform, seen from Python as its most derived class.
faiss::VectorTransform* downcast_VectorTransform(faiss::VectorTransform* vt) { return vt; }
%}
