/* pool.h -- running one job on the pool's threads (internal to the core;
 * starting and stopping a pool is part of pynn.h). */
#ifndef PYNN_POOL_H
#define PYNN_POOL_H

#include <stdint.h>

#include "pynn.h"

/* fn(arg, begin, end) computes tiles [begin, end) of a job.  A tile must be
 * computed the same way whichever thread runs it. */
typedef void (*pynn_tiles_fn)(void *arg, int64_t begin, int64_t end);

/* Runs tiles [0, tiles) of a job and returns when all are done: on the
 * pool's threads, or on the caller's alone when pool is NULL, when there
 * are fewer than two tiles per thread, or while sharing does not pay (the
 * pool's timing, pool.c). */
void pynn_pool_run(pynn_pool *pool, pynn_tiles_fn fn, void *arg, int64_t tiles);

/* pynn_pool_run, and side(side_arg) once on the caller's thread before its
 * first tile: work that needs nothing of the job (and that the job does
 * not touch), while the helpers, if they share the job, start on their
 * tiles and take over the caller's last ones if they run out first.  Which
 * thread runs which tile still changes no result. */
void pynn_pool_run_side(pynn_pool *pool, pynn_tiles_fn fn, void *arg, int64_t tiles,
                        void (*side)(void *), void *side_arg);

/* A hint: helpers waiting for the next job bring the first `count` of these
 * rows (`bytes` each; at most PYNN_SMALL_BATCH rows) into their caches
 * meanwhile, so that the job's first tiles do not wait for memory.  It
 * changes no result; a pool whose caller runs alone ignores it. */
void pynn_pool_prefetch(pynn_pool *pool, const void *const *rows, int64_t count, int64_t bytes);

#endif
