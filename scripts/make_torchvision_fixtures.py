#!/usr/bin/env python3
"""Makes the torchvision fixtures of seer4j's engine-equivalence test (app/src/test/resources/fixtures).

For each small custom RegNet it writes two safetensors files:
  <name>.weights.safetensors  torchvision's state dict (eval mode, num_batches_tracked dropped), the
                              design-space spec in the metadata
  <name>.io.safetensors       `input` [N,3,H,W], `pooled` [N,C] (global-average-pooled last stage), `logits`

Needs Debian's python3-torchvision (torch 1.13); run it with the system interpreter:
    /usr/bin/python3 scripts/make_torchvision_fixtures.py [output folder]
The safetensors format is written directly (8-byte little-endian header length, JSON header, raw little-endian
data) so nothing beyond torch is needed. The specs are narrow so the files stay small; their widths come out the
same under pycls and torchvision rounding (every bottleneck width is already a multiple of the group width).
"""
import json
import os
import struct
import sys

import torch
from torchvision.models.regnet import BlockParams, RegNet

SPECS = {
    # name: depth, w0, wa, wm, group width, SE ratio, stem width, image size, classes
    "regnety_tiny": dict(depth=5, w_0=24, w_a=20.0, w_m=2.0, group_width=8, se_ratio=0.25, stem=16, size=64,
                         classes=10),
    "regnetx_tiny": dict(depth=6, w_0=16, w_a=16.0, w_m=2.0, group_width=8, se_ratio=0.0, stem=16, size=48,
                         classes=7),
}


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def make(name, spec, out_dir, generator):
    params = BlockParams.from_init_params(depth=spec["depth"], w_0=spec["w_0"], w_a=spec["w_a"], w_m=spec["w_m"],
                                          group_width=spec["group_width"],
                                          se_ratio=spec["se_ratio"] if spec["se_ratio"] > 0 else None)
    model = RegNet(params, num_classes=spec["classes"], stem_width=spec["stem"])
    # Non-trivial BN statistics and affine parameters: a forward pass that ignored any of them would differ.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                c = m.num_features
                m.running_mean.copy_(0.1 * torch.randn(c, generator=generator))
                m.running_var.copy_(0.5 + torch.rand(c, generator=generator))
                m.weight.copy_(1.0 + 0.1 * torch.randn(c, generator=generator))
                m.bias.copy_(0.1 * torch.randn(c, generator=generator))
    model.eval()
    x = torch.randn(2, 3, spec["size"], spec["size"], generator=generator)
    with torch.no_grad():
        pooled = model.avgpool(model.trunk_output(model.stem(x))).flatten(1)
        logits = model(x)
    state = {k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
    meta = {"depth": spec["depth"], "w0": spec["w_0"], "wa": spec["w_a"], "wm": spec["w_m"],
            "group_width": spec["group_width"], "se_ratio": spec["se_ratio"], "stem_width": spec["stem"],
            "classes": spec["classes"], "stage_widths": params.widths, "stage_depths": params.depths,
            "rounding": "torchvision", "torch": torch.__version__}
    write_safetensors(os.path.join(out_dir, name + ".weights.safetensors"), state, meta)
    write_safetensors(os.path.join(out_dir, name + ".io.safetensors"),
                      {"input": x, "pooled": pooled, "logits": logits}, meta)
    print(name, "stage widths", params.widths, "depths", params.depths, "pooled", list(pooled.shape))


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "app", "src", "test", "resources", "fixtures")
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(20200330)
    torch.manual_seed(20200330)  # the RegNet constructor's own initialisation
    for name, spec in SPECS.items():
        make(name, spec, out_dir, generator)


if __name__ == "__main__":
    main()
