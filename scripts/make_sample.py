#!/usr/bin/env python3
"""Cuts the bundled Fashion-MNIST sample from Debian's dataset-fashion-mnist files.

Takes the first TRAIN images (and labels) of the training split and the first TEST of the test split and writes
them as gzipped IDX files (mtime 0, so reruns give identical bytes) into data-adapters' sample resources.

    apt-get install dataset-fashion-mnist && python3 scripts/make_sample.py
"""
import gzip
import os
import struct
import sys

SRC = "/usr/share/datasets/fashion-mnist"
DST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data-adapters", "src", "main", "resources",
                   "org", "seer4j", "data", "sample")
TRAIN, TEST = 4000, 1000


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, path
    dims = list(struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim]))
    return dims, data[4 + 4 * ndim:]


def write_idx(path, dims, values):
    header = struct.pack(">HBB", 0, 0x08, len(dims)) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(header + values)


def cut(split_in, split_out, count):
    dims, values = read_idx(os.path.join(SRC, split_in + "-images-idx3-ubyte.gz"))
    per = dims[1] * dims[2]
    write_idx(os.path.join(DST, "fashion-mnist-%s-images-idx3-ubyte.gz" % split_out), [count] + dims[1:],
              values[:count * per])
    ldims, labels = read_idx(os.path.join(SRC, split_in + "-labels-idx1-ubyte.gz"))
    write_idx(os.path.join(DST, "fashion-mnist-%s-labels-idx1-ubyte.gz" % split_out), [count], labels[:count])
    counts = [labels[:count].count(bytes([c])) for c in range(10)]
    print(split_out, count, "images, per class", counts)


if __name__ == "__main__":
    if not os.path.isdir(SRC):
        sys.exit(SRC + " is missing: apt-get install dataset-fashion-mnist")
    os.makedirs(DST, exist_ok=True)
    cut("train", "train", TRAIN)
    cut("t10k", "test", TEST)
