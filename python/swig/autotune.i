// index_factory, reverse_index_factory and the ParameterSpace family (AutoTune.h).
// index_factory returns a new index owned by Python, seen as its most derived class
// through the Index* out-typemap of swig/indexes.i.

%{
#include <faiss/AutoTune.h>
#include <faiss/index_factory.h>
%}

%include <std_string.i>

%newobject faiss::index_factory;
// index_factory(d, description, metric=METRIC_L2), the keyword accepted as in Faiss.
%feature("compactdefaultargs") faiss::index_factory;
%feature("kwargs") faiss::index_factory;

%template(OperatingPointVector) std::vector<faiss::OperatingPoint>;
%template(ParameterRangeVector) std::vector<faiss::ParameterRange>;

%include <faiss/index_factory.h>
%include <faiss/AutoTune.h>
