#pragma once
// Faiss declares ScalarQuantizer in faiss/impl/; code written for Faiss includes it here.
#include <faiss/quantizers/ScalarQuantizer.h>
