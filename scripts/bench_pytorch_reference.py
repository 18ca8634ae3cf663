#!/usr/bin/env python3
"""The `seer4j bench` workload in Python PyTorch, to compare engines on the same (possibly busy) machine.

RegNetY-400MF (torchvision's builder has the same widths as pycls's), head 440-512-128 with BN, 1000 prototypes,
crops 2x96 + 4x48 of random data, batch 16, Sinkhorn (3 iterations, eps 0.05) on crops 0 and 1, swapped
prediction at temperature 0.1, SGD momentum 0.9, 2 threads.

  --mode eager|compile   eager PyTorch, or torch.compile (inductor) of trunk and head; the compile happens in the
                         warm-up steps and is reported as prepare_ms, never counted in the timed steps
  --steps N --rounds R   R rounds of N timed steps each (median step per round), as `seer4j bench --rounds`
  --profile              then profile steps with torch.profiler and print the time per op kind, with the kinds of
                         `seer4j bench --profile` (see docs/performance.md for how each is attributed)
  --json                 one JSON object (keys as `seer4j bench --json`)
  --channels-last        run the trunk on channels-last tensors

PyTorch 2.13 (the CPU wheel of the local wheel folder; scripts/setup-torch-venv.sh makes the venv):
  /work/venv-torch213/bin/python scripts/bench_pytorch_reference.py --mode compile --rounds 3 --profile
Debian's PyTorch 1.13 runs it too in eager mode: /usr/bin/python3 scripts/bench_pytorch_reference.py
"""
import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict

import torch
import torch.nn.functional as F
import torchvision

KINDS = [  # (key, label) in the order of seer4j's OpKind
    ("stem_conv", "stem conv"), ("conv_1x1", "1x1 conv"), ("grouped_conv_3x3", "grouped 3x3 conv"),
    ("squeeze_excitation", "squeeze-excitation"), ("batch_norm", "batch norm"),
    ("activation", "activations, residual add"), ("head", "head, prototypes, loss"), ("sinkhorn", "Sinkhorn"),
    ("optimizer", "optimizer update"), ("data", "data wait, copy in"), ("other", "other engine ops"),
    ("unattributed", "outside engine ops")]
NODE = "autograd::engine::evaluate_function: "


@torch.no_grad()
def sinkhorn(scores, eps=0.05, iters=3):
    q = torch.exp((scores - scores.max()) / eps).t()
    q /= q.sum()
    k, b = q.shape
    for _ in range(iters):
        q /= q.sum(dim=1, keepdim=True)
        q /= k
        q /= q.sum(dim=0, keepdim=True)
        q /= b
    return (q * b).t()


class Workload:
    def __init__(self, mode, channels_last):
        torch.manual_seed(0)
        self.trunk = torchvision.models.regnet_y_400mf()
        self.trunk.fc = torch.nn.Identity()
        self.head = torch.nn.Sequential(torch.nn.Linear(440, 512), torch.nn.BatchNorm1d(512), torch.nn.ReLU(),
                                        torch.nn.Linear(512, 128))
        self.protos = torch.nn.Linear(128, 1000, bias=False)
        fmt = torch.channels_last if channels_last else torch.contiguous_format
        self.trunk = self.trunk.to(memory_format=fmt)
        params = [*self.trunk.parameters(), *self.head.parameters(), *self.protos.parameters()]
        self.opt = torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=1e-6)
        self.b = 16
        g = torch.Generator().manual_seed(1)
        self.big = torch.randn(2 * self.b, 3, 96, 96, generator=g).contiguous(memory_format=fmt)
        self.small = torch.randn(4 * self.b, 3, 48, 48, generator=g).contiguous(memory_format=fmt)
        self.trunk_fn, self.head_fn = self.trunk, self.head
        if mode == "compile":
            # Static shapes: the workload has two fixed crop sizes, so each gets its own specialised graph (the
            # default lets dynamo switch to one shape-generic graph once it sees the second size).
            self.trunk_fn = torch.compile(self.trunk, dynamic=False)
            self.head_fn = torch.compile(self.head, dynamic=False)

    def step(self, scope=lambda name: _NoScope()):
        b = self.b
        with scope("optimizer"), torch.no_grad():
            self.protos.weight.copy_(F.normalize(self.protos.weight, dim=1))
        pooled = torch.cat([self.trunk_fn(self.big), self.trunk_fn(self.small)])
        with scope("head"):
            scores = self.protos(F.normalize(self.head_fn(pooled), dim=1))
            logp = F.log_softmax(scores / 0.1, dim=1).view(6, b, -1)
        with scope("sinkhorn"):
            qs = [sinkhorn(scores[c * b:(c + 1) * b]) for c in (0, 1)]
        with scope("head"):
            loss = 0
            for c in (0, 1):
                loss = loss - sum((qs[c] * logp[v]).sum(1).mean() for v in range(6) if v != c) / 5
            loss = loss / 2
        with scope("optimizer"):
            self.opt.zero_grad()
        loss.backward()
        with scope("optimizer"):
            self.opt.step()
        return loss


class _NoScope:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def timed_rounds(w, steps, rounds):
    out = []
    loss = None
    for _ in range(rounds):
        times = []
        for _ in range(steps):
            t = time.perf_counter()
            # the loss lives until the next step, as in loops that log it: dropped at once, its step's last tensors
            # die together and plain glibc hands their memory back to the OS, which the next step faults in again
            # (2.5x slower steps, from process to process; docs/performance.md, "The reference's two speeds")
            loss = w.step()
            times.append(time.perf_counter() - t)
        med = statistics.median(times)
        out.append({"images_per_s": w.b / med, "step_ms": med * 1e3, "step_ms_best": min(times) * 1e3})
    return out


def label_modules(w):
    """Forward hooks that open a record_function scope named after the op kind of each trunk module."""
    from torchvision.ops.misc import SqueezeExcitation
    handles = []

    def kind_of(name, m):
        if isinstance(m, SqueezeExcitation):
            return "squeeze_excitation"
        if isinstance(m, torch.nn.Conv2d):
            if name.startswith("stem"):
                return "stem_conv"
            return "grouped_conv_3x3" if m.kernel_size == (3, 3) else "conv_1x1"
        if isinstance(m, torch.nn.BatchNorm2d):
            return "batch_norm"
        if isinstance(m, torch.nn.ReLU):
            return "activation"
        if isinstance(m, torch.nn.AdaptiveAvgPool2d):
            return "head"  # the trunk's global pool (SE's own pool is inside the SE scope)
        return None

    def attach(name, m, kind):
        scopes = []

        def pre(mod, inp):
            s = torch.profiler.record_function("kind:" + kind)
            s.__enter__()
            scopes.append(s)

        def post(mod, inp, out):
            scopes.pop().__exit__(None, None, None)

        handles.append(m.register_forward_pre_hook(pre))
        handles.append(m.register_forward_hook(post))

    for name, m in w.trunk.named_modules():
        kind = kind_of(name, m)
        # modules inside an SE belong to the SE
        if kind and not any(isinstance(p, torchvision.ops.misc.SqueezeExcitation)
                            for pn, p in w.trunk.named_modules() if name.startswith(pn + ".") and pn):
            attach(name, m, kind)
    return handles


def classify_by_name(e, weight_kinds):
    """Kind of an op outside any scope (compiled graphs): by name and, for convolutions, the weight's shape."""
    n = e.name
    shapes = e.input_shapes or []
    if "convolution" in n and len(shapes) > 1:
        k = weight_kinds.get(tuple(shapes[2] if "backward" in n and len(shapes) > 2 else shapes[1]))
        if k:
            return k
    if n in ("aten::mm", "aten::addmm", "aten::bmm", "aten::linear", "aten::matmul"):
        for s in shapes:
            if len(s) == 2 and (tuple(s) in weight_kinds or tuple(reversed(s)) in weight_kinds):
                return weight_kinds.get(tuple(s)) or weight_kinds.get(tuple(reversed(s)))
    if "batch_norm" in n:
        return "batch_norm"
    if n in ("aten::relu", "aten::relu_", "aten::add", "aten::add_", "aten::threshold_backward"):
        return "activation"
    return "other"


def weight_shape_kinds(w):
    kinds = {}
    for name, p in w.trunk.named_parameters():
        if p.dim() != 4:
            continue
        k = ("stem_conv" if name.startswith("stem") else "squeeze_excitation" if ".se." in name
             else "grouped_conv_3x3" if p.shape[-1] == 3 else "conv_1x1")
        kinds.setdefault(tuple(p.shape), k)
        if p.shape[-1] == 1:
            kinds.setdefault(tuple(p.shape[:2]), k)
    return kinds


def profile(w, steps, mode):
    handles = label_modules(w) if mode == "eager" else []
    weight_kinds = weight_shape_kinds(w)
    results = []
    for _ in range(steps):
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], record_shapes=True) as prof:
            t = time.perf_counter()
            w.step(scope=lambda name: torch.profiler.record_function("kind:" + name))
            wall = (time.perf_counter() - t) * 1e6
        results.append(attribute(prof.events(), wall, weight_kinds))
    for h in handles:
        h.remove()
    n = len(results)
    mean = {k: [sum(r[k][i] for r in results) / n for i in range(3)] for k, _ in KINDS}
    return {"method": "torch.profiler, " + ("module scopes and autograd sequence numbers" if mode == "eager"
                                           else "compiled kernels by name and weight shape"),
            "step_ms": sum(r["_wall"] for r in results) / n / 1e3,
            "ops": [{"kind": k, "label": label, "forward_ms": mean[k][0] / 1e3, "backward_ms": mean[k][1] / 1e3,
                     "total_ms": (mean[k][0] + mean[k][1]) / 1e3, "calls": round(mean[k][2])}
                    for k, label in KINDS]}


def attribute(events, wall_us, weight_kinds):
    """Per kind [forward us, backward us, calls] from one profiled step's events (outermost events count)."""
    sums = {k: [0.0, 0.0, 0] for k, _ in KINDS}
    seq_kind = {}
    top = [e for e in events if e.cpu_parent is None and e.thread == events[0].thread]

    def descendants(e):
        todo = list(e.cpu_children)
        while todo:
            d = todo.pop()
            yield d
            todo.extend(d.cpu_children)

    def scope_kind(e):
        return e.name[5:] if e.name.startswith("kind:") else None

    # forward ops inside a kind's scope lend it their autograd sequence number, which backward nodes carry
    for e in top:
        k = scope_kind(e)
        if k:
            for d in descendants(e):
                inner = scope_kind(d)
                if d.sequence_nr >= 0:
                    seq_kind.setdefault(d.sequence_nr, inner or k)
    covered = 0.0
    for e in top:
        dur = e.time_range.end - e.time_range.start
        covered += dur
        k = scope_kind(e)
        if k:
            sums[k][0] += dur
        elif e.name.startswith(NODE):
            k = seq_kind.get(e.sequence_nr)
            if k is None:
                inner = [d for d in descendants(e) if d.name.startswith("aten::")]
                k = classify_by_name(inner[0], weight_kinds) if inner else "other"
            sums[k][1] += dur
        elif e.name.startswith("CompiledFunctionBackward") or "Backward" in e.name:
            for d in e.cpu_children:
                sums[classify_by_name(d, weight_kinds)][1] += d.time_range.end - d.time_range.start
                sums["other"][2] += 0
            rest = dur - sum(d.time_range.end - d.time_range.start for d in e.cpu_children)
            sums["other"][1] += max(0.0, rest)
            continue
        elif e.name.startswith("CompiledFunction") or e.name.startswith("Torch-Compiled"):
            for d in e.cpu_children:
                sums[classify_by_name(d, weight_kinds)][0] += d.time_range.end - d.time_range.start
            rest = dur - sum(d.time_range.end - d.time_range.start for d in e.cpu_children)
            sums["other"][0] += max(0.0, rest)
            continue
        else:
            k = classify_by_name(e, weight_kinds)
            sums[k][0] += dur
        sums[k][2] += 1
    sums["unattributed"][0] += max(0.0, wall_us - covered)
    sums["_wall"] = wall_us
    return sums


def table(p):
    lines = ["profile           %s, step %.1f ms" % (p["method"], p["step_ms"]),
             "  %-26s %9s %9s %9s %6s %7s" % ("op kind", "fwd ms", "bwd ms", "total ms", "share", "calls")]
    for o in p["ops"]:
        lines.append("  %-26s %9.1f %9.1f %9.1f %5.1f%% %7d" % (o["label"], o["forward_ms"], o["backward_ms"],
                                                              o["total_ms"], 100 * o["total_ms"] / p["step_ms"],
                                                              o["calls"]))
    return "\n".join(lines)


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return -1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("steps_positional", nargs="?", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--mode", choices=["eager", "compile"], default="eager")
    ap.add_argument("--steps", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--profile-steps", type=int, default=3)
    ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    steps = a.steps_positional or a.steps
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    w = Workload(a.mode, a.channels_last)
    w.step()  # the first step compiles in compile mode
    prepare_ms = (time.perf_counter() - t0) * 1e3
    for _ in range(a.warmup - 1):
        w.step()
    rounds = timed_rounds(w, steps, a.rounds)
    peak = peak_rss_mb()  # the steps' peak, read before profiling (as seer4j bench does)
    prof = profile(w, a.profile_steps, a.mode) if a.profile else None
    ips = [r["images_per_s"] for r in rounds]
    med = sorted(rounds, key=lambda r: r["images_per_s"])[(len(rounds) - 1) // 2]
    report = {"engine": "pytorch %s %s%s" % (torch.__version__, a.mode, " channels-last" if a.channels_last else ""),
              "steps": steps, "threads": a.threads, "images_per_s": med["images_per_s"], "step_ms": med["step_ms"],
              "step_ms_best": min(r["step_ms_best"] for r in rounds),
              "images_per_s_mean": statistics.mean(ips), "images_per_s_min": min(ips),
              "images_per_s_max": max(ips), "images_per_s_stdev": statistics.stdev(ips) if len(ips) > 1 else 0.0,
              "peak_rss_mb": peak, "prepare_ms": prepare_ms, "rounds": rounds,
              "load_average": os.getloadavg()[0]}
    if prof:
        report["profile"] = prof
    if a.json:
        print(json.dumps(report))
        return
    print("engine            %s" % report["engine"])
    print("preparation       %.0f ms (model built + first step%s)" % (prepare_ms,
                                                                    ", compile" if a.mode == "compile" else ""))
    for i, r in enumerate(rounds):
        print("round %-3d         %.2f images/s, step %.1f ms (fastest %.1f)" % (i + 1, r["images_per_s"],
                                                                                 r["step_ms"], r["step_ms_best"]))
    print("rounds            mean %.2f images/s, min %.2f, max %.2f, stdev %.2f" % (
        report["images_per_s_mean"], report["images_per_s_min"], report["images_per_s_max"],
        report["images_per_s_stdev"]))
    print("images/s          %.2f (median round), fastest step %.2f" % (report["images_per_s"],
                                                                          w.b / report["step_ms_best"] * 1e3))
    print("peak RSS          %.0f MB" % report["peak_rss_mb"])
    if prof:
        print(table(prof))


if __name__ == "__main__":
    sys.exit(main())
