/* isa/avx2.h -- x86-64 AVX2 with FMA: 32-byte vectors, four doubles or eight
 * floats.  Its file is compiled with -mavx2 -mfma (CMakeLists.txt), and its
 * kernels run only where the CPU has both (isa.c).  Partial vectors use
 * masked loads and stores, which never touch the masked-off lanes. */
#ifndef real
#include <immintrin.h>
#define ISA_NAME avx2
#define VEC_BYTES 32
/* a forward tile: 4 x 3 accumulators + 3 + 1 operands: all 16 registers */
#define ISA_FORWARD_UNITS 3
/* a rank-update tile: 4 rows of W by 3 vectors, 12 accumulators + 4
   operands: all 16 registers (3 x 3 was 6-9% slower: docs/performance.md) */
#define ISA_RANK_UNITS 4
#define ISA_RANK_VECS 3
/* the largest mini-batch its fast step takes: above, BLAS's packed
   kernels win (docs/performance.md) */
#define ISA_MAX_ROWS 32
#define ISA_PATH PYNN_PATH_AVX2
#else
/* lanes [0, count) set */
static inline __m256i T(lane_mask)(int count)
{
    EXP_INT index[LANES];
    for (int i = 0; i < LANES; i++) index[i] = i;
    T(ivec) lanes;
    __builtin_memcpy(&lanes, index, sizeof lanes);
    return (__m256i)(lanes < (EXP_INT)count);
}

/* a * b + c, rounded once */
static inline T(vec) T(fma)(T(vec) a, T(vec) b, T(vec) c)
{
    if (sizeof(real) == 8)
        return (T(vec))_mm256_fmadd_pd((__m256d)a, (__m256d)b, (__m256d)c);
    return (T(vec))_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c);
}

static inline T(vec) T(vload_part)(const real *p, int count)
{
    if (sizeof(real) == 8)
        return (T(vec))_mm256_maskload_pd((const double *)p, T(lane_mask)(count));
    return (T(vec))_mm256_maskload_ps((const float *)p, T(lane_mask)(count));
}

static inline void T(vstore_part)(real *p, T(vec) v, int count)
{
    if (sizeof(real) == 8)
        _mm256_maskstore_pd((double *)p, T(lane_mask)(count), (__m256d)v);
    else
        _mm256_maskstore_ps((float *)p, T(lane_mask)(count), (__m256)v);
}
#endif
