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
#include "pool.h"

/* Rows per block when a whole data set is pushed through the network. */
#define PYNN_EVAL_BLOCK 512
/* Mini-batches up to this size train with one BLAS thread (see train.inc). */
#define PYNN_SINGLE_THREAD_BATCH 32

#if defined(__x86_64__) && defined(__GNUC__)
#define PYNN_HAVE_SMALL_KERNELS 1
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
#include "act.inc"
#include "cost.inc"
#include "kernels.inc"
#include "net.inc"
#include "optim.inc"
#include "train.inc"
