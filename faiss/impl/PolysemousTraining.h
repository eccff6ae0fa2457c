#pragma once
// Faiss keeps PolysemousTraining in faiss/impl/; code written for Faiss includes it here.
#include <faiss/PolysemousTraining.h>
