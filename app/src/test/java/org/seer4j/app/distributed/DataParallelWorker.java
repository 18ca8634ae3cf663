package org.seer4j.app.distributed;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.seer4j.app.engine.Collectives;
import org.seer4j.app.engine.Engines;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.model.HeadSpec;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Rounding;
import org.seer4j.core.swav.StepPlanner;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;

/**
 * One data-parallel worker of the tests: a tiny RegNet + SwAV model trained for K steps on this rank's shard of a
 * seeded global batch (images r, r + world, ...). Prints {@code loss<k>=} lines and writes its final weights.
 * Arguments: engine, steps, global batch, weights file (".rank" appended), collective timeout seconds, and
 * optionally {@code rank:step} of a worker that dies abruptly before that step (failure tests; {@code -} for none),
 * the SyncBN group size (default 0: every worker) and {@code swav.queue_length} (default 0; the queue starts at
 * step 0 and joins Sinkhorn when the core's planner says it is full).
 */
public final class DataParallelWorker {
    static final RegNetPlan PLAN = RegNetGenerator.plan(new RegNetSpec(3, 16, 8.0, 2.0, 8, 1.0, 0.25, 8,
            Rounding.PYCLS));
    static final ModelDefinition DEF = new ModelDefinition(PLAN, 2,
            new HeadSpec(PLAN.outWidth(), List.of(16, 8), true), 12, 0);
    static final List<CropGroup> CROPS = List.of(new CropGroup(2, 24, 0.14, 1.0), new CropGroup(2, 12, 0.05, 0.14));

    public static void main(String[] args) throws IOException {
        String engine = args[0];
        int steps = Integer.parseInt(args[1]);
        int globalBatch = Integer.parseInt(args[2]);
        boolean dies = args.length > 5 && !args[5].equals("-");
        int dieRank = dies ? Integer.parseInt(args[5].split(":")[0]) : -1;
        int dieStep = dies ? Integer.parseInt(args[5].split(":")[1]) : -1;
        int syncBnGroup = args.length > 6 ? Integer.parseInt(args[6]) : 0;
        int queueLength = args.length > 7 ? Integer.parseInt(args[7]) : 0;
        Map<String, String> env = System.getenv();
        try (Collective collective = Collectives.fromEnvironment(env, java.time.Duration.ofSeconds(
                Long.parseLong(args[4])), engine)) {
            List<Double> losses = train(engine, steps, globalBatch, collective, Path.of(args[3] + "." + collective.rank()),
                    dieRank, dieStep, syncBnGroup, queueLength);
            for (int k = 0; k < losses.size(); k++) System.out.println("loss" + k + "=" + losses.get(k));
        } catch (RuntimeException e) {
            System.out.println("error=" + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            System.out.flush();
            Runtime.getRuntime().halt(2);
        }
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /** K steps on this rank's shard; returns the loss each step reported and writes the final weights. */
    static List<Double> train(String engine, int steps, int globalBatch, Collective collective, Path weights,
                              int dieRank, int dieStep, int syncBnGroup) throws IOException {
        return train(engine, steps, globalBatch, collective, weights, dieRank, dieStep, syncBnGroup, 0);
    }

    static List<Double> train(String engine, int steps, int globalBatch, Collective collective, Path weights,
                              int dieRank, int dieStep, int syncBnGroup, int queueLength) throws IOException {
        int world = collective.worldSize();
        List<Double> losses = new ArrayList<>();
        EngineSettings settings = settings(collective, globalBatch / world, globalBatch, syncBnGroup, queueLength);
        StepPlanner planner = new StepPlanner(settings.swav(), settings.optim(), globalBatch, steps);
        try (SwavModel model = Engines.byName(engine).open(DEF, settings)) {
            for (int k = 0; k < steps; k++) {
                if (collective.rank() == dieRank && k == dieStep) {
                    System.out.println("dying at step " + k);
                    System.out.flush();
                    Runtime.getRuntime().halt(9);
                }
                MultiCropBatch batch = globalBatch(globalBatch, k).shard(collective.rank(), world);
                boolean useQueue = planner.plan(k).useQueue();
                losses.add(model.step(batch, new StepPlan(k, 0.2, false, useQueue)).loss());
            }
            write(model.weights(), weights);
        }
        return losses;
    }

    /** The tiny model's settings: SGD, distributed Sinkhorn when the collective has several workers. */
    static EngineSettings settings(Collective collective, int localBatch, int globalBatch, int syncBnGroup) {
        return settings(collective, localBatch, globalBatch, syncBnGroup, 0);
    }

    static EngineSettings settings(Collective collective, int localBatch, int globalBatch, int syncBnGroup,
                                   int queueLength) {
        return new EngineSettings("cpu", 1, 42, new SwavConfig(12, 0.1, 0.05, 3, queueLength, 0, 0),
                new OptimConfig("sgd", 0.9, 1e-4, 0.2, globalBatch, 0.0, 0.001, 0, 0.02, false, true),
                new ViewsConfig(CROPS, List.of(0, 1), Augmentation.defaults()), localBatch, collective, syncBnGroup);
    }

    /** The seeded global batch of step k: B images, every crop group crop-major ([count * B, 3, s, s]). */
    static MultiCropBatch globalBatch(int b, int k) {
        Random r = new Random(1000 + k);
        List<Tensor> groups = new ArrayList<>();
        for (CropGroup g : CROPS) {
            int n = g.count() * b;
            float[] v = new float[n * 3 * g.size() * g.size()];
            for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
            groups.add(Tensor.of(v, n, 3, g.size(), g.size()));
        }
        return new MultiCropBatch(groups, b);
    }

    private static void write(Map<String, Tensor> weights, Path out) throws IOException {
        try (DataOutputStream s = new DataOutputStream(Files.newOutputStream(out))) {
            s.writeInt(weights.size());
            for (Map.Entry<String, Tensor> e : weights.entrySet()) {
                s.writeUTF(e.getKey());
                s.writeInt(e.getValue().size());
                for (int i = 0; i < e.getValue().size(); i++) s.writeFloat(e.getValue().get(i));
            }
        }
    }
}
