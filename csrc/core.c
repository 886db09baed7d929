/*
 * core.c -- instantiates the numeric core once for double and once for float.
 *
 * The concern files are written once against the macros of real_f64.h /
 * real_f32.h; including them twice gives the _f64 and _f32 functions of
 * pynn.h from ONE source.  They form one translation unit so that everything
 * but the API stays static and the element-wise helpers inline.
 *   act.inc    activations and their derivatives
 *   cost.inc   costs and the output delta
 *   net.inc    the reference forward pass and backprop (BLAS)
 *   optim.inc  the update rules
 *   step.inc   the step interface and the reference step
 *   fast.inc   the fast step (kernels of isa.h, pool threads)
 *   train.inc  the mini-batch loop
 *   api.inc    forward, gradient and evaluation of whole data sets
 *   floor.inc  the benchmark's GEMM floor
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pynn.h"
#include "pynn_cblas.h"
#include "floor.h"
#include "isa.h"
#include "layout.h"
#include "pool.h"

/* Rows per block when a whole data set is pushed through the network. */
#define PYNN_EVAL_BLOCK 512
/* A full-batch gradient whose blocks take fewer flops than this runs on the
 * kernels (fast_gradient) rather than on BLAS's threads. */
#define PYNN_GRADIENT_KERNEL_FLOPS 2e7

int pynn_blas_threads(void)
{
    return pynn_blas_get_threads();
}

static double uniform01(pynn_rng *rng)
{
    return (double)(pynn_rng_next(rng) >> 11) * 0x1.0p-53;
}

#define PYNN_CAT2_(a, b) a##_##b
#define PYNN_CAT2(a, b) PYNN_CAT2_(a, b)
#define T(name) PYNN_CAT2(name, REAL_SUFFIX)
#define pynn_rank_args_T T(pynn_rank_args)


#include "real_f64.h"
#include "act.inc"
#include "cost.inc"
#include "net.inc"
#include "optim.inc"
#include "step.inc"
#include "fast.inc"
#include "train.inc"
#include "api.inc"
#include "floor.inc"
#include "real_undef.h"

#include "real_f32.h"
#include "act.inc"
#include "cost.inc"
#include "net.inc"
#include "optim.inc"
#include "step.inc"
#include "fast.inc"
#include "train.inc"
#include "api.inc"
#include "floor.inc"
#include "real_undef.h"
