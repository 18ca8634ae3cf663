/*
 * Intel MKL, linked into libtorch, picks its kernels by CPU vendor as well as by instruction set: on AMD CPUs that
 * have AVX-512 it runs a generic sgemm at less than half the rate of its AVX-512 one (178 against 409-418 GFLOP/s
 * on 2 cores of the AMD EPYC this project is measured on; docs/performance.md). MKL asks these two functions
 * whether the CPU is Intel's, through the dynamic linker, so a library preloaded ahead of libtorch answers yes and
 * MKL then chooses by the instruction sets the CPU reports, as it does on Intel CPUs. The seer4j launcher preloads
 * it only on CPUs that report AVX-512 F, BW, DQ and VL, the set MKL's AVX-512 kernels use.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}

int mkl_serv_intel_cpu(void) {
    return 1;
}
