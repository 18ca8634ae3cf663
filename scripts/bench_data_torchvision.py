#!/usr/bin/python3
"""torchvision + PIL doing what `seer4j bench-data` times: decode each JPEG and make SwAV's multi-crop views.

The transforms are SwAV's (facebookresearch/swav, main_swav.py): RandomResizedCrop, horizontal flip, colour
jitter (0.8, 0.8, 0.8, 0.2) applied with p 0.8, grayscale with p 0.2, PIL Gaussian blur (radius 0.1-2) with
p 0.5, ToTensor, Normalize; crops of one size stacked per group. Not needed by CI.

    /usr/bin/python3 scripts/bench_data_torchvision.py DIR [--images N] [--workers N] [--json]
"""
import argparse
import json
import os
import random
import time

import torch
import torchvision.transforms as T
from PIL import Image, ImageFilter

RECIPES = {"2x224+6x96": [(2, 224, 0.14, 1.0), (6, 96, 0.05, 0.14)],
           "2x96+4x48": [(2, 96, 0.14, 1.0), (4, 48, 0.05, 0.14)]}


class RandomBlur:
    def __call__(self, img):
        if random.random() >= 0.5:
            return img
        return img.filter(ImageFilter.GaussianBlur(radius=random.uniform(0.1, 2.0)))


def transforms(recipe):
    jitter = T.ColorJitter(0.8, 0.8, 0.8, 0.2)
    out = []
    for count, size, lo, hi in RECIPES[recipe]:
        t = T.Compose([T.RandomResizedCrop(size, scale=(lo, hi)), T.RandomHorizontalFlip(),
                       T.RandomApply([jitter], p=0.8), T.RandomGrayscale(p=0.2), RandomBlur(), T.ToTensor(),
                       T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
        out.append((count, t))
    return out


class Views(torch.utils.data.Dataset):
    def __init__(self, files, recipe):
        self.files = files
        self.groups = transforms(recipe)

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        with open(self.files[i], "rb") as f:
            img = Image.open(f).convert("RGB")
        return [torch.stack([t(img) for _ in range(count)]) for count, t in self.groups]


def run(files, recipe, workers, batch):
    loader = torch.utils.data.DataLoader(Views(files, recipe), batch_size=batch, num_workers=workers,
                                         shuffle=True, drop_last=True)
    crops = sum(c for c, _, _, _ in RECIPES[recipe])
    it = iter(loader)
    next(it)  # warm-up batch, not timed (worker start-up)
    start = time.perf_counter()
    cpu_start = process_cpu_seconds()
    n = 0
    for b in it:
        n += b[0].shape[0]
    seconds = time.perf_counter() - start
    cpu = process_cpu_seconds() - cpu_start
    return {"recipe": recipe, "workers": workers, "images": n, "crops": n * crops, "seconds": seconds,
            "cpu_seconds": cpu, "images_per_second": n / seconds, "images_per_cpu_second": n / cpu,
            "crops_per_second": n * crops / seconds}


def process_cpu_seconds():
    """CPU time of this process and its (DataLoader worker) children, so the per-core rate survives a busy machine."""
    own = time.process_time()
    c = os.times()
    return own + c.children_user + c.children_system


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--images", type=int, default=512)
    p.add_argument("--workers", type=int, default=0, help="DataLoader workers; 0 = in the main process")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(1)
    files = sorted(os.path.join(r, f) for r, _, fs in os.walk(a.dir) for f in fs if f.lower().endswith(".jpg"))
    files = files[:a.images + a.batch]
    results = [run(files, r, a.workers, a.batch) for r in RECIPES]
    if a.json:
        print(json.dumps({"data": a.dir, "results": results}))
    else:
        for r in results:
            print("%-12s workers %d  %6d images  %8.1f images/s  %8.1f crops/s  %8.1f images/cpu-s"
                  % (r["recipe"], r["workers"], r["images"], r["images_per_second"], r["crops_per_second"],
                     r["images_per_cpu_second"]))


if __name__ == "__main__":
    main()
