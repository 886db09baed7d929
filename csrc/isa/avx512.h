/* isa/avx512.h -- x86-64 AVX-512F: 64-byte vectors, eight doubles or sixteen
 * floats, and mask registers for partial vectors.  Its file is compiled with
 * -mavx512f -mavx2 -mfma (CMakeLists.txt); its kernels run only where the
 * CPU (and the OS, which must save the 512-bit registers) supports AVX-512F
 * (isa.c). */
#ifndef real
#include <immintrin.h>
#define ISA_NAME avx512
#define VEC_BYTES 64
/* a forward tile: 4 rows by 4 units, 16 accumulators + 4 + 1 operands of
   the 32 registers (4 x 3 and 4 x 5 were slower: docs/performance.md) */
#define ISA_FORWARD_UNITS 4
/* a rank-update tile: 6 rows of W by 4 vectors, 24 accumulators + 5
   operands of the 32 registers (6 x 3 was 4-5% slower: docs/performance.md) */
#define ISA_RANK_UNITS 6
#define ISA_RANK_VECS 4
/* the largest mini-batch its fast step takes: it beats BLAS up to 128
   rows (docs/performance.md) */
#define ISA_MAX_ROWS PYNN_SMALL_BATCH
#define ISA_PATH PYNN_PATH_AVX512
#else
/* a * b + c, rounded once */
static inline T(vec) T(fma)(T(vec) a, T(vec) b, T(vec) c)
{
    if (sizeof(real) == 8)
        return (T(vec))_mm512_fmadd_pd((__m512d)a, (__m512d)b, (__m512d)c);
    return (T(vec))_mm512_fmadd_ps((__m512)a, (__m512)b, (__m512)c);
}

static inline T(vec) T(vload_part)(const real *p, int count)
{
    const unsigned mask = (1u << count) - 1;
    if (sizeof(real) == 8)
        return (T(vec))_mm512_maskz_loadu_pd((__mmask8)mask, p);
    return (T(vec))_mm512_maskz_loadu_ps((__mmask16)mask, p);
}

static inline void T(vstore_part)(real *p, T(vec) v, int count)
{
    const unsigned mask = (1u << count) - 1;
    if (sizeof(real) == 8)
        _mm512_mask_storeu_pd((double *)p, (__mmask8)mask, (__m512d)v);
    else
        _mm512_mask_storeu_ps((float *)p, (__mmask16)mask, (__m512)v);
}
#endif
