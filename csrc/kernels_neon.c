/* kernels_neon.c -- the fast step's kernels for isa/neon.h. */
#define ISA_HEADER "isa/neon.h"
#include ISA_HEADER
#include "kernels_instantiate.inc"
