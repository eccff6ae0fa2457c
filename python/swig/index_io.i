// Index files: write_index / read_index (file names and IOReader / IOWriter objects),
// the byte streams of faiss/io/io.h, clone_index, ProductQuantizer files and the
// IO_FLAG_* constants. Python adds serialize_index / deserialize_index and pickling on
// top (faiss/io_wrappers.py). Indexes returned here are owned by Python and downcast to
// their concrete class by the Index* out-typemap of swig/indexes.i.

%{
#include <faiss/clone_index.h>
#include <faiss/index_io.h>
#include <faiss/io/io.h>
%}

%newobject faiss::read_index;
%newobject faiss::clone_index;
%newobject faiss::read_ProductQuantizer;
%newobject faiss::read_VectorTransform;

// FILE* has no Python counterpart: files are named, or read through IOReader objects.
%ignore faiss::write_index(const faiss::Index*, FILE*, int);
%ignore faiss::read_index(FILE*, int);
%ignore faiss::FileIOReader::FileIOReader(FILE*);
%ignore faiss::FileIOWriter::FileIOWriter(FILE*);
%ignore faiss::FileIOReader::f;
%ignore faiss::FileIOWriter::f;
%ignore faiss::IOReader::operator();
%ignore faiss::IOWriter::operator();
%ignore faiss::VectorIOReader::operator();
%ignore faiss::VectorIOWriter::operator();
%ignore faiss::BufferIOReader::operator();
%ignore faiss::FileIOReader::operator();
%ignore faiss::FileIOWriter::operator();

%include <faiss/io/io.h>
%include <faiss/index_io.h>
%include <faiss/clone_index.h>
