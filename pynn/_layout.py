"""The parameter layout, the one definition Python has of it: all of a
network's parameters in one buffer, layer after layer, W_l (n_l x n_{l-1},
row by row) then b_l (n_l), as csrc/pynn.h lays them out for the core; and
the alignment that the core wants of the buffers it reads (parameters, data
rows)."""
import numpy as np

from . import _core

# Byte alignment of the parameter buffer (the core's PYNN_ALIGNMENT: a cache
# line, so that its widest vectors never straddle two lines of a row of W).
ALIGNMENT = _core.ALIGNMENT


def aligned_zeros(shape, dtype):
    """Zeros of dtype in C order whose first byte sits on an ALIGNMENT boundary."""
    dtype = np.dtype(dtype)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    raw = np.zeros(nbytes + ALIGNMENT, dtype=np.uint8)
    start = -raw.ctypes.data % ALIGNMENT
    return raw[start:start + nbytes].view(dtype).reshape(shape)


def aligned_copy(a, dtype):
    """a converted to dtype, in C order, on an ALIGNMENT boundary.  Data rows
    whose length is a multiple of a cache line then all start on one, and the
    fast step's vector loads of them never straddle two lines (the split loads
    cost 6-17%, docs/performance.md)."""
    a = np.asarray(a)
    out = aligned_zeros(a.shape, dtype)
    out[...] = a
    return out


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
