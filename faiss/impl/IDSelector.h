#pragma once
// Faiss keeps its selectors in faiss/impl/; code written for Faiss includes them here.
#include <faiss/IDSelector.h>
