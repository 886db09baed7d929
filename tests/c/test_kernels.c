/* test_kernels.c -- every kernel of every path this CPU runs, against plain
 * loops, at edge shapes (1 row, partial vectors, partial tiles, splits).
 *
 *   test_kernels            run the tests; exit status 0 when all pass
 *   test_kernels --time P [N]  time path P's fused layer-1 update ([784,100], m=10),
 *                              rows drawn from 10 N rows (default N = 1: in cache),
 *                              split into the fast step's tiles;
 *                              PYNN_TIME_UNITS and PYNN_TIME_ROWS change 100 and 10,
 *                              PYNN_TIME_TILE the units per tile, PYNN_TIME_THREADS
 *                              the pool's threads (default 1; its policy, pool.c,
 *                              decides whether they share)
 *
 * Built natively and cross-compiled for aarch64 by tests/c/run.sh. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isa.h"
#include "pool.h"

static int failures = 0;

static double rnd(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return ((double)(*state >> 8) / (double)(1u << 24)) * 2.0 - 1.0;
}

#define CHECK_CLOSE(what, got, want, tol)                                                  \
    do {                                                                                   \
        double g_ = (double)(got), w_ = (double)(want);                                    \
        if (!(fabs(g_ - w_) <= (tol) * (1.0 + fabs(w_)))) {                                \
            if (failures < 20)                                                             \
                printf("FAIL %s: %s got %.17g want %.17g\n", path_name, what, g_, w_);     \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

#define CHECK_SAME(what, got, want, count)                                                 \
    do {                                                                                   \
        if (memcmp(got, want, sizeof(*(got)) * (size_t)(count)) != 0) {                   \
            if (failures < 20)                                                             \
                printf("FAIL %s: %s differs (m=%lld n=%lld K=%lld)\n", path_name, what,     \
                       (long long)m, (long long)n, (long long)K);                          \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

#define KERNEL_TESTS(real, sfx, TOL)                                                       \
static void test_##sfx(const pynn_kernels_##sfx *k, const char *path_name)                 \
{                                                                                          \
    static const int64_t Ms[] = {1, 2, 3, 5, 10, 16, PYNN_PASS_ROWS, PYNN_PASS_ROWS + 1, \
                                 2 * PYNN_PASS_ROWS + 7, PYNN_SMALL_BATCH};            \
    static const int64_t Ns[] = {1, 2, 3, 4, 7, 10, 31};                                   \
    static const int64_t Ks[] = {1, 3, 4, 7, 8, 9, 16, 17, 25, 33, 56, 57, 72, 100, 127, 300, 601, 784}; \
    unsigned seed = 7;                                                                     \
    for (size_t a = 0; a < sizeof Ms / sizeof *Ms; a++)                                    \
    for (size_t b = 0; b < sizeof Ns / sizeof *Ns; b++)                                    \
    for (size_t c = 0; c < sizeof Ks / sizeof *Ks; c++) {                                  \
        const int64_t m = Ms[a], n = Ns[b], K = Ks[c];                                     \
        real *A = malloc(sizeof(real) * m * K), *W = malloc(sizeof(real) * n * K);         \
        real *W0 = malloc(sizeof(real) * n * K), *Z = malloc(sizeof(real) * m * n);        \
        real *D = malloc(sizeof(real) * m * n), *P = malloc(sizeof(real) * m * K);         \
        real *X = malloc(sizeof(real) * m * K), *Zn = malloc(sizeof(real) * m * n);        \
        real *Ds = malloc(sizeof(real) * m * n), *S = malloc(sizeof(real) * 64);         \
        real *b = malloc(sizeof(real) * n);                                                \
        const real **rows = malloc(sizeof(real *) * m), **next = malloc(sizeof(real *) * m); \
        for (int64_t i = 0; i < m * K; i++) { A[i] = (real)rnd(&seed); X[i] = (real)rnd(&seed); } \
        for (int64_t i = 0; i < n * K; i++) W0[i] = W[i] = (real)rnd(&seed);               \
        for (int64_t i = 0; i < m * n; i++) { Z[i] = (real)rnd(&seed); D[i] = (real)rnd(&seed); } \
        for (int64_t j = 0; j < n; j++) b[j] = (real)rnd(&seed);                           \
        for (int64_t r = 0; r < m; r++) { rows[r] = A + r * K; next[r] = X + r * K; }      \
        /* forward in two splits: [0, j) and [j, n), j a multiple of the tile; Z's         \
           old contents (random) are overwritten, not added to */                         \
        real *Zf = malloc(sizeof(real) * m * n);                                           \
        memcpy(Zf, Z, sizeof(real) * m * n);                                               \
        const int64_t split = n > PYNN_TILE_UNITS ? PYNN_TILE_UNITS : n;                   \
        k->forward(m, 0, split, K, rows, W, K, b, Zf, n);                                  \
        k->forward(m, split, n, K, rows, W, K, b, Zf, n);                                  \
        for (int64_t r = 0; r < m; r++)                                                    \
            for (int64_t j = 0; j < n; j++) {                                              \
                double want = b[j];                                                        \
                for (int64_t q = 0; q < K; q++) want += (double)A[r * K + q] * W[j * K + q]; \
                CHECK_CLOSE("forward", Zf[r * n + j], want, TOL * K);                      \
            }                                                                              \
        /* bit for bit the same when each unit is a tile of its own (the lane sums         \
           of a tile run side by side: a unit's must not depend on its place) */           \
        real *Zu = malloc(sizeof(real) * m * n);                                           \
        memcpy(Zu, Z, sizeof(real) * m * n);                                               \
        for (int64_t j = 0; j < n; j++) k->forward(m, j, j + 1, K, rows, W, K, b, Zu, n);   \
        CHECK_SAME("forward, one unit a tile", Zu, Zf, m * n);                             \
        /* delta: P (m x K) = D (m x n) W (n x K), then times G (m x K, here A) */        \
        for (int with_g = 0; with_g < 2; with_g++) {                                       \
            k->delta(m, K, n, D, W, with_g ? A : NULL, P);                                 \
            for (int64_t r = 0; r < m; r++)                                                \
                for (int64_t q = 0; q < K; q++) {                                          \
                    double want = 0;                                                       \
                    for (int64_t j = 0; j < n; j++) want += (double)D[r * n + j] * W[j * K + q]; \
                    if (with_g) want *= A[r * K + q];                                      \
                    CHECK_CLOSE(with_g ? "delta times G" : "delta", P[r * K + q], want, TOL * n); \
                }                                                                          \
        }                                                                                  \
        for (int64_t i = 0; i < m * n; i++) Ds[i] = (real)0.5 * D[i];                      \
        /* rank update with beta 0.9, fused next product (a shorter next mini-batch,       \
           as at the end of an epoch), split in two */                                     \
        const int64_t m_next = m > 2 ? m - m / 3 : m;                                      \
        memcpy(Zn, Z, sizeof(real) * m * n);                                               \
        pynn_rank_args_##sfx args = {.m = m, .K = K, .ldd = n, .ldw = K, .m_next = m_next, \
                                     .ldz = n, .Ds = Ds, .A = rows, .next = next,          \
                                     .W = W, .Z_next = Zn, .b_next = b, .beta = (real)0.9}; \
        k->rank_update(&args, 0, split);                                                   \
        k->rank_update(&args, split, n);                                                   \
        {   /* bit for bit the same, one unit a tile */                                    \
            real *Wu = malloc(sizeof(real) * n * K);                                       \
            memcpy(Wu, W0, sizeof(real) * n * K);                                          \
            memcpy(Zu, Z, sizeof(real) * m * n);                                           \
            pynn_rank_args_##sfx unit = args;                                              \
            unit.W = Wu; unit.Z_next = Zu;                                                 \
            for (int64_t j = 0; j < n; j++) k->rank_update(&unit, j, j + 1);               \
            CHECK_SAME("rank_update W, one unit a tile", Wu, W, n * K);                    \
            CHECK_SAME("rank_update Z_next, one unit a tile", Zu, Zn, m * n);              \
            free(Wu);                                                                      \
        }                                                                                  \
        for (int64_t j = 0; j < n; j++)                                                    \
            for (int64_t q = 0; q < K; q++) {                                              \
                double want = 0.9 * W0[j * K + q];                                         \
                for (int64_t r = 0; r < m; r++) want += 0.5 * D[r * n + j] * A[r * K + q]; \
                CHECK_CLOSE("rank_update W", W[j * K + q], want, TOL * m);                 \
            }                                                                              \
        for (int64_t r = 0; r < m; r++)                                                    \
            for (int64_t j = 0; j < n; j++) {                                              \
                /* rows past m_next untouched */                                           \
                double want = r < m_next ? b[j] : Z[r * n + j];                            \
                for (int64_t q = 0; q < K && r < m_next; q++)                              \
                    want += (double)X[r * K + q] * W[j * K + q];                           \
                CHECK_CLOSE("rank_update Z_next", Zn[r * n + j], want, TOL * K);           \
            }                                                                              \
        /* beta 0 ignores W's contents, NaN included; no next rows */                     \
        for (int64_t i = 0; i < n * K; i++) W[i] = (real)NAN;                              \
        args.beta = 0; args.next = NULL;                                                   \
        k->rank_update(&args, 0, n);                                                       \
        for (int64_t j = 0; j < n; j++)                                                    \
            for (int64_t q = 0; q < K; q++) {                                              \
                double want = 0;                                                           \
                for (int64_t r = 0; r < m; r++) want += 0.5 * D[r * n + j] * A[r * K + q]; \
                CHECK_CLOSE("rank_update beta=0", W[j * K + q], want, TOL * m);            \
            }                                                                              \
        free(A); free(W); free(W0); free(Z); free(D); free(P); free(X); free(Zn);          \
        free(Ds); free(S); free(rows); free(next); free(Zf); free(Zu); free(b);            \
    }                                                                                      \
    /* sigmoid: every length up to 3 vectors, the range edges, NaN */                     \
    real z[70], a[70], g[70];                                                              \
    for (int len = 0; len <= 3 * k->lanes + 1 && len <= 70; len++) {                       \
        for (int i = 0; i < len; i++) z[i] = (real)(rnd(&seed) * 30);                      \
        if (len > 2) { z[0] = (real)-800; z[1] = (real)800; z[2] = (real)NAN; }            \
        a[len] = g[len] = (real)42; /* nothing past len is written */                      \
        k->sigmoid(z, a, g, len);                                                          \
        for (int i = 0; i < len; i++) {                                                    \
            const double want = 1.0 / (1.0 + exp(-(double)z[i]));                          \
            if (isnan(z[i])) {                                                             \
                if (!isnan(a[i])) { printf("FAIL %s: sigmoid(NaN)\n", path_name); failures++; } \
                continue;                                                                  \
            }                                                                              \
            CHECK_CLOSE("sigmoid", a[i], want, 4 * TOL);                                   \
            CHECK_CLOSE("sigmoid grad", g[i], want * (1 - want), 8 * TOL);                 \
        }                                                                                  \
        CHECK_CLOSE("sigmoid past the end", a[len], 42, 0);                                \
        CHECK_CLOSE("sigmoid grad past the end", g[len], 42, 0);                           \
    }                                                                                      \
}

KERNEL_TESTS(double, f64, 1e-15)
KERNEL_TESTS(float, f32, 1e-6)

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A setting of the timer from the environment: `fallback` when unset; a
 * value outside [lo, hi] ends the program. */
static int64_t setting(const char *name, int64_t fallback, int64_t lo, int64_t hi)
{
    const char *text = getenv(name);
    if (text == NULL)
        return fallback;
    const int64_t v = atoll(text);
    if (v < lo || v > hi) {
        printf("%s: %lld to %lld\n", name, (long long)lo, (long long)hi);
        exit(2);
    }
    return v;
}

/* The timer's job, as the fast step splits it (fast.inc): tiles of `tile`
 * units of W, handed to the pool's threads. */
#define TIME_UPDATE(real, sfx)                                                              \
typedef struct {                                                                           \
    const pynn_kernels_##sfx *k;                                                           \
    const pynn_rank_args_##sfx *args;                                                      \
    int64_t n, tile;                                                                       \
} time_job_##sfx;                                                                          \
                                                                                           \
static void time_tiles_##sfx(void *raw, int64_t t0, int64_t t1)                            \
{                                                                                          \
    const time_job_##sfx *j = raw;                                                         \
    const int64_t j1 = t1 * j->tile < j->n ? t1 * j->tile : j->n;                          \
    j->k->rank_update(j->args, t0 * j->tile, j1);                                          \
}                                                                                          \
                                                                                           \
/* Seconds per fused layer-1 update of [784, n] at m rows, rows drawn at random from a     \
 * data set of `pool_rows` x m rows (pool_rows = 1: the same rows every time, in cache).   \
 * The best and the median of 20 runs of 100 updates each. */                              \
static void time_##sfx(int path, int64_t pool_rows, pynn_pool *pool, int64_t n, int64_t m, int64_t tile) \
{                                                                                          \
    const pynn_kernels_##sfx *k = pynn_kernels_for_##sfx(path);                            \
    const int64_t K = 784;                                                                 \
    real *data = aligned_alloc(64, sizeof(real) * (pool_rows * m * K + 64));               \
    real *W = aligned_alloc(64, sizeof(real) * n * K), *Ds = aligned_alloc(64, sizeof(real) * m * n * 16); \
    real *Z = calloc(m * n, sizeof(real)), *b = calloc(n, sizeof(real));                   \
    for (int64_t i = 0; i < pool_rows * m * K; i++) data[i] = (real)0.01;                  \
    for (int64_t i = 0; i < n * K; i++) W[i] = (real)0.01;                                 \
    for (int64_t i = 0; i < m * n; i++) Ds[i] = (real)1e-3;                                \
    const real *rows[PYNN_SMALL_BATCH], *next[PYNN_SMALL_BATCH];                           \
    for (int r = 0; r < m; r++) next[r] = data + r * K;                                    \
    unsigned seed = 1;                                                                     \
    double times[20];                                                                      \
    for (int rep = 0; rep < 20; rep++) {                                                   \
        const double t0 = now();                                                           \
        for (int i = 0; i < 100; i++) {                                                    \
            for (int r = 0; r < m; r++) {                                                  \
                rows[r] = next[r];                                                         \
                next[r] = data + (int64_t)((rnd(&seed) + 1) / 2 * (double)(pool_rows * m - 1)) * K; \
            }                                                                              \
            const pynn_rank_args_##sfx args = {.m = m, .K = K, .ldd = n, .ldw = K, .m_next = m, \
                                               .ldz = n, .Ds = Ds, .A = rows, .next = next, \
                                               .W = W, .Z_next = Z, .b_next = b, .beta = 1}; \
            time_job_##sfx job = {k, &args, n, tile};                                      \
            pynn_pool_run(pool, time_tiles_##sfx, &job, (n + tile - 1) / tile);            \
        }                                                                                  \
        times[rep] = (now() - t0) / 100;                                                   \
    }                                                                                      \
    qsort(times, 20, sizeof times[0], compare_doubles);                                    \
    const double best = times[0], median = times[10];                                      \
    printf("%s %s: fused update [784,%lld] m=%lld, rows from %lld, %d thread(s), tiles of %lld units: " \
           "best %.1f us (%.1f GFLOP/s), median %.1f us\n",                                 \
           pynn_path_name(path), #sfx, (long long)n, (long long)m, (long long)(pool_rows * m), \
           pynn_pool_threads(pool), (long long)tile, best * 1e6, 4.0 * m * n * K / best / 1e9, median * 1e6); \
    free(data); free(W); free(Ds); free(Z); free(b);                                       \
}
TIME_UPDATE(double, f64)
TIME_UPDATE(float, f32)

/* test_kernels --time P [N]: see the top. */
static int time_path(const char *name, int64_t pool_rows)
{
    for (int p = 0; p < PYNN_PATH_COUNT; p++) {
        if (!pynn_path_name(p) || strcmp(pynn_path_name(p), name) != 0 || !pynn_kernels_for_f64(p))
            continue;
        const int rank_units = pynn_kernels_for_f64(p)->rank_units;
        const int per_tile = PYNN_TILE_UNITS / rank_units > 1 ? PYNN_TILE_UNITS / rank_units : 1;
        const int64_t n = setting("PYNN_TIME_UNITS", 100, 1, 4096);
        const int64_t m = setting("PYNN_TIME_ROWS", 10, 1, PYNN_SMALL_BATCH);
        const int64_t tile = setting("PYNN_TIME_TILE", (int64_t)rank_units * per_tile, 1, n);
        pynn_pool *pool = pynn_pool_start((int)setting("PYNN_TIME_THREADS", 1, 1, 64));
        time_f64(p, pool_rows, pool, n, m, tile);
        time_f32(p, pool_rows, pool, n, m, tile);
        pynn_pool_stop(pool);
        return 0;
    }
    printf("no such path here: %s\n", name);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--time") == 0) {
        const int64_t pool_rows = argc == 4 ? atoll(argv[3]) : 1;
        if (pool_rows < 1) {
            printf("N: at least 1\n");
            return 2;
        }
        return time_path(argv[2], pool_rows);
    }
    int tested = 0;
    for (int p = 0; p < PYNN_PATH_COUNT; p++) {
        if (!pynn_path_compiled(p) || pynn_kernels_for_f64(p) == NULL || pynn_kernels_for_f64(p)->path != p)
            continue;
        if (!pynn_path_supported(p)) {
            printf("skip %s: this CPU does not run it\n", pynn_path_name(p));
            continue;
        }
        const int before = failures;
        test_f64(pynn_kernels_for_f64(p), pynn_path_name(p));
        test_f32(pynn_kernels_for_f32(p), pynn_path_name(p));
        printf("%s %s: f64 and f32 kernels\n", failures == before ? "ok" : "FAILED", pynn_path_name(p));
        tested++;
    }
    for (int p = 0; p < PYNN_PATH_COUNT; p++)
        if (pynn_path_compiled(p) && p != PYNN_PATH_AUTO && p != PYNN_PATH_REFERENCE &&
            !pynn_path_supported(p))
            printf("skip %s: compiled, but this CPU cannot run it\n", pynn_path_name(p));
    printf("%d paths tested, %d failures\n", tested, failures);
    return failures == 0 && tested > 0 ? 0 : 1;
}
