#pragma once
// Faiss keeps DistanceComputer in faiss/impl/; code written for Faiss includes it here.
#include <faiss/DistanceComputer.h>
