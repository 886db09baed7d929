/* isa.h -- the kernels of the fast step, one table per instruction set and
 * scalar type (internal to the core).
 *
 * kernels.inc and vexp.inc are written once against the small per-ISA
 * headers in isa/ (vector width, partial loads and stores) and instantiated
 * in kernels_<isa>.c for double and float; pynn_kernels_for() picks a table
 * by enum pynn_path.  Every kernel computes each number the same way
 * whichever rows [j0, j1) of a product it is given, so a product split
 * between threads gives bit-identical results. */
#ifndef PYNN_ISA_H
#define PYNN_ISA_H

#include <stdint.h>

#include "pynn.h"

#define PYNN_KERNELS_DECLARE(real, sfx)                                                  \
/* The operands of rank_update: W (n x K) <- beta W + Ds^T A, and then, when          \
   next != NULL, Z_next (m_next x n) = next W^T + 1 b_next^T with the updated W.       \
   Ds holds alpha * delta (m x n, row stride ldd).  A and next are row pointers        \
   (K entries). */                                                                     \
typedef struct {                                                                       \
    int64_t m, K, ldd, ldw, m_next, ldz;                                              \
    const real *Ds;                                                                    \
    const real *const *A, *const *next;                                         \
    real *W, *Z_next;                                                                  \
    const real *b_next;                                                                \
    real beta;                                                                         \
} pynn_rank_args_##sfx;                                                                \
                                                                                       \
typedef struct {                                                                       \
    int path;  /* enum pynn_path */                                                    \
    int lanes; /* numbers per vector */                                                \
    int max_rows; /* the largest mini-batch the fast step takes on these kernels */    \
    /* units (rows of W) per register tile of forward and of rank_update: the  \
       fast step sizes its jobs' tiles by them */                                     \
    int forward_units, rank_units;                                                     \
    /* Z[r, j] = b[j] + A[r, :] . W[j, :] for rows r < m and units j0 <= j < j1 */     \
    void (*forward)(int64_t m, int64_t j0, int64_t j1, int64_t K, const real *const *A,  \
                    const real *W, int64_t ldw, const real *b, real *Z, int64_t ldz);  \
    /* P (m x n) = (D (m x k) W (k x n)) * G (m x n) element-wise; G NULL: 1 */        \
    void (*delta)(int64_t m, int64_t n, int64_t k, const real *D, const real *W,         \
                  const real *G, real *P);                                             \
    /* the rank update of rows [j0, j1) of W, see pynn_rank_args */                    \
    void (*rank_update)(const pynn_rank_args_##sfx *args, int64_t j0, int64_t j1);     \
    /* a <- 1 / (1 + e^-z), and grad <- a (1 - a) when grad != NULL */                 \
    void (*sigmoid)(const real *z, real *a, real *grad, int64_t len);                  \
} pynn_kernels_##sfx;                                                                  \
                                                                                       \
/* The table of a kernel path, or NULL for the reference path, for paths not         \
   compiled in and for paths this CPU cannot run. */                                  \
const pynn_kernels_##sfx *pynn_kernels_for_##sfx(int path);

PYNN_KERNELS_DECLARE(double, f64)
PYNN_KERNELS_DECLARE(float, f32)
#undef PYNN_KERNELS_DECLARE

/* Next mini-batch rows per pass of the fused rank update: their partial
 * sums (PYNN_PASS_ROWS x ISA_RANK_UNITS vectors) stay in L1. */
#define PYNN_PASS_ROWS 32

/* Units (rows of W) per tile that the fast step's jobs hand a thread: at
 * most this many, or one register tile of the kernel when that is taller. */
#define PYNN_TILE_UNITS 6

#endif
