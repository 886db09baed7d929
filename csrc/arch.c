/* arch.c -- validation and parameter layout of a network's shape. */
#include "pynn.h"

/* BLAS takes 32-bit dimensions (scipy-openblas32), so no layer may exceed it. */
#define PYNN_MAX_DIM ((int64_t)1 << 30)

int pynn_arch_check(const pynn_arch *arch)
{
    if (arch == NULL || arch->sizes == NULL || arch->acts == NULL)
        return PYNN_EARG;
    if (arch->num_layers < 2)
        return PYNN_EDIM;
    for (int l = 0; l < arch->num_layers; l++)
        if (arch->sizes[l] < 1 || arch->sizes[l] > PYNN_MAX_DIM)
            return PYNN_EDIM;
    for (int l = 1; l < arch->num_layers; l++) {
        int32_t act = arch->acts[l - 1];
        if (act < 0 || act >= PYNN_ACT_COUNT)
            return PYNN_EARG;
        /* softmax couples the units of a layer: only the output may use it. */
        if (act == PYNN_ACT_SOFTMAX && l != arch->num_layers - 1)
            return PYNN_EARG;
    }
    if (arch->cost < 0 || arch->cost >= PYNN_COST_COUNT)
        return PYNN_EARG;
    if (arch->cost == PYNN_COST_LOG_LIKELIHOOD &&
        arch->acts[arch->num_layers - 2] != PYNN_ACT_SOFTMAX)
        return PYNN_EARG;
    return PYNN_OK;
}

size_t pynn_param_count(const pynn_arch *arch)
{
    size_t total = 0;
    for (int l = 1; l < arch->num_layers; l++)
        total += (size_t)arch->sizes[l] * (size_t)(arch->sizes[l - 1] + 1);
    return total;
}

int pynn_optimizer_state_factor(int optimizer)
{
    switch (optimizer) {
    case PYNN_OPT_SGD: return 0;
    case PYNN_OPT_MOMENTUM:
    case PYNN_OPT_NESTEROV:
    case PYNN_OPT_ADAGRAD:
    case PYNN_OPT_RMSPROP: return 1;
    case PYNN_OPT_ADAM: return 2;
    default: return -1;
    }
}
