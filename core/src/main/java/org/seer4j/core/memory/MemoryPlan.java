package org.seer4j.core.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The estimated peak memory of one data-parallel worker of a training run, by term. Weights, gradients,
 * optimiser state and queue are exact byte counts of the model's tensors; activations come from the block plan's
 * hand count ({@link ActivationCount}); the runtime and backward's workspace from the engine's
 * {@link EngineMemoryProfile}. The peak is their sum: the live set at the start of backward, when every
 * activation is still held and the first gradients appear.
 *
 * @param params           trainable parameters (what papers count)
 * @param weightsBytes     every tensor of the model (BN running statistics included), float32
 * @param gradientsBytes   parameter gradients alive at the peak
 * @param optimizerBytes   momentum, in {@code optim.state_dtype}
 * @param queueBytes       the SwAV queue
 * @param groups           kept activations of each crop group
 * @param recomputeBytes   under activation checkpointing: the largest stage rebuilt during backward
 * @param workspaceBytes   transient buffers of backward
 * @param runtimeBytes     JVM, engine libraries, data pipeline
 */
public record MemoryPlan(String engine, long params, long weightsBytes, long gradientsBytes, long optimizerBytes,
                         long queueBytes, List<GroupActivations> groups, long recomputeBytes, long workspaceBytes,
                         long runtimeBytes, List<String> advice) {

    /** Kept activations of one crop group ({@code count} crops of {@code size} px, for the worker's batch). */
    public record GroupActivations(int count, int size, long bytes) {
    }

    public MemoryPlan {
        groups = List.copyOf(groups);
        advice = List.copyOf(advice);
    }

    public long activationsBytes() {
        long a = recomputeBytes;
        for (GroupActivations g : groups) a += g.bytes();
        return a;
    }

    /** Engine workspace as the issue counts it: backward's transient buffers plus the runtime. */
    public long engineBytes() {
        return workspaceBytes + runtimeBytes;
    }

    public long peakBytes() {
        return weightsBytes + gradientsBytes + optimizerBytes + queueBytes + activationsBytes() + engineBytes();
    }

    /** The largest term by name, as the config would call it. */
    public String biggestTerm() {
        List<Object[]> terms = terms();
        Object[] best = terms.get(0);
        for (Object[] t : terms) if ((long) t[1] > (long) best[1]) best = t;
        return (String) best[0];
    }

    /** Name and bytes of every term, in table order. */
    public List<Object[]> terms() {
        List<Object[]> t = new ArrayList<>();
        t.add(new Object[] {"weights", weightsBytes});
        t.add(new Object[] {"gradients", gradientsBytes});
        t.add(new Object[] {"optimizer state", optimizerBytes});
        if (queueBytes > 0) t.add(new Object[] {"swav queue", queueBytes});
        t.add(new Object[] {"activations", activationsBytes()});
        t.add(new Object[] {"engine workspace", engineBytes()});
        return t;
    }

    public static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}
