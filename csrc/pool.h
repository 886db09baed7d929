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

#endif
