#!/usr/bin/env python3
"""Makes the fixtures of `seer4j import` (PyTorch checkpoints seer4j reads without Python).

Needs Debian's python3-torch and python3-torchvision (torch 1.13):
    apt-get install python3-torch python3-torchvision libopenblas0-pthread
    /usr/bin/python3 scripts/make_import_fixtures.py

Writes, with random weights and non-trivial BN statistics:
  app/src/test/resources/fixtures/import/
    tv_regnety.pth          torchvision RegNet (Y: SE) state_dict, zip format, float32; fc.weight is stored
                            transposed (non-contiguous strides) so strided reads are exercised
    tv_regnetx.pth          torchvision RegNet (X), zip format, wrapped as {'state_dict': ..., 'epoch', 'optimizer'}
                            with DDP's 'module.' prefixes
    tv_regnety_legacy.pth   the RegNetY in the legacy (pre-1.6) format
    tv_regnety_f16.pth      the RegNetY in float16 (model.half())
    tv_regnety_bf16.pth     the RegNetY in bfloat16
    vissl_regnety.torch     a VISSL/SEER checkpoint of a RegNetY: classy_state_dict -> base_model -> model ->
                            {trunk: ClassyVision names under _feature_blocks, heads: SwAV head}, plus the loss and
                            optimizer state VISSL keeps next to it
    <name>.expected.safetensors   'input' [2,3,32,32] and torchvision's 'pooled' features for each file above
                                  (computed from the weights as stored: the f16/bf16 files from rounded weights);
                                  the metadata holds the real design (stage widths, depths, group widths, stem, SE)
  data-adapters/src/test/resources/weights/
    regnety.pth, regnety_legacy.pth   a smaller RegNetY (stem 8, widths 8/16/24/32, depths 1/1/2/1, group width 8,
                                      no classifier) in both formats, with regnety.expected.safetensors holding
                                      its tensors under interchange names as torch sees them
    malicious_system.pth    a zip checkpoint whose pickle calls os.system (must be refused, never run)
    malicious_eval.pth      a legacy checkpoint whose pickle calls builtins.eval
    truncated.pth           the first half of regnety.pth
    missing_storage.pth     regnety.pth without one of its storages
    linear.pth              a state_dict of nn.Linear (not a RegNet)
    bad_shape.pth           regnety with one BN weight cut short
The VISSL checkpoint is written from a model with ClassyVision's module structure (stem.stem, AnyStage blocks with
proj/bn/f.a/f.b/f.se.excitation/f.c/f.final_bn, VISSL's _feature_blocks conv1/res2..res5), loaded from the
torchvision model tensor by tensor in registration order and checked to compute the same features; its names come
from that structure, not from seer4j's mapping table.
"""
import io
import json
import os
import struct
import sys
import zipfile
from collections import OrderedDict

import torch
import torch.nn as nn
from torchvision.models.regnet import BlockParams, RegNet

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
APP = os.path.join(ROOT, "app", "src", "test", "resources", "fixtures", "import")
DATA = os.path.join(ROOT, "data-adapters", "src", "test", "resources", "weights")
MARKER = "/tmp/seer4j-import-fixture-pwned"

DESIGNS = {
    # stem, depths, widths, group widths, SE ratio, classes
    "y": dict(stem=8, depths=[1, 2, 2, 1], widths=[16, 24, 48, 64], groups=[8, 8, 16, 16], se=0.25, classes=5),
    "x": dict(stem=8, depths=[1, 1, 2, 1], widths=[8, 16, 32, 40], groups=[8, 8, 8, 8], se=None, classes=3),
    # the reader tests' smaller RegNetY (the same file in both formats, and broken variants)
    "r": dict(stem=8, depths=[1, 1, 2, 1], widths=[8, 16, 24, 32], groups=[8, 8, 8, 8], se=0.25, classes=0),
}


def build(d, g):
    params = BlockParams(depths=d["depths"], widths=d["widths"], group_widths=d["groups"],
                         bottleneck_multipliers=[1.0] * 4, strides=[2] * 4, se_ratio=d["se"])
    model = RegNet(params, num_classes=max(d["classes"], 1), stem_width=d["stem"])
    if d["classes"] == 0:
        model.fc = nn.Identity()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.running_mean.copy_(0.1 * torch.randn(c, generator=g))
                m.running_var.copy_(0.5 + torch.rand(c, generator=g))
                m.weight.copy_(1.0 + 0.1 * torch.randn(c, generator=g))
                m.bias.copy_(0.1 * torch.randn(c, generator=g))
    return model.eval()


def pooled(model, x):
    with torch.no_grad():
        return model.avgpool(model.trunk_output(model.stem(x))).flatten(1)


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    blobs, offset = [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def expected(name, model, x, d):
    meta = {"stem_width": d["stem"], "widths": d["widths"], "depths": d["depths"], "group_widths": d["groups"],
            "se_ratio": d["se"] or 0.0, "classes": d["classes"], "torch": torch.__version__}
    write_safetensors(os.path.join(APP, name + ".expected.safetensors"), {"input": x, "pooled": pooled(model, x)}, meta)


def rounded(model, dtype):
    """A float32 copy of the model whose weights went through dtype, as a reader of the dtype file sees them."""
    copy = build_like(model)
    copy.load_state_dict({k: v.to(dtype).to(v.dtype) if v.is_floating_point() else v
                          for k, v in model.state_dict().items()})
    return copy.eval()


_BUILDERS = {}


def build_like(model):
    return _BUILDERS[id(model)]()


# ---- ClassyVision's RegNet module structure (classy_vision/models/anynet.py), as VISSL's trunk wraps it ----

class ClassySE(nn.Module):
    def __init__(self, planes, reduced):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.excitation = nn.Sequential(nn.Conv2d(planes, reduced, 1), nn.ReLU(True), nn.Conv2d(reduced, planes, 1),
                                        nn.Sigmoid())

    def forward(self, x):
        return x * self.excitation(self.avgpool(x))


class ClassyBottleneck(nn.Sequential):
    def __init__(self, w_in, w_out, stride, group_width, se_ratio):
        super().__init__()
        w_b = w_out
        self.a = nn.Sequential(nn.Conv2d(w_in, w_b, 1, bias=False), nn.BatchNorm2d(w_b), nn.ReLU(True))
        self.b = nn.Sequential(nn.Conv2d(w_b, w_b, 3, stride=stride, padding=1, groups=w_b // group_width,
                                         bias=False), nn.BatchNorm2d(w_b), nn.ReLU(True))
        if se_ratio:
            self.se = ClassySE(w_b, int(round(se_ratio * w_in)))
        self.c = nn.Conv2d(w_b, w_out, 1, bias=False)
        self.final_bn = nn.BatchNorm2d(w_out)


class ClassyBlock(nn.Module):
    def __init__(self, w_in, w_out, stride, group_width, se_ratio):
        super().__init__()
        self.proj_block = w_in != w_out or stride != 1
        if self.proj_block:
            self.proj = nn.Conv2d(w_in, w_out, 1, stride=stride, bias=False)
            self.bn = nn.BatchNorm2d(w_out)
        self.f = ClassyBottleneck(w_in, w_out, stride, group_width, se_ratio)
        self.activation = nn.ReLU(True)

    def forward(self, x):
        return self.activation((self.bn(self.proj(x)) if self.proj_block else x) + self.f(x))


class ClassyStem(nn.Sequential):
    def __init__(self, w_out):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, w_out, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(w_out),
                                  nn.ReLU(True))


class VisslRegNetTrunk(nn.Module):
    def __init__(self, d):
        super().__init__()
        blocks = [("conv1", ClassyStem(d["stem"]))]
        w_in = d["stem"]
        for s, (depth, w, g) in enumerate(zip(d["depths"], d["widths"], d["groups"]), start=1):
            stage = nn.Sequential()
            for i in range(depth):
                stage.add_module(f"block{s}-{i}", ClassyBlock(w_in if i == 0 else w, w, 2 if i == 0 else 1, g, d["se"]))
            blocks.append((f"res{len(blocks) + 1}", stage))
            w_in = w
        self._feature_blocks = nn.ModuleDict(blocks)

    def forward(self, x):
        for m in self._feature_blocks.values():
            x = m(x)
        return x.mean((2, 3))


class SwavHead(nn.Module):
    """VISSL's SwAVPrototypesHead: projection_head (Linear, BN, ReLU, Linear) and prototypes0."""

    def __init__(self, dims, prototypes):
        super().__init__()
        self.projection_head = nn.Sequential(nn.Linear(dims[0], dims[1]), nn.BatchNorm1d(dims[1]), nn.ReLU(True),
                                             nn.Linear(dims[1], dims[2]))
        self.prototypes0 = nn.Linear(dims[2], prototypes, bias=False)


def vissl_checkpoint(model, d, x, g):
    trunk = VisslRegNetTrunk(d).eval()
    source = [v for k, v in model.state_dict().items() if not k.startswith("fc.")]
    target = trunk.state_dict()
    assert len(source) == len(target), (len(source), len(target))
    loaded = OrderedDict()
    for (k, t), v in zip(target.items(), source):
        assert t.shape == v.shape, (k, t.shape, v.shape)
        loaded[k] = v.clone()
    trunk.load_state_dict(loaded)
    with torch.no_grad():
        diff = (trunk(x) - pooled(model, x)).abs().max().item()
    assert diff < 1e-5, diff
    heads = nn.ModuleList([SwavHead([d["widths"][-1], 32, 16], 10)])
    with torch.no_grad():
        bn = heads[0].projection_head[1]
        bn.running_mean.copy_(0.1 * torch.randn(32, generator=g))
        bn.running_var.copy_(0.5 + torch.rand(32, generator=g))
    return {
        "phase_idx": 5, "iteration": 120, "iteration_num": 120, "train_phase_idx": 5,
        "classy_state_dict": {
            "train": True,
            "base_model": {"model": {"trunk": trunk.state_dict(), "heads": heads.state_dict()}, "meta": {}},
            "optimizer": {"state": {0: {"momentum_buffer": torch.zeros(3)}}, "param_groups": [{"lr": 0.3}]},
            "loss": {"queue": torch.zeros(2, 4)},
            "num_updates": 120,
        },
    }


def main():
    os.makedirs(APP, exist_ok=True)
    os.makedirs(DATA, exist_ok=True)
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(20210302)
    torch.manual_seed(20210302)
    x = torch.randn(2, 3, 32, 32, generator=g)

    y = build(DESIGNS["y"], g)
    _BUILDERS[id(y)] = lambda: build(DESIGNS["y"], torch.Generator().manual_seed(0))
    xm = build(DESIGNS["x"], g)

    sd = y.state_dict()
    sd["fc.weight"] = sd["fc.weight"].t().contiguous().t()  # same values, column-major strides
    assert not sd["fc.weight"].is_contiguous()
    torch.save(sd, os.path.join(APP, "tv_regnety.pth"))
    expected("tv_regnety", y, x, DESIGNS["y"])

    wrapped = {"epoch": 3, "state_dict": OrderedDict(("module." + k, v) for k, v in xm.state_dict().items()),
               "optimizer": {"state": {}, "param_groups": [{"lr": 0.1, "momentum": 0.9}]}}
    torch.save(wrapped, os.path.join(APP, "tv_regnetx.pth"))
    expected("tv_regnetx", xm, x, DESIGNS["x"])

    torch.save(y.state_dict(), os.path.join(APP, "tv_regnety_legacy.pth"), _use_new_zipfile_serialization=False)
    expected("tv_regnety_legacy", y, x, DESIGNS["y"])

    for dtype, tag in ((torch.float16, "f16"), (torch.bfloat16, "bf16")):
        torch.save({k: v.to(dtype) if v.is_floating_point() else v for k, v in y.state_dict().items()},
                   os.path.join(APP, f"tv_regnety_{tag}.pth"))
        expected(f"tv_regnety_{tag}", rounded(y, dtype), x, DESIGNS["y"])

    torch.save(vissl_checkpoint(y, DESIGNS["y"], x, g), os.path.join(APP, "vissl_regnety.torch"))
    expected("vissl_regnety", y, x, DESIGNS["y"])

    # reader fixtures
    r = build(DESIGNS["r"], g)
    r_sd = r.state_dict()
    torch.save(r_sd, os.path.join(DATA, "regnety.pth"))
    torch.save(r_sd, os.path.join(DATA, "regnety_legacy.pth"), _use_new_zipfile_serialization=False)
    write_safetensors(os.path.join(DATA, "regnety.expected.safetensors"),
                      {k: v for k, v in r_sd.items() if v.is_floating_point()}, {"torch": torch.__version__})

    class System:
        def __reduce__(self):
            return os.system, ("echo pwned > " + MARKER,)

    class Eval:
        def __reduce__(self):
            return eval, ("open('" + MARKER + "', 'w').write('pwned')",)

    torch.save({"stem.0.weight": System()}, os.path.join(DATA, "malicious_system.pth"))
    torch.save({"stem.0.weight": Eval()}, os.path.join(DATA, "malicious_eval.pth"), _use_new_zipfile_serialization=False)
    with open(os.path.join(DATA, "regnety.pth"), "rb") as f:
        whole = f.read()
    with open(os.path.join(DATA, "truncated.pth"), "wb") as f:
        f.write(whole[: len(whole) // 2])
    with zipfile.ZipFile(os.path.join(DATA, "regnety.pth")) as src, \
            zipfile.ZipFile(os.path.join(DATA, "missing_storage.pth"), "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            if not info.filename.endswith("/data/3"):
                dst.writestr(info.filename.replace("regnety/", "missing_storage/"), src.read(info.filename))
    torch.save(nn.Linear(4, 2).state_dict(), os.path.join(DATA, "linear.pth"))
    bad = r.state_dict()
    bad["trunk_output.block3.block3-1.f.b.1.weight"] = bad["trunk_output.block3.block3-1.f.b.1.weight"][:-2].clone()
    torch.save(bad, os.path.join(DATA, "bad_shape.pth"))
    for folder in (APP, DATA):
        for n in sorted(os.listdir(folder)):
            print(os.path.join(os.path.relpath(folder, ROOT), n), os.path.getsize(os.path.join(folder, n)))


if __name__ == "__main__":
    main()
