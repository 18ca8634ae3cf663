package org.seer4j.tensorflow;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * All-reduce sums inside a training graph (TF's {@code CollectiveReduce}), for data-parallel steps that run in one
 * session run: gradient averaging, SyncBN statistics and Sinkhorn's sums. The op gets a gradient (TF's C++
 * registry has none): the gradient of a sum over workers is the sum over workers of the incoming gradients, so
 * SyncBN differentiates exactly across workers.
 *
 * <p>Instance keys come from one counter per process, in order of op creation; every worker builds the same graph
 * in the same order, so the keys match. They start far above the host collective's keys.
 */
final class GraphCollective {
    private static final AtomicInteger NEXT_KEY = new AtomicInteger(1 << 20);
    private static boolean gradientRegistered;

    private final int rank;
    private final int worldSize;
    private final float timeoutSeconds;
    private final int bnGroupSize;

    /** @param bnGroupSize consecutive ranks that share BN statistics (SyncBN groups); it divides the world size */
    GraphCollective(int rank, int worldSize, float timeoutSeconds, int bnGroupSize) {
        org.seer4j.core.port.Collective.checkGroupSize(bnGroupSize, worldSize);
        this.rank = rank;
        this.worldSize = worldSize;
        this.timeoutSeconds = timeoutSeconds;
        this.bnGroupSize = bnGroupSize;
        registerGradient();
    }

    int bnGroupSize() {
        return bnGroupSize;
    }

    int rank() {
        return rank;
    }

    int worldSize() {
        return worldSize;
    }

    /** The element-wise sum of {@code x} over every worker. */
    <T extends TType> Operand<T> allReduceSum(Ops tf, Operand<T> x) {
        return reduce(tf, x, worldSize, timeoutSeconds);
    }

    /**
     * The element-wise sum of the vector {@code x} over this worker's SyncBN group. With several groups, as the
     * Collective port's default does on the host: one world all-reduce of a [groups, n] matrix in which each worker
     * fills only its group's row (x times a one-hot column), then that row is read back (times the one-hot column,
     * summed over rows). Only Mul, Sum and the all-reduce are involved, so the gradient is exact and stays within
     * the group; the price is groups times the data of one all-reduce.
     */
    Operand<TFloat32> allReduceSumInGroup(Ops tf, Operand<TFloat32> x) {
        int groups = worldSize / bnGroupSize;
        if (groups == 1) {
            return allReduceSum(tf, x);
        }
        if (x.shape().numDimensions() != 1) {
            throw new IllegalArgumentException("group all-reduce takes vectors, got " + x.shape());
        }
        float[][] slot = new float[groups][1];
        slot[rank / bnGroupSize][0] = 1f;
        Operand<TFloat32> oneHot = tf.constant(slot);
        Operand<TFloat32> rows = allReduceSum(tf, tf.math.mul(oneHot, tf.expandDims(x, tf.constant(0))));
        return tf.sum(tf.math.mul(rows, oneHot), tf.constant(0));
    }

    /**
     * {@code root}'s value of a float32 tensor of {@code shape} on every worker (TF's {@code
     * CollectiveBcastSend}/{@code Recv}: the root sends {@code value}, the others receive, so {@code value} is only
     * used on the root and may be null elsewhere). Bit for bit: nothing is summed. The receive has no data input;
     * build it under the control dependencies that say when it may run.
     */
    Operand<TFloat32> broadcast(Ops tf, Operand<TFloat32> value, Shape shape, int root) {
        var builder = tf.scope().env().opBuilder(rank == root ? "CollectiveBcastSend" : "CollectiveBcastRecv",
                tf.scope().makeOpName(rank == root ? "CollectiveBcastSend" : "CollectiveBcastRecv"), tf.scope());
        if (rank == root) {
            builder.addInput(value.asOutput());
        } else {
            builder.setAttr("T", DataType.DT_FLOAT);
        }
        GraphOperation op = (GraphOperation) builder
                .setAttr("group_size", (long) worldSize)
                .setAttr("group_key", 1L)
                .setAttr("instance_key", (long) NEXT_KEY.getAndIncrement())
                .setAttr("shape", shape)
                .setAttr("timeout_seconds", timeoutSeconds)
                .build();
        return op.output(0);
    }

    @SuppressWarnings("unchecked")
    private static <T extends TType> Operand<T> reduce(Ops tf, Operand<T> x, long groupSize, float timeout) {
        GraphOperation op = (GraphOperation) tf.scope().env().opBuilder("CollectiveReduce",
                        tf.scope().makeOpName("CollectiveReduce"), tf.scope())
                .addInput(x.asOutput())
                .setAttr("group_size", groupSize)
                .setAttr("group_key", 1L)
                .setAttr("instance_key", (long) NEXT_KEY.getAndIncrement())
                .setAttr("merge_op", "Add")
                .setAttr("final_op", "Id")
                .setAttr("subdiv_offsets", new long[0])
                .setAttr("timeout_seconds", timeout)
                .build();
        return (Operand<T>) op.output(0);
    }

    private static synchronized void registerGradient() {
        if (gradientRegistered) {
            return;
        }
        TensorFlow.registerCustomGradient("CollectiveReduce", (tf, op, gradients) -> {
            long groupSize = op.attributes().getAttrInt("group_size");
            float timeout = op.attributes().getAttrFloat("timeout_seconds");
            return List.of(reduce(tf, gradients.get(0), groupSize, timeout));
        });
        gradientRegistered = true;
    }
}
