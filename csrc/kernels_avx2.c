/* kernels_avx2.c -- the fast step's kernels for isa/avx2.h. */
#define ISA_HEADER "isa/avx2.h"
#include ISA_HEADER
#include "kernels_instantiate.inc"
