#!/usr/bin/python3
"""Reference outputs of torchvision's tensor transforms for data-adapters' ViewsFixtureTest.

Writes data-adapters/src/test/resources/org/seer4j/data/views/torchvision_fixture.json: a random 23x17 RGB
image, antialiased bilinear resizes of crops of it (torchvision.transforms.functional.resize, antialias=True,
float path), Resize(12) + CenterCrop(9), and the colour and blur functions applied to one float crop. Needs Debian's python3-torchvision
(run with /usr/bin/python3).
"""
import json
import os

import torch
import torchvision
import torchvision.transforms.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data-adapters", "src", "test", "resources",
                   "org", "seer4j", "data", "views", "torchvision_fixture.json")


def flat(t):
    return [round(float(v), 7) for v in t.flatten()]


def main():
    g = torch.Generator().manual_seed(7)
    h, w = 17, 23
    img = torch.randint(0, 256, (3, h, w), generator=g, dtype=torch.uint8)
    hwc = img.permute(1, 2, 0).flatten().tolist()
    resizes = []
    # (top, left, height, width, out_h, out_w): downscale, upscale, mixed, whole image
    for top, left, ch, cw, oh, ow in [(2, 3, 12, 16, 5, 7), (1, 1, 4, 5, 9, 11), (0, 4, 17, 9, 6, 13),
                                      (0, 0, 17, 23, 8, 8)]:
        crop = img[:, top:top + ch, left:left + cw].to(torch.float32)
        out = F.resize(crop, [oh, ow], interpolation=F.InterpolationMode.BILINEAR, antialias=True) / 255.0
        resizes.append({"box": [top, left, ch, cw], "size": [oh, ow], "out": flat(out)})
    center = F.center_crop(F.resize(img.to(torch.float32), 12, antialias=True), 9) / 255.0
    base = F.resize(img.to(torch.float32), [8, 8], antialias=True) / 255.0
    base = base.clamp(0, 1)
    ops = {
        "brightness": {"factor": 1.37, "out": flat(F.adjust_brightness(base, 1.37))},
        "contrast": {"factor": 0.45, "out": flat(F.adjust_contrast(base, 0.45))},
        "saturation": {"factor": 1.6, "out": flat(F.adjust_saturation(base, 1.6))},
        "hue": {"factor": -0.23, "out": flat(F.adjust_hue(base, -0.23))},
        "grayscale": {"out": flat(F.rgb_to_grayscale(base, num_output_channels=3))},
        "blur": {"sigma": 0.9, "kernel": 7, "out": flat(F.gaussian_blur(base, [7, 7], [0.9, 0.9]))},
    }
    with open(OUT, "w") as f:
        json.dump({"torchvision": torchvision.__version__, "width": w, "height": h, "pixels": hwc,
                   "resize": resizes, "center": {"resize": 12, "crop": 9, "out": flat(center)}, "base": flat(base), "ops": ops}, f)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
