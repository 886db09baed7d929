/* pool.c -- helper threads that split one product between the cores.
 *
 * A training step at mini-batch 10 lasts ~150 us, so handing work to a
 * sleeping thread (futex wake-up: tens of us) would cost more than it saves.
 * The helpers spin on a generation counter while a training call runs, then
 * yield the CPU after a while without work, and are joined when the call
 * ends.  Each job is split by output rows, so every number is computed the
 * same way whatever the thread count: results are bit-identical. */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#define PYNN_MAX_THREADS 64
#define PYNN_SPINS_BEFORE_YIELD 4096

struct pynn_pool {
    int threads;
    pthread_t helpers[PYNN_MAX_THREADS];
    int started;
    _Atomic long generation; /* bumped by pynn_pool_run for each job */
    _Atomic int pending;     /* helper parts not finished yet         */
    _Atomic int quit;
    pynn_job_fn fn;
    void *arg;
};

static void relax(long *spins)
{
    if (++*spins >= PYNN_SPINS_BEFORE_YIELD) {
        sched_yield(); /* let another process have the core */
        *spins = 0;
    } else {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
}

typedef struct { pynn_pool *pool; int part; } helper_arg;

static void *helper_main(void *raw)
{
    helper_arg *self = raw;
    pynn_pool *pool = self->pool;
    long seen = 0, spins = 0;
    for (;;) {
        long now = atomic_load_explicit(&pool->generation, memory_order_acquire);
        if (atomic_load_explicit(&pool->quit, memory_order_acquire))
            break;
        if (now == seen) {
            relax(&spins);
            continue;
        }
        seen = now;
        spins = 0;
        pool->fn(pool->arg, self->part, pool->threads);
        atomic_fetch_sub_explicit(&pool->pending, 1, memory_order_acq_rel);
    }
    free(self);
    return NULL;
}

pynn_pool *pynn_pool_start(int threads)
{
    if (threads < 2)
        return NULL;
    if (threads > PYNN_MAX_THREADS)
        threads = PYNN_MAX_THREADS;
    pynn_pool *pool = calloc(1, sizeof *pool);
    if (pool == NULL)
        return NULL;
    pool->threads = threads;
    atomic_init(&pool->generation, 0);
    atomic_init(&pool->pending, 0);
    atomic_init(&pool->quit, 0);
    for (int t = 1; t < threads; t++) {
        helper_arg *arg = malloc(sizeof *arg);
        if (arg == NULL) break;
        arg->pool = pool;
        arg->part = t;
        if (pthread_create(&pool->helpers[t - 1], NULL, helper_main, arg) != 0) {
            free(arg);
            break;
        }
        pool->started++;
    }
    if (pool->started != threads - 1) {
        /* could not start them all: run single-threaded */
        pool->threads = pool->started + 1;
        pynn_pool_stop(pool);
        return NULL;
    }
    return pool;
}

int pynn_pool_threads(const pynn_pool *pool) { return pool ? pool->threads : 1; }

void pynn_pool_run(pynn_pool *pool, pynn_job_fn fn, void *arg)
{
    pool->fn = fn;
    pool->arg = arg;
    atomic_store_explicit(&pool->pending, pool->threads - 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
    fn(arg, 0, pool->threads);
    long spins = 0;
    while (atomic_load_explicit(&pool->pending, memory_order_acquire) != 0)
        relax(&spins);
}

void pynn_pool_stop(pynn_pool *pool)
{
    if (pool == NULL)
        return;
    atomic_store_explicit(&pool->quit, 1, memory_order_release);
    for (int t = 0; t < pool->started; t++)
        pthread_join(pool->helpers[t], NULL);
    free(pool);
}
