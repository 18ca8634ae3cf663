#!/usr/bin/python3
"""Writes a folder of photo-sized JPEGs for `seer4j bench-data` and scripts/bench_data_torchvision.py.

Each image is a Fashion-MNIST picture (Debian's dataset-fashion-mnist) upscaled to 500x375 (ImageNet's typical
size), tinted with a per-image colour gradient and sprinkled with noise so the JPEG has photo-like entropy;
saved at quality 90. Needs Debian's python3-pil and python3-numpy (run with /usr/bin/python3).

    /usr/bin/python3 scripts/make_bench_jpegs.py OUT_DIR [COUNT]
"""
import gzip
import os
import struct
import sys

import numpy as np
from PIL import Image

SRC = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    with gzip.open(SRC, "rb") as f:
        data = f.read()
    n, rows, cols = struct.unpack(">III", data[4:16])
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, rows, cols)
    rng = np.random.default_rng(0)
    os.makedirs(out, exist_ok=True)
    yy, xx = np.mgrid[0:375, 0:500]
    for i in range(count):
        gray = Image.fromarray(pixels[i % n]).resize((500, 375), Image.BICUBIC)
        g = np.asarray(gray, dtype=np.float32) / 255.0
        c0 = rng.uniform(0, 1, 3)
        c1 = rng.uniform(0, 1, 3)
        t = (xx / 500.0 * 0.5 + yy / 375.0 * 0.5)[..., None]
        background = (1 - t) * c0 + t * c1
        rgb = background * (1 - g[..., None]) + g[..., None] * rng.uniform(0.5, 1, 3)
        rgb = rgb * 255 + rng.normal(0, 6, rgb.shape)
        img = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
        img.save(os.path.join(out, "img%05d.jpg" % i), quality=90)
    print("wrote", count, "JPEGs to", out)


if __name__ == "__main__":
    main()
