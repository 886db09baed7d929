/* pool.h -- running one job on the pool's threads (internal to the core;
 * starting and stopping a pool is part of pynn.h). */
#ifndef PYNN_POOL_H
#define PYNN_POOL_H

#include "pynn.h"

/* fn(arg, part, parts) computes part `part` of `parts` of a job. */
typedef void (*pynn_job_fn)(void *arg, int part, int parts);

/* Runs fn on every thread of the pool and returns when all parts are done. */
void pynn_pool_run(pynn_pool *pool, pynn_job_fn fn, void *arg);

#endif
