/*
 * pynn.h -- the C API of pynn's compiled core.
 *
 * Conventions
 * - Every matrix is row-major; a batch of samples is a matrix whose ROWS are
 *   the samples: X is (m, n_in), targets Y are (m, n_out).
 * - All parameters of a network live in ONE contiguous buffer owned by the
 *   caller (numpy).  Layer l = 1 .. L (L = num_layers - 1) occupies
 *       W_l : sizes[l] x sizes[l-1]   (row-major)
 *       b_l : sizes[l]
 *   in that order, layer after layer.  Gradients and optimizer state use the
 *   same layout.  pynn_param_count() gives the total length.
 * - The core keeps no global mutable state.  Scratch memory is allocated at
 *   the start of a call and freed before it returns; nothing inside a loop
 *   over mini-batches allocates.  No function prints, exits or aborts: every
 *   failure is a status code.
 * - Every function exists for double (_f64) and float (_f32); both are
 *   generated from one template (see pynn_template.h).
 */
#ifndef PYNN_H
#define PYNN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Byte alignment the core's buffers start on, and that the caller should
 * give the parameter buffer: a cache line, so that 64-byte vector loads of a
 * row of W whose length is a multiple of 64 bytes never straddle two lines. */
#define PYNN_ALIGNMENT 64

/* The largest mini-batch that any kernel path's fast step (fast.inc) takes;
 * each path's own limit is its ISA_MAX_ROWS (isa/<name>.h). */
#define PYNN_SMALL_BATCH 128

/* Status codes. */
enum pynn_status {
    PYNN_OK = 0,
    PYNN_ENOMEM = 1,      /* scratch memory could not be allocated        */
    PYNN_EDIM = 2,        /* a size, layer count or batch size is invalid */
    PYNN_EARG = 3,        /* an enum or a rate is out of range            */
    PYNN_ENONFINITE = 4   /* training produced NaN or infinity            */
};

/* Activations; names live in one registry on the Python side (activations.py). */
enum pynn_activation {
    PYNN_ACT_SIGMOID = 0,
    PYNN_ACT_TANH = 1,
    PYNN_ACT_RELU = 2,
    PYNN_ACT_SOFTPLUS = 3,
    PYNN_ACT_IDENTITY = 4,
    PYNN_ACT_SOFTMAX = 5, /* output layer only */
    PYNN_ACT_COUNT = 6
};

/* Costs C(a, y) of one sample; the cost of a set is their mean (see costs.py). */
enum pynn_cost {
    PYNN_COST_QUADRATIC = 0,      /* 0.5 * sum (a - y)^2                  */
    PYNN_COST_CROSS_ENTROPY = 1,  /* sum -y ln a - (1 - y) ln (1 - a)     */
    PYNN_COST_LOG_LIKELIHOOD = 2, /* sum -y ln a   (softmax output)       */
    PYNN_COST_MAE = 3,            /* sum |a - y|                          */
    PYNN_COST_COUNT = 4
};

/* Update rules. */
enum pynn_optimizer {
    PYNN_OPT_SGD = 0,
    PYNN_OPT_MOMENTUM = 1,
    PYNN_OPT_NESTEROV = 2,
    PYNN_OPT_ADAGRAD = 3,
    PYNN_OPT_RMSPROP = 4,
    PYNN_OPT_ADAM = 5,
    PYNN_OPT_COUNT = 6
};

/* How a call computes.  The reference is the plain algorithm on BLAS (libm's
 * exp); the others run the fast step over one instruction set's kernels
 * (isa/), for mini-batches up to PYNN_SMALL_BATCH rows, and that set's
 * vectorized sigmoid.  AUTO picks by the CPU's features alone. */
enum pynn_path {
    PYNN_PATH_AUTO = 0,
    PYNN_PATH_REFERENCE = 1,
    PYNN_PATH_GENERIC = 2,  /* portable vector C: the compiler's baseline SIMD */
    PYNN_PATH_AVX2 = 3,     /* x86-64 AVX2 + FMA                              */
    PYNN_PATH_AVX512 = 4,   /* x86-64 AVX-512F                                */
    PYNN_PATH_NEON = 5,     /* aarch64 Advanced SIMD                          */
    PYNN_PATH_COUNT = 6
};
/* The path's name ("auto", "reference", "avx2", ...), or NULL. */
const char *pynn_path_name(int path);
/* 1 when this build contains the path, else 0. */
int pynn_path_compiled(int path);
/* 1 when this build contains the path and this CPU can run it, else 0. */
int pynn_path_supported(int path);
/* The path a call asking for `path` runs: AUTO gives the best supported one;
 * another path gives itself when supported, else -1. */
int pynn_path_resolve(int path);
/* The largest mini-batch that the fast step takes on the path it resolves
 * to (larger ones, and the reference path, run the reference step), or 0. */
int pynn_path_fast_rows(int path);

/* The shape of a network.  Borrowed pointers; the caller keeps them alive. */
typedef struct pynn_arch {
    int num_layers;          /* >= 2, input layer included                    */
    const int64_t *sizes;    /* num_layers entries, each >= 1                 */
    const int32_t *acts;     /* num_layers - 1 entries: layer 1 .. L          */
    int32_t cost;            /* enum pynn_cost                                */
} pynn_arch;

/* Helper threads for the fast step (pool.c).  A caller that makes many
 * training calls keeps one pool for all of them.  Work is claimed tile by
 * tile, and when sharing it does not pay (a busy machine: helpers preempted
 * or competing with the caller for the cores) the pool runs on the caller's
 * thread alone for a while, measuring again later; results never depend on
 * which thread computed what. */
typedef struct pynn_pool pynn_pool;
/* A pool of `threads` threads in all (the caller's included), or NULL when
 * threads < 2 or they could not be started (then everything runs on one).
 * The caller chooses the count (pynn's Python layer: at most the cores the
 * process may run on). */
pynn_pool *pynn_pool_start(int threads);
int pynn_pool_threads(const pynn_pool *pool);
void pynn_pool_stop(pynn_pool *pool);
/* Threads the bundled BLAS may use (1 for a system BLAS).  The core never
 * changes it. */
int pynn_blas_threads(void);

/* Hyper-parameters of one training call. */
typedef struct pynn_train_opts {
    double eta;          /* learning rate, > 0                                */
    double lmbda;        /* L2 strength; decay (1 - eta*lmbda/n) per step     */
    double l1;           /* L1 strength; decay eta*l1/n*sign(w) per step      */
    double n_total;      /* n of the decay terms: size of the training set   */
    int32_t optimizer;   /* enum pynn_optimizer                               */
    double momentum;     /* mu of momentum / nesterov                         */
    double rho;          /* decay of rmsprop's mean square                    */
    double beta1, beta2; /* adam's moment decays                              */
    double epsilon;      /* adagrad / rmsprop / adam denominator guard        */
    const double *dropout; /* num_layers - 2 rates (hidden layers) or NULL    */
    int32_t path;        /* enum pynn_path                                    */
    pynn_pool *pool;     /* threads for the fast step, or NULL               */
    double *loss_sum;    /* or NULL; else += the cost SUM of each mini-batch's rows
                            at the weights before its step (no regularization) */
} pynn_train_opts;

/* Generator state: xoshiro256** (Blackman & Vigna), 4 words owned by the caller. */
typedef struct pynn_rng { uint64_t s[4]; } pynn_rng;

/* (The path argument of the functions below is an enum pynn_path: it picks
 * the sigmoid's implementation; PYNN_EARG when it is not supported.) */

/* Checks an architecture; PYNN_OK or PYNN_EDIM / PYNN_EARG. */
int pynn_arch_check(const pynn_arch *arch);
/* Number of scalars in the parameter buffer of arch. */
size_t pynn_param_count(const pynn_arch *arch);

/* Seeds the generator from one 64-bit value (splitmix64 expansion). */
void pynn_rng_seed(pynn_rng *rng, uint64_t seed);
uint64_t pynn_rng_next(pynn_rng *rng);
/* perm <- a uniformly random permutation of 0 .. n-1 (Fisher-Yates). */
void pynn_shuffle(pynn_rng *rng, int64_t *perm, int64_t n);

/* Number of optimizer-state scalars per parameter (0, 1 or 2). */
int pynn_optimizer_state_factor(int optimizer);

#define PYNN_DECLARE(real, sfx)                                                  \
/* out (m, n_out) <- the network's output for the rows of X (m, n_in).          \
   Works through X in blocks, so m may be as large as the data set. */          \
int pynn_forward_##sfx(const pynn_arch *arch, const real *params,                \
                       const real *X, int64_t m, real *out, int path);           \
/* grad <- sum over the n rows of w_i times the gradient of C(a(x_i), y_i) with \
   respect to every parameter (no regularization), in the parameter layout;     \
   *cost_sum (if not NULL) <- sum of w_i C_i.  w_i = 1 when weights is NULL.     \
   One forward and backward pass, in blocks of rows (any n). */                 \
int pynn_gradient_##sfx(const pynn_arch *arch, const real *params,               \
                        const real *X, const real *Y, const real *weights,       \
                        int64_t n, real *grad, double *cost_sum, int path);      \
/* Cost and accuracy over n rows.  Targets are either Y (n, n_out) or labels    \
   (n,) in [0, n_out); exactly one is non-NULL.  *cost_sum gets the SUM of the  \
   per-sample costs w_i C_i; *correct the sum of w_i over the rows whose output \
   argmax equals the label (or the target's argmax): a count when weights is    \
   NULL (w_i = 1). */                                                           \
int pynn_evaluate_##sfx(const pynn_arch *arch, const real *params,               \
                        const real *X, const real *Y, const int64_t *labels,     \
                        const real *weights, int64_t n, double *cost_sum,        \
                        double *correct, int path);                              \
/* Trains on the mini-batches first .. last-1 of one epoch: batch k holds the   \
   rows perm[k*batch .. min((k+1)*batch, n)) (rows in order when perm is NULL). \
   state holds pynn_optimizer_state_factor(opt) * P scalars, zero at the start  \
   of a training run; *step counts updates (adam's bias correction).  rng draws \
   the dropout masks.  weights: NULL, or n sample weights >= 0; each step then  \
   follows the mini-batch's weighted mean gradient.  Returns PYNN_ENONFINITE    \
   if a parameter stops being finite; the caller keeps a copy to restore. */    \
int pynn_train_##sfx(const pynn_arch *arch, real *params, const real *X,         \
                     const real *Y, const real *weights, int64_t n,              \
                     const int64_t *perm,                                        \
                     int64_t batch, int64_t first, int64_t last,                 \
                     const pynn_train_opts *opts, real *state, int64_t *step,    \
                     pynn_rng *rng);

PYNN_DECLARE(double, f64)
PYNN_DECLARE(float, f32)
#undef PYNN_DECLARE

#ifdef __cplusplus
}
#endif
#endif /* PYNN_H */
