/* pool.h -- a tiny pool of spinning helper threads for the small kernels.
 * Internal to the core (not part of pynn.h). */
#ifndef PYNN_POOL_H
#define PYNN_POOL_H

/* fn(arg, part, parts) computes part `part` of `parts` of a job. */
typedef void (*pynn_job_fn)(void *arg, int part, int parts);

typedef struct pynn_pool pynn_pool;

/* A pool running jobs on `threads` threads in all (the caller's included), or
 * NULL when threads < 2 or the helpers could not be started. */
pynn_pool *pynn_pool_start(int threads);
/* Runs fn on every thread of the pool and returns when all parts are done. */
void pynn_pool_run(pynn_pool *pool, pynn_job_fn fn, void *arg);
int pynn_pool_threads(const pynn_pool *pool);
void pynn_pool_stop(pynn_pool *pool);

#endif
