#pragma once

/* Faiss declares the id selectors and RangeSearchResult in impl/AuxIndexStructures_c.h;
 * here each has its own header, and this one keeps Faiss's include path working. */
#include "../IDSelector_c.h"
#include "../RangeSearchResult_c.h"
