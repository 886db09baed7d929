/* layout.h -- where each layer's parameters sit in the one parameter buffer
 * (internal to the core; the public description is in pynn.h).
 *
 * Layer l = 1 .. L occupies n_l * (n_{l-1} + 1) scalars: W_l (n_l x n_{l-1},
 * row-major), then b_l (n_l).  This is the only place that computes it;
 * gradients and optimizer state use the same layout. */
#ifndef PYNN_LAYOUT_H
#define PYNN_LAYOUT_H

#include <stdlib.h>

#include "pynn.h"

/* Scratch buffers start on PYNN_ALIGNMENT, as the parameters do.  Freed
 * with free(). */
static inline void *pynn_alloc_lines(size_t bytes)
{
    const size_t lines = (bytes + PYNN_ALIGNMENT - 1) / PYNN_ALIGNMENT;
    return aligned_alloc(PYNN_ALIGNMENT, lines * PYNN_ALIGNMENT);
}

/* Scalars of layer l: its weights and biases. */
static inline size_t pynn_layer_size(const pynn_arch *arch, int l)
{
    return (size_t)arch->sizes[l] * (size_t)(arch->sizes[l - 1] + 1);
}

/* Offset of W_l in the buffer; l = num_layers gives the total length. */
static inline size_t pynn_layer_offset(const pynn_arch *arch, int l)
{
    size_t offset = 0;
    for (int k = 1; k < l; k++)
        offset += pynn_layer_size(arch, k);
    return offset;
}

/* Offset of b_l: right after W_l. */
static inline size_t pynn_bias_offset(const pynn_arch *arch, int l)
{
    return pynn_layer_offset(arch, l) + (size_t)arch->sizes[l] * (size_t)arch->sizes[l - 1];
}

#endif
