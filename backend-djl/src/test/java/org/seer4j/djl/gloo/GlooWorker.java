package org.seer4j.djl.gloo;

import java.time.Duration;
import java.util.Arrays;
import org.seer4j.core.distributed.WorkerEnvironment;

/**
 * A worker process of the Gloo tests: reads its rank from the environment (as {@code seer4j launch} sets it), joins
 * the Gloo collective and runs a scenario, printing results as {@code key=value} lines.
 */
public final class GlooWorker {

    public static void main(String[] args) {
        String scenario = args[0];
        WorkerEnvironment env = WorkerEnvironment.from(System.getenv());
        try (GlooCollective c = GlooCollective.start(env, Duration.ofSeconds(Long.parseLong(args[1])))) {
            int r = c.rank();
            switch (scenario) {
                case "ops" -> {
                    float[] f = {r + 1, 10f * (r + 1), -r};
                    c.allReduceSum(f);
                    System.out.println("sum=" + Arrays.toString(f));
                    double[] d = {1 + 1e-9 * (r + 1), 1 + r};
                    c.allReduceSum(d);
                    System.out.println("dsum=" + Arrays.toString(d));
                    float[] b = {r + 7, r * 2f};
                    c.broadcast(b, 1);
                    System.out.println("bcast=" + Arrays.toString(b));
                    c.barrier();
                    float[] again = {r};
                    c.allReduceSum(again);
                    System.out.println("again=" + Arrays.toString(again));
                    big(c);
                    // the port's reduce-scatter and all-gather (ZeRO-1) over uneven ranges
                    int[] bounds = {0, 2, 5};
                    float[] g = {r + 1, r + 2, r + 3, r + 4, r + 5};
                    c.reduceScatterSum(g, bounds);
                    System.out.println("scatter=" + Arrays.toString(Arrays.copyOfRange(g, bounds[r], bounds[r + 1])));
                    float[] w = new float[5];
                    for (int i = bounds[r]; i < bounds[r + 1]; i++) w[i] = 100 * r + i;
                    c.allGather(w, bounds);
                    System.out.println("gather=" + Arrays.toString(w));
                    float[] groups = {r + 1};
                    c.allReduceSum(groups, 1);
                    System.out.println("group1=" + Arrays.toString(groups));
                }
                case "die" -> {
                    float[] f = {r};
                    c.allReduceSum(f);
                    System.out.println("first=" + Arrays.toString(f));
                    if (r == 1) {
                        System.out.flush();
                        Runtime.getRuntime().halt(3);
                    }
                    c.allReduceSum(f);
                    System.out.println("second=" + Arrays.toString(f));
                }
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            }
        } catch (RuntimeException e) {
            System.out.println("error=" + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            System.out.flush();
            Runtime.getRuntime().halt(2);
        }
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /**
     * Buffers of two and a half slots go through the chunk pipeline: rank r holds (i mod 1000) (r + 1) at i, the sum
     * over ranks 0 and 1 is 3 (i mod 1000); the broadcast from rank 0 gives every rank its values. Prints the first
     * index that differs, or -1.
     */
    private static void big(GlooCollective c) {
        int r = c.rank();
        int n = GlooCollective.CHUNK_BYTES / 4 * 2 + GlooCollective.CHUNK_BYTES / 8 + 3;
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (i % 1000) * (r + 1);
        c.allReduceSum(f);
        int bad = -1;
        for (int i = 0; i < n && bad < 0; i++) if (f[i] != (i % 1000) * 3f) bad = i;
        System.out.println("bigsum=" + bad);
        int m = GlooCollective.CHUNK_BYTES / 8 * 2 + 5;
        double[] d = new double[m];
        for (int i = 0; i < m; i++) d[i] = i * (r + 1) + 0.25;
        c.allReduceSum(d);
        bad = -1;
        for (int i = 0; i < m && bad < 0; i++) if (d[i] != i * 3.0 + 0.5) bad = i;
        System.out.println("bigdsum=" + bad);
        float[] b = new float[n];
        for (int i = 0; i < n; i++) b[i] = r == 0 ? i % 977 : -1;
        c.broadcast(b, 0);
        bad = -1;
        for (int i = 0; i < n && bad < 0; i++) if (b[i] != i % 977) bad = i;
        System.out.println("bigbcast=" + bad);
    }
}
