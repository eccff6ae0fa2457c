# Compile flags for the per-ISA kernel files. The file name suffix alone decides:
#   *_avx2.cpp   -> AVX2 + FMA + F16C
#   *_avx512.cpp -> AVX-512 F/BW/DQ/VL (+ AVX2/FMA/F16C which it implies)
# Everything else is compiled for baseline x86-64; the run-time dispatcher
# (faiss/simd/dispatch.cpp) only calls a kernel table the CPU supports.
set(FAISS_AVX2_FLAGS -mavx2 -mfma -mf16c)
set(FAISS_AVX512_FLAGS -mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512dq -mavx512vl)

function(faiss_apply_simd_flags)
  foreach(src ${ARGN})
    if(src MATCHES "_avx512\\.cpp$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "${FAISS_AVX512_FLAGS}")
    elseif(src MATCHES "_avx2\\.cpp$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "${FAISS_AVX2_FLAGS}")
    endif()
  endforeach()
endfunction()
