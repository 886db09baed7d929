/* isa/generic.h -- portable vector C: 16-byte GCC/Clang vectors, which the
 * compiler maps to the target's baseline SIMD (SSE2 on x86-64) or to
 * scalar code.  Built everywhere, with no extra flags.
 *
 * Included twice by kernels_instantiate.inc: without `real` for the
 * constants, then once per scalar type for the partial loads and stores. */
#ifndef real
#define ISA_NAME generic
#define VEC_BYTES 16
/* a forward tile: 4 x 3 accumulators + 3 + 1 operands of 16 registers */
#define ISA_FORWARD_UNITS 3
/* a rank-update tile: 3 rows of W by 3 vectors, 9 accumulators + 4
   operands of 16 registers */
#define ISA_RANK_UNITS 3
#define ISA_RANK_VECS 3
/* the largest mini-batch its fast step takes: at 128 rows it runs at half
   the speed of the AVX2 path, which loses to BLAS there */
#define ISA_MAX_ROWS 32
#define ISA_PATH PYNN_PATH_GENERIC
#else
/* a * b + c in two roundings: portable C has no fused vector operation, and
   the core is compiled with fusion off (cmake/kernels.cmake) */
static inline T(vec) T(fma)(T(vec) a, T(vec) b, T(vec) c) { return a * b + c; }
#include "isa/lanewise.h"
#endif
