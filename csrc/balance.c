/* balance.c -- splitting a job's tiles between threads by measured speed. */
#include "balance.h"

#include <math.h>
#include <time.h>

/* Weight of the newest measurement in the smoothed cost: one slow step
 * (an interrupt) moves the split little; a lasting change is followed
 * within about ten steps. */
#define PYNN_BALANCE_SMOOTHING 0.2
/* A boundary moves only when it is this many tiles off: a tile changing
 * threads moves its rows of W to the other core's cache, so the split must
 * not flap between two positions from step to step. */
#define PYNN_BALANCE_SLACK 0.75
/* The factor a single run may move a thread's cost by, before smoothing. */
#define PYNN_BALANCE_OUTLIER 2.0

void pynn_balance_reset(pynn_balance *b, int parts, int64_t tiles)
{
    if (parts < 1) parts = 1;
    if (parts > PYNN_BALANCE_MAX_PARTS) parts = PYNN_BALANCE_MAX_PARTS;
    b->parts = parts;
    b->tiles = tiles;
    for (int t = 0; t <= parts; t++)
        b->bounds[t] = tiles * t / parts;
    for (int t = 0; t < parts; t++)
        b->seconds[t] = b->cost[t] = 0;
}

void pynn_balance_update(pynn_balance *b)
{
    const int parts = b->parts;
    /* too few tiles to move any: keep the even split */
    if (parts < 2 || b->tiles < 2 * (int64_t)parts)
        return;
    double speed_total = 0;
    for (int t = 0; t < parts; t++) {
        const int64_t count = b->bounds[t + 1] - b->bounds[t];
        if (count > 0 && b->seconds[t] > 0) {
            double cost = b->seconds[t] / (double)count;
            if (b->cost[t] > 0) {
                /* a thread preempted for a millisecond must not hand all its
                   tiles away for the next twenty steps: one run counts as at
                   most twice (or half) the cost so far */
                const double high = PYNN_BALANCE_OUTLIER * b->cost[t], low = b->cost[t] / PYNN_BALANCE_OUTLIER;
                cost = cost > high ? high : cost < low ? low : cost;
                cost = b->cost[t] + PYNN_BALANCE_SMOOTHING * (cost - b->cost[t]);
            }
            b->cost[t] = cost;
        }
        if (!(b->cost[t] > 0))
            return; /* a part not measured yet */
        speed_total += 1.0 / b->cost[t];
    }
    /* boundary t where part t-1's share of the speed ends */
    double speed_before = 0;
    for (int t = 1; t < parts; t++) {
        speed_before += 1.0 / b->cost[t - 1];
        const double ideal = (double)b->tiles * speed_before / speed_total;
        int64_t bound = b->bounds[t];
        if (fabs(ideal - (double)bound) > PYNN_BALANCE_SLACK)
            bound = (int64_t)llround(ideal);
        /* every part keeps at least one tile */
        const int64_t low = b->bounds[t - 1] + 1, high = b->tiles - (parts - t);
        b->bounds[t] = bound < low ? low : bound > high ? high : bound;
    }
}

double pynn_balance_clock(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}
