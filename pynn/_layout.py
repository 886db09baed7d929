"""The parameter layout, the one definition Python has of it: all of a
network's parameters in one buffer, layer after layer, W_l (n_l x n_{l-1},
row by row) then b_l (n_l), as csrc/pynn.h lays them out for the core."""


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
