/* kernels_generic.c -- the fast step's kernels for isa/generic.h. */
#define ISA_HEADER "isa/generic.h"
#include ISA_HEADER
#include "kernels_instantiate.inc"
