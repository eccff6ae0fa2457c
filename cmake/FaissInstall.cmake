# `cmake --install` puts the library, the public headers and a package config in the
# prefix, so an outside project can `find_package(faiss)` and link `faiss::faiss`.
# faiss/internal and the per-ISA kernels are private: never installed.
include(CMakePackageConfigHelpers)

install(TARGETS faiss EXPORT faiss-targets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# faiss/mpi headers only with the MPI component (libfaiss_mpi).
set(_faiss_mpi_headers_exclude PATTERN "mpi" EXCLUDE)
if(TARGET faiss_mpi)
  set(_faiss_mpi_headers_exclude)
  install(TARGETS faiss_mpi EXPORT faiss-targets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/faiss/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/faiss
  FILES_MATCHING PATTERN "*.h"
  PATTERN "internal" EXCLUDE
  PATTERN "kernels" EXCLUDE
  ${_faiss_mpi_headers_exclude})

install(EXPORT faiss-targets NAMESPACE faiss::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/faiss)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/faiss-config.cmake.in
  ${PROJECT_BINARY_DIR}/faiss-config.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/faiss)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/faiss-config-version.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/faiss-config.cmake
  ${PROJECT_BINARY_DIR}/faiss-config-version.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/faiss)
