package org.seer4j.tensorflow;

import java.time.Duration;
import java.util.Arrays;
import org.seer4j.core.distributed.WorkerEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TargetedSession;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

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
                case "groups" -> groups(c);
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

    /**
     * The in-graph group all-reduce of SyncBN (groups of 2): rank r holds x = {r + 1, 10 (r + 1)} and the local
     * objective c . y with c = {r + 1, 1} on y = the group's sum of x. Prints y and the gradient of c . y by x,
     * which the all-reduce's gradient turns into the sum of c over the group (the gradient of every worker's
     * objective together).
     */
    private static void groups(TfCollective c) {
        int r = c.rank();
        GraphCollective workers = new GraphCollective(r, c.worldSize(), c.timeout().toMillis() / 1000f, 2);
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Operand<TFloat32> x = tf.constant(new float[] {r + 1, 10f * (r + 1)});
            Operand<TFloat32> y = workers.allReduceSumInGroup(tf, x);
            Operand<TFloat32> objective = tf.sum(tf.math.mul(y, tf.constant(new float[] {r + 1, 1})),
                    tf.constant(0));
            Output<?>[] dx = g.addGradients("d", new Output<?>[] {objective.asOutput()},
                    new Output<?>[] {x.asOutput()}, null);
            try (Session s = TargetedSession.open(g, c.target(), c.sessionConfig(SessionConfigs.of("cpu", 1)));
                 Result out = s.runner().fetch(y).fetch(dx[0]).run()) {
                System.out.println("group=" + Arrays.toString(floats((TFloat32) out.get(0))));
                System.out.println("grad=" + Arrays.toString(floats((TFloat32) out.get(1))));
            }
        }
    }

    private static float[] floats(TFloat32 t) {
        float[] v = new float[(int) t.size()];
        t.asRawTensor().data().asFloats().read(v);
        return v;
    }
}
