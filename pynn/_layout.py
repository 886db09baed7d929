"""The parameter layout, the one definition Python has of it: all of a
network's parameters in one buffer, layer after layer, W_l (n_l x n_{l-1},
row by row) then b_l (n_l), as csrc/pynn.h lays them out for the core."""
import numpy as np

# Byte alignment of the parameter buffer: a cache line, so that the core's
# widest vectors (AVX-512: 64 bytes) never straddle two lines in a row of W
# whose length is a multiple of 64 bytes (784 inputs: 98 lines in float64).
ALIGNMENT = 64


def aligned_zeros(n, dtype):
    """n zeros of dtype whose first byte sits on an ALIGNMENT boundary."""
    dtype = np.dtype(dtype)
    raw = np.zeros(n * dtype.itemsize + ALIGNMENT, dtype=np.uint8)
    start = -raw.ctypes.data % ALIGNMENT
    return raw[start:start + n * dtype.itemsize].view(dtype)


def layout(sizes):
    """(offset, n_out, n_in) of each layer's W_l in the buffer; b_l follows it."""
    layers, offset = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers.append((offset, n_out, n_in))
        offset += n_out * (n_in + 1)
    return layers


def count(sizes):
    """The number of parameters of a network of these sizes."""
    return sum(n_out * (n_in + 1) for n_in, n_out in zip(sizes[:-1], sizes[1:]))
