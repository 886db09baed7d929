/* pool.c -- helper threads that split one product between the cores.
 *
 * A training step at mini-batch 10 lasts ~100 us, so handing work to a
 * sleeping thread (a futex wake-up: tens of us) would cost more than it
 * saves.  Helpers spin on a generation counter while jobs keep coming, and
 * after a few milliseconds without one (Python-side work between chunks,
 * evaluation) they sleep on a condition variable until the next job.  Each
 * job is split by output rows, so every number is computed the same way
 * whatever the thread count: results are bit-identical. */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#define PYNN_MAX_THREADS 64
#define PYNN_SPINS_BEFORE_SLEEP 100000 /* pause instructions: a few ms */

struct pynn_pool {
    int threads;
    int started;
    pthread_t helpers[PYNN_MAX_THREADS];
    _Atomic long generation; /* bumped by pynn_pool_run for each job */
    _Atomic int pending;     /* helper parts not finished yet         */
    _Atomic int sleeping;    /* helpers waiting on wake                */
    _Atomic int quit;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pynn_job_fn fn;
    void *arg;
};

static void pause_briefly(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

typedef struct { pynn_pool *pool; int part; } helper_arg;

/* Waits until the generation moves past `seen` (or quit); spins first. */
static long wait_for_job(pynn_pool *pool, long seen)
{
    for (long spins = 0; spins < PYNN_SPINS_BEFORE_SLEEP; spins++) {
        long now = atomic_load(&pool->generation);
        if (now != seen || atomic_load(&pool->quit))
            return now;
        pause_briefly();
    }
    pthread_mutex_lock(&pool->lock);
    atomic_fetch_add(&pool->sleeping, 1);
    /* sequentially consistent with pynn_pool_run: either it sees this
       helper asleep and broadcasts, or this check sees its new generation */
    while (atomic_load(&pool->generation) == seen && !atomic_load(&pool->quit))
        pthread_cond_wait(&pool->wake, &pool->lock);
    atomic_fetch_sub(&pool->sleeping, 1);
    pthread_mutex_unlock(&pool->lock);
    return atomic_load(&pool->generation);
}

static void *helper_main(void *raw)
{
    helper_arg self = *(helper_arg *)raw;
    free(raw);
    pynn_pool *pool = self.pool;
    long seen = 0;
    for (;;) {
        long now = wait_for_job(pool, seen);
        if (atomic_load(&pool->quit))
            break;
        seen = now;
        pool->fn(pool->arg, self.part, pool->threads);
        atomic_fetch_sub_explicit(&pool->pending, 1, memory_order_acq_rel);
    }
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
    atomic_init(&pool->sleeping, 0);
    atomic_init(&pool->quit, 0);
    if (pthread_mutex_init(&pool->lock, NULL) != 0) {
        free(pool);
        return NULL;
    }
    if (pthread_cond_init(&pool->wake, NULL) != 0) {
        pthread_mutex_destroy(&pool->lock);
        free(pool);
        return NULL;
    }
    for (int t = 1; t < threads; t++) {
        helper_arg *arg = malloc(sizeof *arg);
        if (arg == NULL)
            break;
        arg->pool = pool;
        arg->part = t;
        if (pthread_create(&pool->helpers[t - 1], NULL, helper_main, arg) != 0) {
            free(arg);
            break;
        }
        pool->started++;
    }
    if (pool->started != threads - 1) {
        /* could not start them all: the caller runs single-threaded */
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
    atomic_store(&pool->pending, pool->threads - 1);
    atomic_fetch_add(&pool->generation, 1);
    if (atomic_load(&pool->sleeping) > 0) {
        pthread_mutex_lock(&pool->lock);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->lock);
    }
    fn(arg, 0, pool->threads);
    while (atomic_load_explicit(&pool->pending, memory_order_acquire) != 0)
        pause_briefly();
}

void pynn_pool_stop(pynn_pool *pool)
{
    if (pool == NULL)
        return;
    atomic_store(&pool->quit, 1);
    pthread_mutex_lock(&pool->lock);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int t = 0; t < pool->started; t++)
        pthread_join(pool->helpers[t], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}
