#!/usr/bin/env python3
"""The `seer4j bench` workload in Python PyTorch, to compare engines on the same (possibly busy) machine.

RegNetY-400MF (torchvision's builder has the same widths as pycls's), head 440-512-128 with BN, 1000 prototypes,
crops 2x96 + 4x48 of random data, batch 16, Sinkhorn (3 iterations, eps 0.05) on crops 0 and 1, swapped
prediction at temperature 0.1, SGD momentum 0.9, 2 threads. Prints images/s of the median and fastest step.
Run with Debian's torch: /usr/bin/python3 scripts/bench_pytorch_reference.py [steps]
"""
import statistics
import sys
import time

import torch
import torch.nn.functional as F
import torchvision


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


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    torch.set_num_threads(2)
    trunk = torchvision.models.regnet_y_400mf()
    trunk.fc = torch.nn.Identity()
    head = torch.nn.Sequential(torch.nn.Linear(440, 512), torch.nn.BatchNorm1d(512), torch.nn.ReLU(),
                               torch.nn.Linear(512, 128))
    protos = torch.nn.Linear(128, 1000, bias=False)
    params = [*trunk.parameters(), *head.parameters(), *protos.parameters()]
    opt = torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=1e-6)
    b = 16
    big, small = torch.randn(2 * b, 3, 96, 96), torch.randn(4 * b, 3, 48, 48)
    times = []
    for i in range(steps + 2):
        t = time.perf_counter()
        with torch.no_grad():
            protos.weight.copy_(F.normalize(protos.weight, dim=1))
        z = F.normalize(head(torch.cat([trunk(big), trunk(small)])), dim=1)
        scores = protos(z)
        logp = F.log_softmax(scores / 0.1, dim=1).view(6, b, -1)
        loss = 0
        for c in (0, 1):
            q = sinkhorn(scores[c * b:(c + 1) * b])
            loss = loss - sum((q * logp[v]).sum(1).mean() for v in range(6) if v != c) / 5
        loss = loss / 2
        opt.zero_grad()
        loss.backward()
        opt.step()
        if i >= 2:
            times.append(time.perf_counter() - t)
    print("python torch %s: images/s median %.2f fastest %.2f (%d steps)"
          % (torch.__version__, b / statistics.median(times), b / min(times), steps))


if __name__ == "__main__":
    main()
