#pragma once
// Faiss declares RangeSearchResult and InterruptCallback in faiss/impl/AuxIndexStructures.h;
// code written for Faiss includes them from here. They live in faiss/RangeSearchResult.h
// and faiss/utils/progress.h.
#include <faiss/RangeSearchResult.h>
#include <faiss/utils/progress.h>
