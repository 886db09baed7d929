/* kernels_avx512.c -- the fast step's kernels for isa/avx512.h. */
#define ISA_HEADER "isa/avx512.h"
#include ISA_HEADER
#include "kernels_instantiate.inc"
