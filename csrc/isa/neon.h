/* isa/neon.h -- aarch64 Advanced SIMD (NEON, part of every aarch64 CPU):
 * 16-byte vectors, two doubles or four floats; a * b + c contracts to the
 * fused multiply-add (fmla).  Built on aarch64 only, with no extra flags.
 * NEON has no masked loads: partial vectors go lane by lane (ld1/st1 of
 * single lanes), never past the end of the row. */
#ifndef real
#include <arm_neon.h>
#define ISA_NAME neon
#define VEC_BYTES 16
/* rows of W per rank-update tile: 9 accumulators + 4 operands fit 16 registers */
#define ISA_RANK_UNITS 3
#define ISA_PATH PYNN_PATH_NEON
#else
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
