# The fast step's kernel files, one per instruction set (csrc/isa/), each
# compiled for its own set; csrc/isa.c runs one only where the CPU has it.
# Included by CMakeLists.txt (the package) and tests/c/CMakeLists.txt (the
# kernel tests, native and cross-compiled), so both build them alike.
# Needs PYNN_SOURCE_DIR; sets PYNN_KERNEL_SOURCES and PYNN_ISA_SOURCE.
set(PYNN_CSRC "${PYNN_SOURCE_DIR}/csrc")
set(PYNN_ISA_SOURCE "${PYNN_CSRC}/isa.c")
set(PYNN_KERNEL_SOURCES "${PYNN_CSRC}/kernels_generic.c")
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  list(APPEND PYNN_KERNEL_SOURCES "${PYNN_CSRC}/kernels_avx2.c" "${PYNN_CSRC}/kernels_avx512.c")
  set_source_files_properties("${PYNN_CSRC}/kernels_avx2.c" PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma")
  set_source_files_properties("${PYNN_CSRC}/kernels_avx512.c" PROPERTIES
                              COMPILE_OPTIONS "-mavx512f;-mavx2;-mfma")
  set_source_files_properties("${PYNN_ISA_SOURCE}" PROPERTIES COMPILE_DEFINITIONS PYNN_KERNELS_X86=1)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  list(APPEND PYNN_KERNEL_SOURCES "${PYNN_CSRC}/kernels_neon.c")
  set_source_files_properties("${PYNN_ISA_SOURCE}" PROPERTIES COMPILE_DEFINITIONS PYNN_KERNELS_NEON=1)
endif()
# GCC 12's SLP vectorizer merges the kernels' scalar broadcasts into vectors
# built through the stack (docs/performance.md): off for the kernel files.
set_property(SOURCE ${PYNN_KERNEL_SOURCES} APPEND PROPERTY COMPILE_OPTIONS "-fno-tree-slp-vectorize")
# The core's options and warnings, for every C file of it.  -ffp-contract=off:
# the compiler fuses no a * b + c by itself (where it would depends on the
# shape of the code around it, so a number could depend on the tile, and the
# thread count, that computes it); the kernels write their fused
# multiply-adds out (T(fma), isa/).
set(PYNN_C_OPTIONS -O3 -fno-math-errno -ffp-contract=off -Wall -Wextra -Wno-unused-parameter -Wno-psabi)
