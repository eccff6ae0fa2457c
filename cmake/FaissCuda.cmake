# CUDA toolchain for the GPU backend (FAISS_ENABLE_GPU=ON): nvcc (from PATH, CUDACXX, or
# /usr/local/cuda/bin), machine code for sm_80 and sm_90 unless CMAKE_CUDA_ARCHITECTURES
# is given (e.g. -DCMAKE_CUDA_ARCHITECTURES=90 builds faster), and the CUDA::cudart /
# CUDA::cublas targets.
if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX})
  find_program(FAISS_NVCC nvcc HINTS /usr/local/cuda/bin)
  if(FAISS_NVCC)
    set(CMAKE_CUDA_COMPILER ${FAISS_NVCC} CACHE FILEPATH "CUDA compiler")
  endif()
endif()
set(CMAKE_CUDA_ARCHITECTURES "80;90" CACHE STRING "GPU architectures of the GPU backend")
enable_language(CUDA)
set(CMAKE_CUDA_STANDARD 17)
set(CMAKE_CUDA_STANDARD_REQUIRED ON)
find_package(CUDAToolkit REQUIRED)
message(STATUS "faiss: GPU backend with nvcc ${CMAKE_CUDA_COMPILER_VERSION}, "
               "architectures ${CMAKE_CUDA_ARCHITECTURES}")
