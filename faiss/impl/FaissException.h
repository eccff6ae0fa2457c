#pragma once
// Faiss keeps its exception in faiss/impl/; code written for Faiss includes it here.
#include <faiss/FaissException.h>
