package org.seer4j.core.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.model.ModelCost;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.model.Models;
import org.seer4j.core.model.ParameterLayout;
import org.seer4j.core.model.ParameterSpec;
import org.seer4j.core.optim.OptimizerShards;
import org.seer4j.core.views.CropGroup;

/**
 * Estimates a training run's peak memory per data-parallel worker from its configuration alone, before anything
 * big is allocated (see {@link MemoryPlan} for the terms and {@link ActivationCount} for the activations).
 */
public final class MemoryPlanner {
    private static final int FLOAT = 4;
    /** Advice saving less than this (64 MiB) is not worth a line. */
    private static final long WORTH_SAYING = 64L << 20;

    /**
     * What decides the memory of a run, beside the network ({@code queueLength}: this worker's queue rows);
     * {@code optimizerShards} workers share the optimiser state ({@code backend.shard_optimizer_state}; 1: each
     * keeps all of it).
     */
    public record Switches(int batchPerWorker, boolean activationCheckpointing, String stateDtype,
                           boolean momentum, int queueLength, int assignCrops, int optimizerShards) {
        public Switches {
            if (optimizerShards < 1) throw new IllegalArgumentException("optimizer shards must be >= 1");
        }

        /** Switches of a run whose workers each keep the whole optimiser state. */
        public Switches(int batchPerWorker, boolean activationCheckpointing, String stateDtype, boolean momentum,
                        int queueLength, int assignCrops) {
            this(batchPerWorker, activationCheckpointing, stateDtype, momentum, queueLength, assignCrops, 1);
        }

        Switches with(boolean checkpointing, String dtype, int batch) {
            return new Switches(batch, checkpointing, dtype, momentum, queueLength, assignCrops, optimizerShards);
        }
    }

    private MemoryPlanner() {
    }

    /** The plan of {@code config} for one of {@code worldSize} data-parallel workers. */
    public static MemoryPlan plan(RunConfig config, int worldSize) {
        if (worldSize < 1) throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        Switches s = new Switches(Math.max(1, config.train().batchSize() / worldSize),
                config.train().activationCheckpointing(), config.optim().stateDtype(), config.optim().momentum() > 0,
                // each worker keeps queue_length / workers rows (QueueSchedule)
                config.swav().queueLength() / worldSize, config.views().assignCrops().size(),
                config.backend().shardOptimizerState() ? worldSize : 1);
        return plan(Models.definition(config), config.views().crops(), s,
                EngineMemoryProfile.of(config.backend().name()));
    }

    public static MemoryPlan plan(ModelDefinition model, List<CropGroup> crops, Switches s, EngineMemoryProfile engine) {
        MemoryPlan plain = terms(model, crops, s, engine, List.of());
        return terms(model, crops, s, engine, advice(model, crops, s, engine, plain));
    }

    private static MemoryPlan terms(ModelDefinition model, List<CropGroup> crops, Switches s,
                                    EngineMemoryProfile engine, List<String> advice) {
        long all = 0;
        long trainable = 0;
        Map<String, Long> segments = new HashMap<>();
        List<String> names = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (ParameterSpec p : ParameterLayout.of(model)) {
            all += p.size();
            if (p.trainable()) {
                trainable += p.size();
                segments.merge(segment(p.name()), p.size(), Long::sum);
                names.add(p.name());
                sizes.add(p.size());
            }
        }
        long params = ModelCost.of(model, crops.get(0).size()).params();
        long held = engine.gradientsPerSegment() ? segments.values().stream().mapToLong(Long::longValue).max()
                .orElse(0) : trainable;
        long gradients = held * FLOAT * (engine.gradientsPerCropGroup() ? crops.size() : 1);
        int stateBytes = "bfloat16".equals(s.stateDtype()) ? 2 : FLOAT;
        // sharded: the worker with the largest share of whole tensors (OptimizerShards, as the engine assigns them)
        long stateValues = s.optimizerShards() > 1
                ? OptimizerShards.of(names, sizes, s.optimizerShards()).largestShardValues() : trainable;
        long optimizer = s.momentum() ? stateValues * stateBytes : 0;
        int embedding = model.head() == null ? 0 : model.head().outWidth();
        long queue = (long) s.queueLength() * embedding * s.assignCrops() * FLOAT;
        List<MemoryPlan.GroupActivations> groups = new ArrayList<>();
        long recompute = 0;
        long largest = 0;
        for (CropGroup g : crops) {
            ActivationCount a = ActivationCount.of(model, g.size());
            long images = (long) g.count() * s.batchPerWorker();
            boolean perBlock = engine.recomputePerBlock();
            long kept = s.activationCheckpointing() ? a.checkpointedValues(perBlock) : a.totalValues();
            groups.add(new MemoryPlan.GroupActivations(g.count(), g.size(),
                    scale(images * kept * FLOAT, engine.activationFactor())));
            if (s.activationCheckpointing()) {
                recompute = Math.max(recompute, scale(images * a.largestSegmentValues(perBlock) * FLOAT,
                        engine.activationFactor()));
            }
            largest = Math.max(largest, images * a.largestTensor() * FLOAT);
        }
        long workspace = scale(largest, engine.workspaceFactor());
        return new MemoryPlan(engine.engine(), params, all * FLOAT, gradients, optimizer, queue, groups, recompute,
                workspace, engine.runtimeBytes(), advice);
    }

    /** The switches that would shrink this plan, each with what it would save. */
    private static List<String> advice(ModelDefinition model, List<CropGroup> crops, Switches s,
                                       EngineMemoryProfile engine, MemoryPlan plain) {
        List<String> out = new ArrayList<>();
        long peak = plain.peakBytes();
        if (!s.activationCheckpointing()) {
            long saved = peak - terms(model, crops, s.with(true, s.stateDtype(), s.batchPerWorker()), engine,
                    List.of()).peakBytes();
            if (saved >= WORTH_SAYING) out.add("train.activation_checkpointing: true (recompute activations in backward; saves "
                    + MemoryPlan.gib(saved) + ")");
        }
        if (s.momentum() && !"bfloat16".equals(s.stateDtype()) && engine.bfloat16State()
                && plain.optimizerBytes() / 2 >= WORTH_SAYING) {
            long saved = plain.optimizerBytes() / 2;
            out.add("optim.state_dtype: bfloat16 (momentum in half the bytes; saves " + MemoryPlan.gib(saved) + ")");
        }
        long halfBatch = s.batchPerWorker() > 1 ? peak - terms(model, crops, s.with(s.activationCheckpointing(),
                s.stateDtype(), s.batchPerWorker() / 2), engine, List.of()).peakBytes() : 0;
        if (halfBatch >= WORTH_SAYING) {
            long saved = peak - terms(model, crops, s.with(s.activationCheckpointing(), s.stateDtype(),
                    s.batchPerWorker() / 2), engine, List.of()).peakBytes();
            out.add("half the images per worker: a smaller train.batch_size, or more data-parallel workers "
                    + "(seer4j launch) sharing it (saves " + MemoryPlan.gib(saved) + ")");
        }
        if (plain.weightsBytes() + plain.gradientsBytes() + plain.optimizerBytes() > peak / 2) {
            out.add("a smaller trunk (model.arch) or head (model.head_dims, swav.prototypes): weights, gradients "
                    + "and optimiser state grow with the parameters");
        }
        return out;
    }

    /** The segment a parameter's gradient belongs to: the stem, one residual block, or the head. */
    static String segment(String name) {
        if (name.startsWith("stem.")) return "stem";
        if (name.startsWith("trunk_output.")) {
            int end = name.indexOf('.', name.indexOf('.', name.indexOf('.') + 1) + 1);
            return name.substring(0, end); // trunk_output.blockS.blockS-i
        }
        return "head";
    }

    private static long scale(long bytes, double factor) {
        return (long) Math.ceil(bytes * factor);
    }
}
