/* floor.h -- a benchmark entry of the core, not part of its API (pynn.h). */
#ifndef PYNN_FLOOR_H
#define PYNN_FLOOR_H

#include "pynn.h"

/* Runs the BLAS calls of `batches` reference SGD steps on mini-batches of
 * `batch` rows alone (no element-wise work) on scratch buffers; returns the
 * seconds they took, or a negative status. */
double pynn_bench_gemm_floor_f64(const pynn_arch *arch, int64_t batch, int64_t batches);
double pynn_bench_gemm_floor_f32(const pynn_arch *arch, int64_t batch, int64_t batches);

#endif
