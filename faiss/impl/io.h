#pragma once
// Faiss declares IOReader / IOWriter and their vector and file implementations in
// faiss/impl/; code written for Faiss includes them here.
#include <faiss/io/io.h>
