package org.seer4j.tensorflow;

import java.time.Duration;
import java.util.Arrays;
import org.seer4j.core.distributed.WorkerEnvironment;

/**
 * A worker process for the multi-process tests: reads its rank from the environment (as {@code seer4j launch}
 * sets it), joins the TF collective and runs a scenario, printing results as {@code key=value} lines.
 */
public final class CollectiveWorker {

    public static void main(String[] args) {
        String scenario = args[0];
        WorkerEnvironment env = WorkerEnvironment.from(System.getenv());
        try (TfCollective c = TfCollective.start(env, Duration.ofSeconds(Long.parseLong(args[1])))) {
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
                    float[] again = {r};
                    c.allReduceSum(again);
                    System.out.println("again=" + Arrays.toString(again));
                    c.barrier();
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
            System.out.println("error=" + e.getMessage().lines().findFirst().orElse(""));
            System.out.flush();
            Runtime.getRuntime().halt(2);
        }
        System.out.flush();
        // TF's server threads are not daemons; end the process once the scenario is done
        Runtime.getRuntime().halt(0);
    }
}
