/* pool.c -- helper threads that share the tiles of one job, on a machine
 * that may be busy with other work.
 *
 * Claiming.  Each thread owns an even share of the tiles (so that, on a
 * quiet machine, it touches the same rows of W every step and keeps them in
 * its cache) and claims them one at a time from the front; a thread that
 * runs out takes unclaimed tiles from the back of the others' shares.  A
 * preempted helper therefore holds back at most the tile it is computing:
 * whoever is running does the rest.
 *
 * A busy machine.  When other processes want the cores too, helpers do not
 * help: a preempted helper holds its tile back for a whole time slice, and
 * spinning helpers take CPU time from the caller.  So the pool measures:
 * it runs PYNN_PROBE_JOBS jobs on the caller's thread alone (helpers
 * asleep), then as many shared, and compares their median seconds per tile.
 * If sharing is not clearly faster (PYNN_SHARE_GAIN), the next `backoff`
 * jobs run alone, backoff doubling at each such verdict; if it is, the pool
 * shares for PYNN_SHARE_JOBS jobs and then measures again.  A stall (the
 * caller still waiting for a helper's tile PYNN_STALL_SECONDS after running
 * out of work) ends a shared run at once and starts a measurement: the
 * cores of a virtual machine stall for up to milliseconds now and then on
 * an idle host too, while a busy machine shows in the measurement (there, a
 * stall while measuring shared runs alone at once).
 *
 * Waiting for jobs.  A training step is far shorter than waking a sleeping
 * thread (a futex) takes to pay back: helpers spin while jobs keep coming
 * and sleep after a few milliseconds without one (docs/performance.md).
 * While they spin they take prefetch hints (pynn_pool_prefetch): the rows
 * that the next job reads first from memory.
 *
 * Which thread computes a tile never changes how: results are bit-identical
 * for any number of threads. */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PYNN_MAX_THREADS 64
#define PYNN_SPINS_BEFORE_SLEEP 100000 /* pause instructions: a few ms       */
#define PYNN_STALL_SECONDS 200e-6      /* a tile takes microseconds; a preempted
                                          thread is gone for milliseconds    */
#define PYNN_PROBE_JOBS 24             /* jobs timed alone, then shared      */
#define PYNN_PROBE_SKIP 4              /* first shared jobs not timed: wake-up */
#define PYNN_SHARE_GAIN 0.85           /* shared must take < 85% of alone    */
#define PYNN_SHARE_JOBS 4096           /* jobs shared before measuring again */
#define PYNN_BACKOFF_MIN 1024          /* jobs alone after a first verdict   */
#define PYNN_BACKOFF_MAX 131072        /* ... and at most (seconds of steps) */
#define PYNN_CLOCK_SPINS 128           /* pauses between looks at the clock      */
#define PYNN_HINT_LINES 32             /* lines prefetched between looks for a job */

/* One share of the tiles: [front, back) not claimed yet, packed in one word
 * so that the owner (front) and the others (back) claim by compare-and-swap.
 * Each on its own cache line. */
typedef struct {
    _Alignas(64) _Atomic uint64_t range;
    _Atomic int64_t finished; /* tiles this thread has computed, all jobs */
} share;

struct pynn_pool {
    int threads;
    int started;
    pthread_t helpers[PYNN_MAX_THREADS];
    share shares[PYNN_MAX_THREADS];
    /* what a helper reads when a job comes, on one cache line: one transfer */
    _Alignas(64) _Atomic uint64_t generation; /* bumped for each job shared */
    _Atomic(pynn_tiles_fn) fn;
    _Atomic(void *) arg;
    /* the last prefetch hint: row addresses (a torn read of them only
       prefetches the wrong row) */
    _Alignas(64) _Atomic uint64_t hint_generation;
    _Atomic int64_t hint_count, hint_bytes;
    _Atomic uintptr_t hint_rows[PYNN_SMALL_BATCH];
    _Alignas(64) _Atomic int sleeping; /* helpers waiting on wake            */
    _Atomic int napping;    /* 1: the caller runs alone; helpers go to sleep  */
    _Atomic int quit;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    /* the caller's own state: the sharing policy (see the top), and the
       tiles of all shared jobs so far (the job is done when the threads'
       finished counts add up to it) */
    int64_t target;
    enum { PROBE_ALONE, PROBE_SHARED, SHARING, ALONE } phase;
    int64_t left;                  /* jobs left in this phase              */
    int64_t backoff;               /* jobs of the next ALONE phase         */
    double per_tile[2][PYNN_PROBE_JOBS]; /* probes: seconds per tile of each job, */
    int timed[2];                        /* alone [0] and shared [1]            */
};

/* A fresh measurement: jobs alone first, then shared. */
static void start_probe(pynn_pool *pool)
{
    pool->phase = PROBE_ALONE;
    pool->left = PYNN_PROBE_JOBS;
    pool->timed[0] = pool->timed[1] = 0;
}

static uint64_t pack(int64_t front, int64_t back) { return (uint64_t)front << 32 | (uint64_t)back; }
static int64_t front_of(uint64_t r) { return (int64_t)(r >> 32); }
static int64_t back_of(uint64_t r) { return (int64_t)(r & 0xffffffffu); }

static void pause_briefly(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

/* A tile of share s, from its front (own) or its back (taken); -1: none left. */
static int64_t claim(share *s, int own)
{
    uint64_t r = atomic_load_explicit(&s->range, memory_order_acquire);
    for (;;) {
        const int64_t front = front_of(r), back = back_of(r);
        if (front >= back)
            return -1;
        const uint64_t next = own ? pack(front + 1, back) : pack(front, back - 1);
        if (atomic_compare_exchange_weak_explicit(&s->range, &r, next, memory_order_acq_rel,
                                                  memory_order_acquire))
            return own ? front : back - 1;
    }
}

/* Thread `self` computes tiles: its own share, then what is left of the
 * others'; `count` tiles of the job it computed already.  The job cannot
 * end while this thread holds a claimed tile, so fn and arg, read after
 * the first claim, belong to the job claimed from. */
static void take_part(pynn_pool *pool, int self, int64_t count)
{
    pynn_tiles_fn fn = NULL;
    void *arg = NULL;
    for (int i = 0; i < pool->threads; i++) {
        const int t = (self + i) % pool->threads;
        for (int64_t tile; (tile = claim(&pool->shares[t], i == 0)) >= 0; count++) {
            if (fn == NULL) {
                fn = atomic_load_explicit(&pool->fn, memory_order_acquire);
                arg = atomic_load_explicit(&pool->arg, memory_order_acquire);
            }
            fn(arg, tile, tile + 1);
        }
    }
    if (count > 0)
        atomic_fetch_add_explicit(&pool->shares[self].finished, count, memory_order_release);
}

/* The rows of the last prefetch hint, into this thread's caches, until a
 * job past generation `seen` comes: it looks every PYNN_HINT_LINES lines,
 * so that a long row does not hold the job back.  The T0 hint (locality 3):
 * lines asked for with T1 were read back slower (docs/performance.md). */
static void take_hint(pynn_pool *pool, uint64_t seen)
{
    const int64_t count = atomic_load_explicit(&pool->hint_count, memory_order_relaxed);
    const int64_t bytes = atomic_load_explicit(&pool->hint_bytes, memory_order_relaxed);
    for (int64_t r = 0; r < count; r++) {
        /* addresses as integers: a hint's row may be anything, NULL too */
        const uintptr_t row = atomic_load_explicit(&pool->hint_rows[r], memory_order_relaxed);
        for (int64_t i = 0; i < bytes; i += PYNN_ALIGNMENT) { /* a cache line each */
            if (i % (PYNN_ALIGNMENT * PYNN_HINT_LINES) == 0 &&
                atomic_load_explicit(&pool->generation, memory_order_relaxed) != seen)
                return;
            __builtin_prefetch((const void *)(row + (uintptr_t)i), 0, 3);
        }
    }
}

/* Waits until the generation moves past `seen` (or quit), taking prefetch
 * hints meanwhile (*hint_seen: the last one taken); spins first, unless
 * the caller runs alone for now. */
static uint64_t wait_for_job(pynn_pool *pool, uint64_t seen, uint64_t *hint_seen)
{
    for (long spins = 0; spins < PYNN_SPINS_BEFORE_SLEEP; spins++) {
        const uint64_t now = atomic_load_explicit(&pool->generation, memory_order_acquire);
        if (now != seen || atomic_load(&pool->quit))
            return now;
        if (atomic_load_explicit(&pool->napping, memory_order_relaxed))
            break;
        const uint64_t hint = atomic_load_explicit(&pool->hint_generation, memory_order_acquire);
        if (hint != *hint_seen) {
            *hint_seen = hint;
            take_hint(pool, seen);
        }
        pause_briefly();
    }
    pthread_mutex_lock(&pool->lock);
    atomic_fetch_add(&pool->sleeping, 1);
    /* sequentially consistent with wake_sleepers: either it sees this helper
       asleep and broadcasts, or this check sees its new generation */
    while (atomic_load(&pool->generation) == seen && !atomic_load(&pool->quit))
        pthread_cond_wait(&pool->wake, &pool->lock);
    atomic_fetch_sub(&pool->sleeping, 1);
    pthread_mutex_unlock(&pool->lock);
    return atomic_load(&pool->generation);
}

typedef struct { pynn_pool *pool; int self; } helper_arg;

static void *helper_main(void *raw)
{
    helper_arg me = *(helper_arg *)raw;
    free(raw);
    uint64_t seen = 0, hint_seen = 0;
    for (;;) {
        seen = wait_for_job(me.pool, seen, &hint_seen);
        if (atomic_load(&me.pool->quit))
            break;
        take_part(me.pool, me.self, 0);
    }
    return NULL;
}

pynn_pool *pynn_pool_start(int threads)
{
    if (threads < 2)
        return NULL;
    if (threads > PYNN_MAX_THREADS)
        threads = PYNN_MAX_THREADS;
    pynn_pool *pool = aligned_alloc(64, (sizeof(pynn_pool) + 63) / 64 * 64);
    if (pool == NULL)
        return NULL;
    memset(pool, 0, sizeof *pool);
    pool->threads = threads;
    pool->started = 0;
    for (int t = 0; t < PYNN_MAX_THREADS; t++) {
        atomic_init(&pool->shares[t].range, 0);
        atomic_init(&pool->shares[t].finished, 0);
    }
    atomic_init(&pool->generation, 0);
    atomic_init(&pool->sleeping, 0);
    atomic_init(&pool->napping, 0);
    atomic_init(&pool->quit, 0);
    atomic_init(&pool->hint_generation, 0);
    atomic_init(&pool->hint_count, 0);
    atomic_init(&pool->hint_bytes, 0);
    atomic_init(&pool->fn, NULL);
    atomic_init(&pool->arg, NULL);
    pool->backoff = PYNN_BACKOFF_MIN;
    start_probe(pool);
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
        arg->self = t;
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

/* Publishes a job: fresh shares, then the generation that helpers wait on;
 * the caller's first tile (tile 0) is not in its share: the caller computes
 * it (after the side work, if any) while these stores travel to the
 * helpers' caches (a locked instruction here would wait for them).  (A
 * helper still looking for tiles of the last job may claim one of this job
 * as soon as a share is published: the finished counts never reset, so its
 * count adds to this job's target.) */
static void share_job(pynn_pool *pool, pynn_tiles_fn fn, void *arg, int64_t tiles)
{
    atomic_store_explicit(&pool->fn, fn, memory_order_relaxed);
    atomic_store_explicit(&pool->arg, arg, memory_order_relaxed);
    pool->target += tiles;
    atomic_thread_fence(memory_order_release);
    for (int t = 0; t < pool->threads; t++)
        atomic_store_explicit(&pool->shares[t].range,
                              pack(t == 0 ? 1 : tiles * t / pool->threads, tiles * (t + 1) / pool->threads),
                              memory_order_release);
    if (atomic_load_explicit(&pool->napping, memory_order_relaxed)) /* the caller alone writes it */
        atomic_store(&pool->napping, 0);
    /* the caller alone writes the generation: no read-modify-write */
    atomic_store_explicit(&pool->generation, atomic_load_explicit(&pool->generation, memory_order_relaxed) + 1,
                          memory_order_release);
}

/* Wakes the helpers that went to sleep.  The fence pairs with the helper's
 * increment of sleeping before its last look at the generation (wait_for_job):
 * either the helper sees the new generation, or this sees it asleep. */
static void wake_sleepers(pynn_pool *pool)
{
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load(&pool->sleeping) > 0) {
        pthread_mutex_lock(&pool->lock);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->lock);
    }
}

/* Whether every tile of the job shared last is computed. */
static int job_done(pynn_pool *pool)
{
    int64_t total = 0;
    for (int t = 0; t < pool->threads; t++)
        total += atomic_load_explicit(&pool->shares[t].finished, memory_order_acquire);
    return total == pool->target;
}

/* The side work, if any, then the whole job on the caller's thread. */
static void run_alone(pynn_tiles_fn fn, void *arg, int64_t tiles, void (*side)(void *), void *side_arg)
{
    if (side != NULL)
        side(side_arg);
    fn(arg, 0, tiles);
}

/* Shares one job with the helpers, the side work (if any) first: its data,
 * written just before the job, are still in the caller's L1, which the
 * job's tiles then fill with their own.  A helper that runs out first
 * takes the caller's last tiles from the back.  Returns 1 if a helper
 * stalled it. */
static int run_shared(pynn_pool *pool, pynn_tiles_fn fn, void *arg, int64_t tiles,
                      void (*side)(void *), void *side_arg)
{
    share_job(pool, fn, arg, tiles);
    if (side != NULL)
        side(side_arg);
    fn(arg, 0, 1);
    wake_sleepers(pool);
    take_part(pool, 0, 1);
    if (job_done(pool))
        return 0;
    /* a helper is still computing a tile: the clock, read once every
       PYNN_CLOCK_SPINS pauses, tells a stall */
    const double since = seconds_now();
    int stalled = 0;
    for (long spins = 1; !job_done(pool); spins++) {
        pause_briefly();
        if (!stalled && spins % PYNN_CLOCK_SPINS == 0 && seconds_now() - since > PYNN_STALL_SECONDS)
            stalled = 1;
    }
    return stalled;
}

/* The median of n > 0 numbers (sorted in place): one job that a hiccup of
 * the host delayed does not decide a probe. */
static double median(double *x, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && x[j - 1] > x[j]; j--) {
            const double t = x[j];
            x[j] = x[j - 1];
            x[j - 1] = t;
        }
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

/* Moves the policy to its next phase. */
static void next_phase(pynn_pool *pool, int stalled)
{
    switch (pool->phase) {
    case PROBE_ALONE:
        pool->phase = PROBE_SHARED;
        pool->left = PYNN_PROBE_JOBS;
        return;
    case PROBE_SHARED:
        if (!stalled && pool->timed[0] > 0 && pool->timed[1] > 0 &&
            median(pool->per_tile[1], pool->timed[1]) <
                PYNN_SHARE_GAIN * median(pool->per_tile[0], pool->timed[0])) {
            pool->phase = SHARING;
            pool->left = PYNN_SHARE_JOBS;
            pool->backoff = PYNN_BACKOFF_MIN;
            return;
        }
        break; /* sharing did not pay: alone for a while */
    case SHARING: /* the run is over, or a helper stalled it: measure again */
    case ALONE:
        start_probe(pool);
        return;
    }
    pool->phase = ALONE;
    pool->left = pool->backoff;
    pool->backoff = pool->backoff * 2 < PYNN_BACKOFF_MAX ? pool->backoff * 2 : PYNN_BACKOFF_MAX;
    atomic_store(&pool->napping, 1);
}

void pynn_pool_run(pynn_pool *pool, pynn_tiles_fn fn, void *arg, int64_t tiles)
{
    pynn_pool_run_side(pool, fn, arg, tiles, NULL, NULL);
}

void pynn_pool_run_side(pynn_pool *pool, pynn_tiles_fn fn, void *arg, int64_t tiles,
                        void (*side)(void *), void *side_arg)
{
    if (pool == NULL || tiles < 2 * (int64_t)pool->threads || tiles > 0x7fffffff) {
        run_alone(fn, arg, tiles, side, side_arg);
        return;
    }
    const int shared = pool->phase == PROBE_SHARED || pool->phase == SHARING;
    if (!shared && !atomic_load_explicit(&pool->napping, memory_order_relaxed))
        atomic_store(&pool->napping, 1); /* helpers: sleep, do not spin */
    /* only the probes' jobs are timed: a clock read is not free, and a
       job takes microseconds */
    const int probe = pool->phase == PROBE_ALONE ||
                      (pool->phase == PROBE_SHARED && pool->left <= PYNN_PROBE_JOBS - PYNN_PROBE_SKIP);
    const double start = probe ? seconds_now() : 0.0;
    int stalled = 0;
    if (shared)
        stalled = run_shared(pool, fn, arg, tiles, side, side_arg);
    else
        run_alone(fn, arg, tiles, side, side_arg);
    if (probe)
        pool->per_tile[shared][pool->timed[shared]++] = (seconds_now() - start) / (double)tiles;
    if (--pool->left <= 0 || stalled)
        next_phase(pool, stalled);
}

void pynn_pool_prefetch(pynn_pool *pool, const void *const *rows, int64_t count, int64_t bytes)
{
    if (pool == NULL || atomic_load_explicit(&pool->napping, memory_order_relaxed))
        return;
    if (count > PYNN_SMALL_BATCH)
        count = PYNN_SMALL_BATCH;
    for (int64_t r = 0; r < count; r++)
        atomic_store_explicit(&pool->hint_rows[r], (uintptr_t)rows[r], memory_order_relaxed);
    atomic_store_explicit(&pool->hint_count, count, memory_order_relaxed);
    atomic_store_explicit(&pool->hint_bytes, bytes, memory_order_relaxed);
    /* the caller alone writes it: no read-modify-write */
    atomic_store_explicit(&pool->hint_generation,
                          atomic_load_explicit(&pool->hint_generation, memory_order_relaxed) + 1,
                          memory_order_release);
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
