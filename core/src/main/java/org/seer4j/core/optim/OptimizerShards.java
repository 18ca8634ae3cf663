package org.seer4j.core.optim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which data-parallel worker keeps the optimiser state of which parameter tensor ({@code
 * backend.shard_optimizer_state}, ZeRO stage 1): whole tensors, so LARC's per-tensor norms stay local to their
 * owner. Tensors go largest first to the least loaded worker (ties: the lower rank; equal sizes in name order), so
 * the owners depend only on the names and sizes, not on the order an engine lists its tensors in: every worker,
 * both engines and the memory planner compute the same owners, and the largest shard exceeds the even share by at
 * most one tensor.
 */
public final class OptimizerShards {
    private final int worldSize;
    private final Map<String, Integer> owners;
    private final long[] loads;

    private OptimizerShards(int worldSize, Map<String, Integer> owners, long[] loads) {
        this.worldSize = worldSize;
        this.owners = owners;
        this.loads = loads;
    }

    /** Owners for the tensors {@code names} of {@code sizes} values among {@code worldSize} workers. */
    public static OptimizerShards of(List<String> names, List<Long> sizes, int worldSize) {
        if (worldSize < 1) throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        if (names.size() != sizes.size()) {
            throw new IllegalArgumentException(names.size() + " names but " + sizes.size() + " sizes");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) order.add(i);
        order.sort(Comparator.comparing((Integer i) -> sizes.get(i)).reversed().thenComparing(names::get));
        long[] loads = new long[worldSize];
        Map<String, Integer> owners = new HashMap<>();
        for (int i : order) {
            int least = 0;
            for (int r = 1; r < worldSize; r++) {
                if (loads[r] < loads[least]) least = r;
            }
            if (owners.put(names.get(i), least) != null) {
                throw new IllegalArgumentException("tensor " + names.get(i) + " is listed twice");
            }
            loads[least] += sizes.get(i);
        }
        return new OptimizerShards(worldSize, owners, loads);
    }

    public int worldSize() {
        return worldSize;
    }

    /** The rank that updates {@code name} and keeps its optimiser state. */
    public int owner(String name) {
        Integer r = owners.get(name);
        if (r == null) throw new IllegalArgumentException("no owner for tensor " + name);
        return r;
    }

    /** Whether {@code name} is one of the tensors these shards divide. */
    public boolean covers(String name) {
        return owners.containsKey(name);
    }

    /** Values whose optimiser state {@code rank} keeps. */
    public long shardValues(int rank) {
        return loads[rank];
    }

    /** The most values any worker keeps state for (what the memory plan budgets per worker). */
    public long largestShardValues() {
        long max = 0;
        for (long l : loads) max = Math.max(max, l);
        return max;
    }

    /**
     * A flat buffer for some of the tensors (one step's segment, say), grouped by owner so that every worker's
     * tensors are one range, as reduce-scatter and all-gather take them: {@code order} lists indices into
     * {@code names} in buffer order, {@code offsets[k]} is where {@code order[k]} starts, {@code bounds} are the
     * worldSize + 1 range limits.
     */
    public record Layout(int[] order, int[] offsets, int[] bounds, int length) {
    }

    /** The layout of {@code names} (each known here) with {@code sizes} values each. */
    public Layout layout(List<String> names, List<Integer> sizes) {
        int n = names.size();
        int[] order = new int[n];
        int[] offsets = new int[n];
        int[] bounds = new int[worldSize + 1];
        int k = 0;
        long offset = 0;
        for (int r = 0; r < worldSize; r++) {
            bounds[r] = Math.toIntExact(offset);
            for (int i = 0; i < n; i++) {
                if (owner(names.get(i)) == r) {
                    order[k] = i;
                    offsets[k++] = Math.toIntExact(offset);
                    offset += sizes.get(i);
                }
            }
        }
        bounds[worldSize] = Math.toIntExact(offset);
        return new Layout(order, offsets, bounds, bounds[worldSize]);
    }
}
