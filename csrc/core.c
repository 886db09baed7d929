/*
 * core.c -- instantiates the numeric core once for double and once for float.
 *
 * The concern files (act.inc, cost.inc, net.inc, optim.inc, train.inc) are
 * written once against the macros below; including them twice gives the _f64
 * and _f32 functions of pynn.h from ONE source, so the two can never drift.
 * They form one translation unit so that everything but the API stays static
 * and the element-wise helpers inline into their loops.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pynn.h"
#include "pynn_cblas.h"
#include "balance.h"
#include "pool.h"

/* Rows per block when a whole data set is pushed through the network. */
#define PYNN_EVAL_BLOCK 512
/* General update rules over fewer parameters than this run on one thread. */
#define PYNN_POOL_MIN_RULE 16384
/* Mini-batches up to this size train with one BLAS thread (see train.inc). */
#define PYNN_SINGLE_THREAD_BATCH 32
/* A full-batch gradient whose blocks take fewer flops runs on one BLAS thread. */
#define PYNN_GRADIENT_SINGLE_FLOPS 2e7

#if defined(__x86_64__) && defined(__GNUC__)
#define PYNN_HAVE_SMALL_KERNELS 1
#include <immintrin.h>
#else
#define PYNN_HAVE_SMALL_KERNELS 0
#endif

int pynn_blas_threads(void)
{
    return pynn_blas_get_threads();
}

/* The small kernels need AVX2 and FMA; PYNN_KERNELS=blas in the environment
 * turns them off (to compare both paths).  Read once per call, not cached:
 * the core keeps no global state. */
static int pynn_small_kernels_available(void)
{
#if PYNN_HAVE_SMALL_KERNELS
    const char *choice = getenv("PYNN_KERNELS");
    if (choice != NULL && strcmp(choice, "blas") == 0)
        return 0;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

static double uniform01(pynn_rng *rng)
{
    return (double)(pynn_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* ---- double ---------------------------------------------------------- */
#define real double
#define T(name) name##_f64
#define GEMM pynn_gemm_d
#define EXP exp
#define LOG log
#define LOG1P log1p
#define TANH tanh
#define SQRT sqrt
#define FABS fabs
#define REAL_MAX 1.7976931348623157e308
#define REAL_MIN 2.2250738585072014e-308
/* vexp.inc: IEEE double's exponent field, and the range where e^x, e^-x
   stay normal numbers; ln 2 = HI + LO with HI's low bits zero */
#define EXP_INT int64_t
#define EXP_MANT 52
#define EXP_BIAS 1023
#define EXP_SAFE 708.0
#define EXP_LN2_HI 6.93147180369123816490e-01
#define EXP_LN2_LO 1.90821492927058770002e-10
#define EXP_DEGREE 13
static const double inv_factorial_f64[14] = {
    1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
    1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0};
#include "vexp.inc"
#include "act.inc"
#include "cost.inc"
#include "kernels.inc"
#include "net.inc"
#include "optim.inc"
#include "train.inc"
#undef real
#undef T
#undef GEMM
#undef EXP
#undef LOG
#undef LOG1P
#undef TANH
#undef SQRT
#undef FABS
#undef REAL_MAX
#undef REAL_MIN
#undef EXP_INT
#undef EXP_MANT
#undef EXP_BIAS
#undef EXP_SAFE
#undef EXP_LN2_HI
#undef EXP_LN2_LO
#undef EXP_DEGREE

/* ---- float ----------------------------------------------------------- */
#define real float
#define T(name) name##_f32
#define GEMM pynn_gemm_s
#define EXP expf
#define LOG logf
#define LOG1P log1pf
#define TANH tanhf
#define SQRT sqrtf
#define FABS fabsf
#define REAL_MAX 3.40282347e38f
#define REAL_MIN 1.17549435e-38f
#define EXP_INT int32_t
#define EXP_MANT 23
#define EXP_BIAS 127
#define EXP_SAFE 87.0f
#define EXP_LN2_HI 0.693145751953125f
#define EXP_LN2_LO 1.428606765330187045e-06f
#define EXP_DEGREE 7
static const float inv_factorial_f32[8] = {
    1.0f, 1.0f, 1.0f / 2, 1.0f / 6, 1.0f / 24, 1.0f / 120, 1.0f / 720, 1.0f / 5040};
#include "vexp.inc"
#include "act.inc"
#include "cost.inc"
#include "kernels.inc"
#include "net.inc"
#include "optim.inc"
#include "train.inc"
