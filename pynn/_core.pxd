# Declarations of the C API in csrc/pynn.h.
from libc.stdint cimport int32_t, int64_t, uint64_t

cdef extern from "pynn.h" nogil:
    enum:
        PYNN_ALIGNMENT
        PYNN_SMALL_BATCH
        PYNN_OK
        PYNN_ENOMEM
        PYNN_EDIM
        PYNN_EARG
        PYNN_ENONFINITE

    enum:
        PYNN_PATH_AUTO
        PYNN_PATH_REFERENCE
        PYNN_PATH_COUNT
    const char *pynn_path_name(int path)
    int pynn_path_compiled(int path)
    int pynn_path_supported(int path)
    int pynn_path_resolve(int path)
    int pynn_path_fast_rows(int path)

    ctypedef struct pynn_arch:
        int num_layers
        const int64_t *sizes
        const int32_t *acts
        int32_t cost

    ctypedef struct pynn_pool:
        pass

    pynn_pool *pynn_pool_start(int threads)
    int pynn_pool_threads(const pynn_pool *pool)
    void pynn_pool_stop(pynn_pool *pool)
    int pynn_blas_threads()

    ctypedef struct pynn_train_opts:
        double eta
        double lmbda
        double l1
        double n_total
        int32_t optimizer
        double momentum
        double rho
        double beta1
        double beta2
        double epsilon
        const double *dropout
        int32_t path
        pynn_pool *pool
        double *loss_sum

    ctypedef struct pynn_rng:
        uint64_t s[4]

    int pynn_arch_check(const pynn_arch *arch)
    size_t pynn_param_count(const pynn_arch *arch)
    int pynn_optimizer_state_factor(int optimizer)
    void pynn_rng_seed(pynn_rng *rng, uint64_t seed)
    void pynn_shuffle(pynn_rng *rng, int64_t *perm, int64_t n)

    int pynn_forward_f64(const pynn_arch *, const double *, const double *, int64_t, double *, int)
    int pynn_forward_f32(const pynn_arch *, const float *, const float *, int64_t, float *, int)
    int pynn_gradient_f64(const pynn_arch *, const double *, const double *, const double *,
                          const double *, int64_t, double *, double *, int)
    int pynn_gradient_f32(const pynn_arch *, const float *, const float *, const float *,
                          const float *, int64_t, float *, double *, int)
    int pynn_evaluate_f64(const pynn_arch *, const double *, const double *, const double *,
                          const int64_t *, const double *, int64_t, double *, double *, int)
    int pynn_evaluate_f32(const pynn_arch *, const float *, const float *, const float *,
                          const int64_t *, const float *, int64_t, double *, double *, int)
    int pynn_train_f64(const pynn_arch *, double *, const double *, const double *, const double *,
                       int64_t, const int64_t *, int64_t, int64_t, int64_t, const pynn_train_opts *,
                       double *, int64_t *, pynn_rng *)
    int pynn_train_f32(const pynn_arch *, float *, const float *, const float *, const float *,
                       int64_t, const int64_t *, int64_t, int64_t, int64_t, const pynn_train_opts *,
                       float *, int64_t *, pynn_rng *)


cdef extern from "floor.h" nogil:
    double pynn_bench_gemm_floor_f64(const pynn_arch *, int64_t, int64_t)
    double pynn_bench_gemm_floor_f32(const pynn_arch *, int64_t, int64_t)
