#pragma once
// Faiss declares the bfloat16 converters in faiss/utils/bf16.h; here they live beside the
// fp16 ones (encode_bf16 / decode_bf16 in fp16.h).
#include <faiss/utils/fp16.h>
