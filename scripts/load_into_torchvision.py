#!/usr/bin/env python3
"""Shows that seer4j's interchange safetensors load into torchvision's RegNet with load_state_dict(strict=True).

Not run by CI. Needs Debian's python3-torch and python3-torchvision (torch 1.13):
    ./seer4j import some_checkpoint.pth --output w.safetensors
    /usr/bin/python3 scripts/load_into_torchvision.py w.safetensors [--arch regnet_y_400mf] [--reference X.pth]

The network is torchvision's builder when --arch names one (regnet_y_400mf, ...); otherwise it is built from the
stage lists `seer4j import` writes into the file's metadata (widths, depths, group_widths, se_ratio, stem_width)
with torchvision's BlockParams. Keys torchvision has and the interchange format leaves out (the BN layers'
num_batches_tracked counters) are added as zeros; the SwAV head (head.*, prototypes.weight) is not part of a
torchvision RegNet and is set aside. Then load_state_dict(strict=True) must accept every tensor. With --reference
(the torch.save file the safetensors came from, a plain torchvision state_dict), the eval-mode outputs of the two
models are compared on a random batch.
"""
import argparse
import json
import struct
import sys

import torch
import torchvision.models as tvm
from torchvision.models.regnet import BlockParams, RegNet


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    dtypes = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
    tensors = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:end]), dtype=dtypes[e["dtype"]]).reshape(e["shape"])
        tensors[name] = t.to(torch.float32)
    return tensors, meta


def build(arch, meta, classes):
    if arch:
        return getattr(tvm, arch)(num_classes=max(classes, 1))
    widths = json.loads(meta["widths"])
    params = BlockParams(depths=json.loads(meta["depths"]), widths=widths, group_widths=json.loads(meta["group_widths"]),
                         bottleneck_multipliers=[1.0] * len(widths), strides=[2] * len(widths),
                         se_ratio=float(meta["se_ratio"]) or None)
    return RegNet(params, num_classes=max(classes, 1), stem_width=int(meta["stem_width"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("weights")
    ap.add_argument("--arch")
    ap.add_argument("--reference")
    a = ap.parse_args()
    tensors, meta = read_safetensors(a.weights)
    swav = {k: v for k, v in tensors.items() if k.startswith("head.") or k == "prototypes.weight"}
    state = {k: v for k, v in tensors.items() if k not in swav}
    classes = state["fc.weight"].shape[0] if "fc.weight" in state else 0
    model = build(a.arch, meta, classes)
    if classes == 0:
        model.fc = torch.nn.Identity()
    for k, v in model.state_dict().items():
        if k.endswith("num_batches_tracked") and k not in state:
            state[k] = torch.zeros_like(v)
    model.load_state_dict(state, strict=True)
    print(f"load_state_dict(strict=True) took all {len(tensors) - len(swav)} tensors of {a.weights}"
          f" ({len(swav)} SwAV head tensors set aside)")
    if a.reference:
        ref = build(a.arch, meta, classes)
        if classes == 0:
            ref.fc = torch.nn.Identity()
        sd = torch.load(a.reference, map_location="cpu")
        ref.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in sd.items()}, strict=True)
        x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(0))
        with torch.no_grad():
            diff = (model.eval()(x) - ref.eval()(x)).abs().max().item()
        print(f"largest output difference to {a.reference}: {diff:.3g}")
        if diff > 1e-5:
            sys.exit(1)


if __name__ == "__main__":
    main()
