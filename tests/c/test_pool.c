/* test_pool.c -- the pool under stress: many short jobs on more threads than
 * cores, tiles that sometimes yield the CPU mid-way (as a preempted helper
 * does), prefetch hints between jobs whose rows lie anywhere (a hint must
 * never fault), side work on some jobs.  Every tile of every job must run
 * exactly once, with its own job's arguments; side work once, on the
 * caller's thread and before its first tile (tile 0, which only the caller
 * runs); and every job must end (a watchdog fails the test after 120 s).
 * And a helper that stalls a job makes the caller run the next ones alone. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pool.h"

typedef struct {
    _Atomic int hits[64];
    unsigned seed;
} job_state;

/* A tile's work: about a microsecond, so that sharing pays and the pool
   shares. */
static void work_a_microsecond(void)
{
    volatile double x = 1.0;
    for (int i = 0; i < 300; i++) x = x * 1.0000001 + 1e-9;
}

static void tiles(void *raw, int64_t begin, int64_t end)
{
    job_state *job = raw;
    for (int64_t t = begin; t < end; t++) {
        work_a_microsecond();
        atomic_fetch_add(&job->hits[t], 1);
        if ((job->seed + (unsigned)t) % 97 == 0)
            sched_yield(); /* give the core away mid-job now and then */
    }
}

/* side work: counts its runs, those off the caller's thread, and those
   after the job's tile 0 */
typedef struct {
    pthread_t caller;
    job_state *job;
    int runs, elsewhere, late;
} side_state;

static void side(void *raw)
{
    side_state *s = raw;
    s->runs++;
    s->elsewhere += !pthread_equal(pthread_self(), s->caller);
    s->late += atomic_load(&s->job->hits[0]) != 0;
}

/* A stall: a helper holding a tile for 2 ms, far past the pool's stall
   limit (PYNN_STALL_SECONDS, 200 us), armed for one job at a time. */
typedef struct {
    pthread_t caller;
    _Atomic int armed;      /* the next tile a helper runs sleeps */
    _Atomic int off_caller; /* tiles helpers ran */
} stall_state;

static void stall_tiles(void *raw, int64_t begin, int64_t end)
{
    stall_state *s = raw;
    for (int64_t t = begin; t < end; t++) {
        work_a_microsecond();
        if (pthread_equal(pthread_self(), s->caller))
            continue;
        atomic_fetch_add(&s->off_caller, 1);
        if (atomic_exchange(&s->armed, 0))
            usleep(2000);
    }
}

/* After a job that a helper stalled, the caller runs the next jobs alone
   (the pool measures again, alone first, or backs off): they publish
   nothing a helper could take. */
static int test_stall(void)
{
    pynn_pool *pool = pynn_pool_start(2);
    if (pool == NULL) {
        printf("FAIL: no pool of 2 threads\n");
        return 1;
    }
    stall_state s = {.caller = pthread_self()};
    int stalls = 0, failures = 0;
    for (int j = 0; j < 20000 && stalls < 3; j++) {
        atomic_store(&s.armed, 1);
        pynn_pool_run(pool, stall_tiles, &s, 18);
        if (atomic_load(&s.armed)) /* no helper took part */
            continue;
        stalls++;
        for (int k = 0; k < 10; k++) {
            atomic_store(&s.off_caller, 0);
            pynn_pool_run(pool, stall_tiles, &s, 18);
            if (atomic_load(&s.off_caller) != 0 && failures++ < 10)
                printf("FAIL: job %d after a stall: helpers ran %d tiles\n", k + 1, atomic_load(&s.off_caller));
        }
    }
    pynn_pool_stop(pool);
    if (stalls == 0) {
        /* 18 tiles of a microsecond: on two cores or more the probes find
           that sharing pays; on one, helpers only take the caller's core */
        if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
            printf("skip stalls: one core, the pool runs alone\n");
            return 0;
        }
        printf("FAIL: the pool never shared one of 20000 jobs\n");
        failures++;
    }
    printf("%s stalls: %d, each followed by 10 jobs on the caller alone\n", failures ? "FAILED" : "ok", stalls);
    return failures;
}

int main(void)
{
    alarm(120);
    int failures = 0;
    /* hint rows: a real buffer, NULL, and an address that is not mapped */
    static char buffer[PYNN_SMALL_BATCH][256];
    const void *rows[PYNN_SMALL_BATCH];
    for (int r = 0; r < PYNN_SMALL_BATCH; r++)
        rows[r] = r % 3 == 0 ? (const void *)buffer[r] : r % 3 == 1 ? NULL : (const void *)(uintptr_t)0x10;
    pynn_pool_prefetch(NULL, rows, PYNN_SMALL_BATCH, 256); /* no pool: nothing to do */
    job_state small = {.seed = 1};
    side_state alone = {pthread_self(), &small, 0, 0, 0};
    pynn_pool_run_side(NULL, tiles, &small, 3, side, &alone); /* no pool: the caller runs all */
    if (alone.runs != 1 || alone.elsewhere != 0 || alone.late != 0) {
        printf("FAIL: side work without a pool ran %d times, %d after tile 0\n", alone.runs, alone.late);
        failures++;
    }
    for (int threads = 2; threads <= 4; threads++) {
        pynn_pool *pool = pynn_pool_start(threads);
        if (pool == NULL) {
            printf("FAIL: no pool of %d threads\n", threads);
            return 1;
        }
        unsigned seed = 12345;
        /* two jobs' states in turn: a thread that ran a tile of one job with
           the arguments of the job before it shows in the earlier state */
        static job_state states[2];
        int64_t last_count = 0;
        for (int j = 0; j < 50000; j++) {
            seed = seed * 1103515245u + 12345u;
            job_state *const before = &states[(j + 1) % 2];
            job_state *const now = &states[j % 2];
            now->seed = seed;
            const int64_t count = 1 + (seed >> 16) % 64;
            for (int t = 0; t < 64; t++) atomic_init(&now->hits[t], 0);
            if (j % 4 == 0)
                pynn_pool_prefetch(pool, rows, (seed >> 8) % (PYNN_SMALL_BATCH + 1), 256);
            side_state extra = {pthread_self(), now, 0, 0, 0};
            if (j % 3 == 0)
                pynn_pool_run_side(pool, tiles, now, count, side, &extra);
            else
                pynn_pool_run(pool, tiles, now, count);
            if (j % 3 == 0 && (extra.runs != 1 || extra.elsewhere != 0 || extra.late != 0) && failures++ < 10)
                printf("FAIL: %d threads, job %d: side work ran %d times, %d elsewhere, %d after tile 0\n",
                       threads, j, extra.runs, extra.elsewhere, extra.late);
            for (int64_t t = 0; t < 64; t++) {
                if (atomic_load(&now->hits[t]) != (t < count) && failures++ < 10)
                    printf("FAIL: %d threads, job %d, tile %lld ran %d times\n", threads, j,
                           (long long)t, atomic_load(&now->hits[t]));
                if (j > 0 && atomic_load(&before->hits[t]) != (t < last_count) && failures++ < 10)
                    printf("FAIL: %d threads, job %d: tile %lld of the job before ran again\n", threads, j,
                           (long long)t);
            }
            last_count = count;
        }
        pynn_pool_stop(pool);
        printf("%s pool of %d threads: 50000 jobs\n", failures ? "FAILED" : "ok", threads);
    }
    failures += test_stall();
    return failures != 0;
}
