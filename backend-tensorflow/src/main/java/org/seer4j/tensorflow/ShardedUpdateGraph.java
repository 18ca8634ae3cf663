package org.seer4j.tensorflow;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.seer4j.core.optim.OptimizerShards;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The in-graph update with sharded optimiser state ({@code backend.shard_optimizer_state}, ZeRO stage 1): only the
 * owner of a tensor (core {@link OptimizerShards}, the rule the DJL engine and the memory planner follow) holds its
 * momentum and updates it; the new value then goes from the owner to every other worker by TF's collective
 * broadcast, and the others assign what they receive.
 *
 * <p>The gradient still reaches every worker through the all-reduce of the plain data-parallel step
 * ({@code CollectiveReduce}: TF's {@code CollectiveReduceScatterV2} runs only over NCCL, its CPU collective is
 * undefined, and a reduce-scatter of whole tensors of uneven sizes would need padding to the largest range); the non-owners discard it, but must run it, or the owner's
 * all-reduce would wait for them forever. So the saving is memory (the momentum, and LARC's norms are only
 * computed on the owner), not traffic: each tensor crosses once more, as the broadcast.
 *
 * <p>Everything is built per tensor under the control dependencies of {@link BackwardGraph}'s piece-by-piece
 * order: the receive waits for the same input gradients as the owner's update, so no worker assigns a tensor that
 * its own backward still reads, and the previous piece's backward waits for the broadcast. The broadcasts also
 * form one chain, in the order the tensors are built (the same on every worker): each waits for the previous
 * one, so one tensor's transfer buffers (gRPC messages and the received copy) exist at a time, not a whole
 * piece's. One instance per training graph: a chain must not reach into another graph's ops.
 */
final class ShardedUpdateGraph {
    private final OptimizerShards shards;
    private final GraphCollective workers;
    /** The last broadcast built (the owner's send or the others' assign), which the next one waits for. */
    private Op last;

    ShardedUpdateGraph(OptimizerShards shards, GraphCollective workers) {
        if (shards.worldSize() != workers.worldSize()) {
            throw new IllegalArgumentException("shards of " + shards.worldSize() + " workers for a world of "
                    + workers.worldSize());
        }
        this.shards = shards;
        this.workers = workers;
    }

    /**
     * The ops that give every worker {@code v}'s updated value. {@code after} are the ops everything here waits
     * for; {@code grad} is this worker's copy of the averaged gradient (all-reduced); {@code update} builds the
     * owner's optimiser step under the given ops.
     */
    List<Op> apply(Ops tf, TfVariable v, Operand<TFloat32> grad, List<Operation> after,
                   Supplier<Op[]> update) {
        int owner = shards.owner(v.name());
        List<Operation> chained = new ArrayList<>(after);
        if (last != null) chained.add(last.op());
        Ops gated = tf.withControlDependencyOps(chained);
        List<Op> out = new ArrayList<>();
        if (owner == workers.rank()) {
            Op[] updated = update.get();
            out.addAll(List.of(updated));
            // a fresh read, after the update (the variable's shared read is the step's snapshot from before it)
            Operand<TFloat32> value = tf.withControlDependencies(List.of(updated)).readVariableOp(v.handle(),
                    TFloat32.class);
            out.add(workers.broadcast(gated, value, TfTensors.shape(v.internalShape()), owner));
        } else {
            Operand<TFloat32> received = workers.broadcast(gated, null, TfTensors.shape(v.internalShape()), owner);
            // the gradient's all-reduce must run here too, though only the owner uses its result
            List<Operation> deps = new ArrayList<>(chained);
            deps.add(grad.op());
            out.add(tf.withControlDependencyOps(deps).assignVariableOp(v.handle(), received));
        }
        last = out.get(out.size() - 1);
        return out;
    }
}
