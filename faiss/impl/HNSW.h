#pragma once
// Faiss keeps its HNSW graph in faiss/impl/; code written for Faiss includes it here.
#include <faiss/graph/HNSW.h>
