"""Converts scikit-learn's copy of the UCI optical digits into pynn's embedded files.

Run once (the output is committed):
    python tools/convert_digits.py path/to/sklearn/datasets/data/digits.csv.gz

The CSV has one image per line: 64 pixel counts in 0..16 (an 8x8 image), then
the label.  It becomes two gzipped IDX files, the format of MNIST, under
pynn/data/: digits-images-idx3-ubyte.gz (1797 x 8 x 8, uint8) and
digits-labels-idx1-ubyte.gz (1797, uint8).  gzip's timestamp is zeroed so the
files are reproducible byte for byte.
"""
import gzip
import io
import pathlib
import struct
import sys

import numpy as np


def idx_bytes(array):
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_gzip(path, payload):
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as stream:
        stream.write(payload)
    path.write_bytes(buffer.getvalue())


def main(source):
    rows = np.loadtxt(source, delimiter=",", dtype=np.int64)
    assert rows.shape == (1797, 65), rows.shape
    images, labels = rows[:, :64], rows[:, 64]
    assert images.min() >= 0 and images.max() <= 16 and set(labels) == set(range(10))
    out = pathlib.Path(__file__).resolve().parent.parent / "pynn" / "data"
    write_gzip(out / "digits-images-idx3-ubyte.gz", idx_bytes(images.reshape(-1, 8, 8)))
    write_gzip(out / "digits-labels-idx1-ubyte.gz", idx_bytes(labels))
    print(f"wrote {len(labels)} digits to {out}")


if __name__ == "__main__":
    main(sys.argv[1])
