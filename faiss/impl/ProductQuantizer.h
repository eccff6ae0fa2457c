#pragma once
// Faiss keeps the product quantizer in faiss/impl/; code written for Faiss includes it here.
#include <faiss/quantizers/ProductQuantizer.h>
