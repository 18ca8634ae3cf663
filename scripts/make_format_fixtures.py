#!/usr/bin/python3
"""Writes the tiny image fixtures of data-adapters' ImageDecoderTest that Java cannot write itself (ImageIO has
no WebP writer): 8x6 pictures, left half red (255, 0, 0), right half blue (0, 0, 255), as lossless WebP, lossy
WebP (quality 90) and lossless WebP with an alpha channel (alpha 128 everywhere). Needs Debian's python3-pil.

    /usr/bin/python3 scripts/make_format_fixtures.py data-adapters/src/test/resources/org/seer4j/data/image
"""
import os
import sys

from PIL import Image


def halves(mode):
    img = Image.new(mode, (8, 6))
    for y in range(6):
        for x in range(8):
            rgb = (255, 0, 0) if x < 4 else (0, 0, 255)
            img.putpixel((x, y), rgb + ((128,) if mode == "RGBA" else ()))
    return img


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    halves("RGB").save(os.path.join(out, "halves-lossless.webp"), lossless=True)
    halves("RGB").save(os.path.join(out, "halves-lossy.webp"), quality=90)
    halves("RGBA").save(os.path.join(out, "halves-alpha.webp"), lossless=True)


if __name__ == "__main__":
    main()
