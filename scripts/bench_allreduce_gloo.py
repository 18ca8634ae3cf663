#!/usr/bin/python3
"""PyTorch's gloo doing what `seer4j launch --nproc N bench-allreduce` times: the all-reduce sum of a float32
buffer between N processes on this machine over loopback, median of R timed calls per size after one warm-up,
every call preceded by a barrier. Prints the same table (median ms, algbw, busbw as NCCL's tests define them).
Not needed by CI; needs torch (e.g. a venv with the CPU wheel).

    python scripts/bench_allreduce_gloo.py [--nproc 2] [--sizes 1000000,10000000,100000000] [--repeats 5]
"""
import argparse
import os
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def worker(rank, args):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(args.port)
    torch.set_num_threads(args.threads)
    dist.init_process_group("gloo", rank=rank, world_size=args.nproc)
    if rank == 0:
        print(f"gloo all-reduce sum, {args.nproc} workers, float32, torch {torch.__version__}")
        print(f"{'floats':>12} {'median ms':>12} {'algbw GB/s':>14} {'busbw GB/s':>14}", flush=True)
    for n in args.sizes:
        buffer = torch.ones(n, dtype=torch.float32)
        dist.all_reduce(buffer)
        times = []
        for _ in range(args.repeats):
            dist.barrier()
            t0 = time.perf_counter()
            dist.all_reduce(buffer)
            times.append(time.perf_counter() - t0)
        times.sort()
        median = times[len(times) // 2]
        algbw = n * 4 / median / 1e9
        busbw = algbw * 2 * (args.nproc - 1) / args.nproc
        if rank == 0:
            print(f"{n:>12} {median * 1e3:>12.1f} {algbw:>14.3f} {busbw:>14.3f}", flush=True)
    dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nproc", type=int, default=2)
    parser.add_argument("--sizes", default="1000000,10000000,100000000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="torch threads per worker")
    parser.add_argument("--port", type=int, default=29511)
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    mp.spawn(worker, args=(args,), nprocs=args.nproc, join=True)


if __name__ == "__main__":
    main()
