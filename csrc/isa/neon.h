/* isa/neon.h -- aarch64 Advanced SIMD (NEON, part of every aarch64 CPU):
 * 16-byte vectors, two doubles or four floats; a * b + c contracts to the
 * fused multiply-add (fmla).  Built on aarch64 only, with no extra flags.
 * NEON has no masked loads: partial vectors go lane by lane (lanewise.h),
 * never past the end of the row. */
#ifndef real
#define ISA_NAME neon
#define VEC_BYTES 16
/* a forward tile: 4 x 3 accumulators + 3 + 1 operands (not measured wider on an aarch64 CPU) */
#define ISA_FORWARD_UNITS 3
/* a rank-update tile: 6 rows of W by 3 vectors, 18 accumulators + 4
   operands of the 32 vector registers */
#define ISA_RANK_UNITS 6
#define ISA_RANK_VECS 3
/* the largest mini-batch its fast step takes: not measured above 32
   rows on an aarch64 CPU */
#define ISA_MAX_ROWS 32
#define ISA_PATH PYNN_PATH_NEON
#else
#include <arm_neon.h>
/* a * b + c, rounded once */
static inline T(vec) T(fma)(T(vec) a, T(vec) b, T(vec) c)
{
    if (sizeof(real) == 8)
        return (T(vec))vfmaq_f64((float64x2_t)c, (float64x2_t)a, (float64x2_t)b);
    return (T(vec))vfmaq_f32((float32x4_t)c, (float32x4_t)a, (float32x4_t)b);
}
#include "isa/lanewise.h"
#endif
