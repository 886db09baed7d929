/* isa/generic.h -- portable vector C: 16-byte GCC/Clang vectors, which the
 * compiler maps to the target's baseline SIMD (SSE2 on x86-64) or to
 * scalar code.  Built everywhere, with no extra flags.
 *
 * Included twice by kernels_instantiate.inc: without `real` for the
 * constants, then once per scalar type for the partial loads and stores. */
#ifndef real
#define ISA_NAME generic
#define VEC_BYTES 16
/* rows of W per rank-update tile: 9 accumulators + 4 operands fit 16 registers */
#define ISA_RANK_UNITS 3
#define ISA_PATH PYNN_PATH_GENERIC
#else
/* The first `count` (< LANES) numbers at p in a vector, the other lanes 0;
 * nothing past p[count - 1] is read or written. */
static inline T(vec) T(vload_part)(const real *p, int count)
{
    T(vec) v = {0};
    for (int i = 0; i < count; i++) v[i] = p[i];
    return v;
}

static inline void T(vstore_part)(real *p, T(vec) v, int count)
{
    for (int i = 0; i < count; i++) p[i] = v[i];
}
#endif
