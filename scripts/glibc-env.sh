# glibc's (and MKL's) allocator settings for a training step, shared by the seer4j launcher and the comparison
# scripts (so PyTorch is measured under the same allocator as the engines). Source it; values already set are kept.
# glibc must not hand big tensors back to the OS on every free (3-5x slower steps).
# Blocks of 16 MiB and more are mapped on their own and unmapped when freed: glibc caps this threshold at 32 MiB
# (a larger value is ignored and the threshold drifts up to 32 MiB), and in its arenas the weight-sized
# temporaries and gradients of a billion-parameter model left holes that stayed resident (about 0.8x the weights
# in RegNetY-32GF and 256GF; docs/scale.md). Activations of the bench workload stay below it, in the arenas.
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-16777216}
export MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-4294967296}
export MALLOC_TOP_PAD_=${MALLOC_TOP_PAD_:-268435456}
# Transparent huge pages for glibc's mapped blocks (THP in madvise mode): a billion-parameter step maps and unmaps
# gigabytes (allocator regions, oneDNN's weight reorders), and with 4 KiB pages TensorFlow's 256GF step spent 72 s
# of system time on 6 million page faults and 2.4x the CPU time it needs with huge pages (docs/scale.md).
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}
# MKL (inside libtorch: DJL's matrix products) keeps a buffer pool per thread that has called it, never handed back:
# the DJL step calls it from the caller, the crop-group thread and their OpenMP workers, and the pools held 45-60 MB
# of the bench step's peak RSS (798-834 MB with them off against 854-884 MB, no speed difference measurable).
# Compiled PyTorch, one calling thread, peaked at 856-890 MB with them off, 868-881 MB before (docs/performance.md).
# Off, MKL allocates through malloc and frees at once, into glibc's arenas, which keep the pages for the next call.
export MKL_DISABLE_FAST_MM=${MKL_DISABLE_FAST_MM:-1}
