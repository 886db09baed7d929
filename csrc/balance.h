/* balance.h -- splitting a job's tiles between threads by measured speed
 * (internal to the core).
 *
 * The two cores of a shared machine do not run equally fast: the thread
 * that also runs the serial part of a step, or a core a neighbour is
 * loading, may take a third longer for the same half of a product, and
 * every step then waits for it.  A balance keeps, per part, a smoothed cost
 * per tile and moves the boundaries so that each part gets tiles in
 * proportion to its speed.  Only which thread computes a tile changes, never
 * how, so results stay bit-identical. */
#ifndef PYNN_BALANCE_H
#define PYNN_BALANCE_H

#include <stdint.h>

#define PYNN_BALANCE_MAX_PARTS 64

typedef struct {
    int parts;      /* 0: not set up yet */
    int64_t tiles;
    int64_t bounds[PYNN_BALANCE_MAX_PARTS + 1]; /* part t: tiles [bounds[t], bounds[t+1]) */
    double seconds[PYNN_BALANCE_MAX_PARTS];     /* the last run, written by each part */
    double cost[PYNN_BALANCE_MAX_PARTS];        /* smoothed seconds per tile, 0: none yet */
} pynn_balance;

/* An even split of `tiles` between `parts` (the split without measurements). */
void pynn_balance_reset(pynn_balance *b, int parts, int64_t tiles);

/* Folds the last run's seconds into the costs and moves the boundaries. */
void pynn_balance_update(pynn_balance *b);

/* A monotonic clock in seconds, for the parts' timings. */
double pynn_balance_clock(void);

#endif
