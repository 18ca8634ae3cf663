package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's MKL vendor shim (backend-djl/src/main/native/mkl_vendor_shim.c, preloaded on AMD CPUs with
 * AVX-512): compiled as the launcher compiles it, preloaded into a JVM running libtorch through DJL, MKL reports
 * (MKL_VERBOSE) that it chose its AVX-512 kernels where, without it, it does not on such a CPU; and libtorch's
 * matrix products, which run on those kernels, still equal a double-precision product computed here.
 */
class MklVendorShimTest {
    private static final int M = 96;
    private static final int K = 200;
    private static final int N = 72;

    @Test
    void theShimMakesMklChooseByInstructionSetAndProductsStayExact(@TempDir Path dir) throws Exception {
        Path cc = compiler();
        assumeTrue(cc != null, "needs a C compiler (cc or gcc) to build the shim, as the launcher does");
        Path shim = dir.resolve("libshim.so");
        Process build = new ProcessBuilder(cc.toString(), "-shared", "-fPIC", "-O2", "-o", shim.toString(),
                Path.of("src/main/native/mkl_vendor_shim.c").toAbsolutePath().toString()).inheritIO().start();
        assertThat(build.waitFor(60, TimeUnit.SECONDS) && build.exitValue() == 0).as("shim compiles").isTrue();

        String with = runProbe(dir, shim);
        String without = runProbe(dir, null);
        for (String out : List.of(with, without)) {
            assertThat(out).contains("MKL_VERBOSE oneMKL"); // libtorch's product went through MKL
            double err = Double.parseDouble(out.lines().filter(l -> l.startsWith("max abs error "))
                    .findFirst().orElseThrow().substring("max abs error ".length()));
            // float32 sums of 200 products of values in [-1, 1]: within 1e-4 of the double result
            assertThat(err).isLessThan(1e-4);
        }
        if (amdWithAvx512()) {
            assertThat(header(with)).contains("AVX-512");
            assertThat(header(without)).doesNotContain("AVX-512");
        }
    }

    private static String header(String out) {
        return out.lines().filter(l -> l.startsWith("MKL_VERBOSE oneMKL")).findFirst().orElseThrow();
    }

    private static String runProbe(Path dir, Path shim) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dai.djl.offline=true", Probe.class.getName()).redirectErrorStream(true);
        pb.environment().put("MKL_VERBOSE", "1");
        pb.environment().remove("LD_PRELOAD");
        if (shim != null) pb.environment().put("LD_PRELOAD", shim.toString());
        Path log = Files.createTempFile(dir, "probe", ".log");
        Process p = pb.redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String out = Files.readString(log);
        assertThat(done && p.exitValue() == 0).as("probe exits 0:%n%s", out).isTrue();
        return out;
    }

    private static Path compiler() {
        for (String dirName : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            for (String name : List.of("cc", "gcc")) {
                Path c = Path.of(dirName, name);
                if (Files.isExecutable(c)) return c;
            }
        }
        return null;
    }

    static boolean amdWithAvx512() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.exists(cpuinfo)) return false;
        List<String> lines = Files.readAllLines(cpuinfo);
        boolean amd = lines.stream().anyMatch(l -> l.startsWith("vendor_id") && l.contains("AuthenticAMD"));
        String flags = " " + lines.stream().filter(l -> l.startsWith("flags")).findFirst().orElse("") + " ";
        return amd && List.of("avx512f", "avx512bw", "avx512dq", "avx512vl").stream()
                .allMatch(f -> flags.contains(" " + f + " "));
    }

    /** The child JVM: one libtorch matrix product of seeded values, and its largest error against doubles. */
    public static final class Probe {
        public static void main(String[] args) {
            Random r = new Random(7);
            float[] a = new float[M * K];
            float[] b = new float[K * N];
            for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() * 2 - 1;
            for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() * 2 - 1;
            try (NDManager m = Engine.getEngine("PyTorch").newBaseManager(Device.cpu())) {
                NDArray x = m.create(a, new Shape(M, K));
                NDArray y = m.create(b, new Shape(K, N));
                float[] c = x.matMul(y).toFloatArray();
                double worst = 0;
                for (int i = 0; i < M; i++) {
                    for (int j = 0; j < N; j++) {
                        double s = 0;
                        for (int k = 0; k < K; k++) s += (double) a[i * K + k] * b[k * N + j];
                        worst = Math.max(worst, Math.abs(s - c[i * N + j]));
                    }
                }
                System.out.flush();
                System.out.println("max abs error " + worst);
            }
        }
    }
}
