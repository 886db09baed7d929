/* isa.c -- which kernel paths this build has and this CPU runs.
 *
 * The choice depends only on the CPU's features and the caller's request,
 * never on a timing, so a seed gives bit-identical results on a machine. */
#include "isa.h"

#include <stddef.h>

/* Which kernel files the build compiled (CMakeLists.txt defines these). */
#ifdef PYNN_KERNELS_X86
#define PYNN_X86 1
#else
#define PYNN_X86 0
#endif
#ifdef PYNN_KERNELS_NEON
#define PYNN_AARCH64 1
#else
#define PYNN_AARCH64 0
#endif

/* In the order AUTO prefers them, best first. */
static const int preference[] = {PYNN_PATH_AVX512, PYNN_PATH_AVX2, PYNN_PATH_NEON, PYNN_PATH_GENERIC};

const char *pynn_path_name(int path)
{
    switch (path) {
    case PYNN_PATH_AUTO: return "auto";
    case PYNN_PATH_REFERENCE: return "reference";
    case PYNN_PATH_GENERIC: return "generic";
    case PYNN_PATH_AVX2: return "avx2";
    case PYNN_PATH_AVX512: return "avx512";
    case PYNN_PATH_NEON: return "neon";
    default: return NULL;
    }
}

int pynn_path_compiled(int path)
{
    switch (path) {
    case PYNN_PATH_AUTO:
    case PYNN_PATH_REFERENCE:
    case PYNN_PATH_GENERIC: return 1;
    case PYNN_PATH_AVX2:
    case PYNN_PATH_AVX512: return PYNN_X86;
    case PYNN_PATH_NEON: return PYNN_AARCH64;
    default: return 0;
    }
}

int pynn_path_supported(int path)
{
    if (!pynn_path_compiled(path))
        return 0;
#if PYNN_X86
    __builtin_cpu_init();
    if (path == PYNN_PATH_AVX2)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (path == PYNN_PATH_AVX512) /* also checks that the OS saves the zmm registers */
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
               __builtin_cpu_supports("fma");
#endif
    return 1;
}

int pynn_path_resolve(int path)
{
    if (path != PYNN_PATH_AUTO)
        return pynn_path_supported(path) ? path : -1;
    for (size_t i = 0; i < sizeof preference / sizeof preference[0]; i++)
        if (pynn_path_supported(preference[i]))
            return preference[i];
    return PYNN_PATH_REFERENCE;
}

#define PYNN_KERNELS_FOR(sfx)                                                       \
    extern const pynn_kernels_##sfx pynn_kernels_generic_##sfx;                     \
    extern const pynn_kernels_##sfx pynn_kernels_avx2_##sfx;                        \
    extern const pynn_kernels_##sfx pynn_kernels_avx512_##sfx;                      \
    extern const pynn_kernels_##sfx pynn_kernels_neon_##sfx;                        \
    const pynn_kernels_##sfx *pynn_kernels_for_##sfx(int path)                      \
    {                                                                               \
        path = pynn_path_resolve(path);                                             \
        switch (path) {                                                             \
        case PYNN_PATH_GENERIC: return &pynn_kernels_generic_##sfx;                 \
        PYNN_IF_X86(case PYNN_PATH_AVX2: return &pynn_kernels_avx2_##sfx;)          \
        PYNN_IF_X86(case PYNN_PATH_AVX512: return &pynn_kernels_avx512_##sfx;)      \
        PYNN_IF_AARCH64(case PYNN_PATH_NEON: return &pynn_kernels_neon_##sfx;)      \
        default: return NULL; /* the reference path, or not available */           \
        }                                                                           \
    }

#if PYNN_X86
#define PYNN_IF_X86(x) x
#else
#define PYNN_IF_X86(x)
#endif
#if PYNN_AARCH64
#define PYNN_IF_AARCH64(x) x
#else
#define PYNN_IF_AARCH64(x)
#endif

PYNN_KERNELS_FOR(f64)
PYNN_KERNELS_FOR(f32)

int pynn_path_fast_rows(int path)
{
    const pynn_kernels_f64 *k = pynn_kernels_for_f64(path);
    return k != NULL ? k->max_rows : 0;
}
