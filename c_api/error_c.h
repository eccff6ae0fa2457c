#pragma once

/* Faiss declares FaissErrorCode and faiss_get_last_error in error_c.h; here they live in
 * faiss_c.h, and this header keeps #include "error_c.h" working. */
#include "faiss_c.h"
