/*
 * pynn_cblas.h -- the one place where the BLAS library is named.
 *
 * The scipy-openblas32 wheel (the default provider) exports every symbol with
 * the prefix "scipy_" (scipy_cblas_dgemm), so that it never clashes with the
 * OpenBLAS that numpy or scipy load into the same process.  CMake defines
 * BLAS_SYMBOL_PREFIX=scipy_ for it; with -DPYNN_BLAS=system it defines
 * nothing and the plain cblas names of the system library are used.  The rest
 * of the core calls pynn_gemm_d / pynn_gemm_s and reads as plain cblas.
 */
#ifndef PYNN_CBLAS_H
#define PYNN_CBLAS_H

#include <cblas.h>

#ifdef BLAS_SYMBOL_PREFIX
#define PYNN_PASTE_(a, b) a##b
#define PYNN_PASTE(a, b) PYNN_PASTE_(a, b)
#define PYNN_BLAS_NAME(name) PYNN_PASTE(BLAS_SYMBOL_PREFIX, name)
#else
#define PYNN_BLAS_NAME(name) name
#endif

#define pynn_gemm_d PYNN_BLAS_NAME(cblas_dgemm)
#define pynn_gemm_s PYNN_BLAS_NAME(cblas_sgemm)

/* The bundled OpenBLAS's thread count (read only: the count is
 * process-wide, so the core never changes it); 1 for a system BLAS. */
#ifdef BLAS_SYMBOL_PREFIX
#define pynn_blas_get_threads() PYNN_BLAS_NAME(openblas_get_num_threads)()
#else
#define pynn_blas_get_threads() 1
#endif

#endif /* PYNN_CBLAS_H */
