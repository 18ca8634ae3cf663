package org.seer4j.app.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.model.HeadSpec;
import org.seer4j.core.model.ModelCost;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetPresets;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;

/**
 * The standard benchmark step: RegNetY-400MF trunk (pycls rounding), head 440-512-128 with BN, 1000 prototypes,
 * crops 2x96 + 4x48 of random data, batch 16, SGD with momentum.
 */
public record BenchWorkload(ModelDefinition model, EngineSettings settings, List<CropGroup> crops, int batch) {

    public static BenchWorkload standard(String device, int threads) {
        RegNetPlan trunk = RegNetGenerator.plan(RegNetPresets.find("regnety_400mf").orElseThrow());
        ModelDefinition model = new ModelDefinition(trunk, 2, new HeadSpec(trunk.outWidth(), List.of(512, 128), true),
                1000, 0);
        List<CropGroup> crops = List.of(new CropGroup(2, 96, 0.14, 1.0), new CropGroup(4, 48, 0.05, 0.14));
        ViewsConfig views = new ViewsConfig(crops, List.of(0, 1), Augmentation.defaults());
        SwavConfig swav = new SwavConfig(1000, 0.1, 0.05, 3, 0, 0, 0);
        OptimConfig sgd = new OptimConfig("sgd", 0.9, 1e-6, 0.1, 256, 0.0, 0.001, 0, 0.001, false, true);
        int batch = 16;
        return new BenchWorkload(model, new EngineSettings(device, threads, 0, swav, sgd, views, batch,
                Collective.SINGLE), crops, batch);
    }

    /**
     * The same workload as one worker of a data-parallel job (batch per worker unchanged: weak scaling), with BN
     * synchronised over groups of {@code syncBnGroupSize} workers (0: all of them).
     */
    public BenchWorkload withCollective(Collective collective, int syncBnGroupSize) {
        EngineSettings s = settings;
        return new BenchWorkload(model, new EngineSettings(s.device(), s.threads(), s.seed(), s.swav(), s.optim(),
                s.views(), s.batchSize(), collective, syncBnGroupSize, s.activationCheckpointing()), crops, batch);
    }

    /** Multiply-accumulates of one image's crops through trunk, head and prototypes (the core's count). */
    public long macsPerImage() {
        long macs = 0;
        for (CropGroup g : crops) macs += g.count() * ModelCost.of(model, g.size()).macs();
        return macs;
    }

    /** Forward + backward FLOPs of one step: 2 FLOPs per MAC, backward twice the forward. */
    public double flopsPerStep() {
        return (double) macsPerImage() * batch * 2 * 3;
    }

    /** Random normal crops, one NCHW tensor per group, crop-major. */
    public MultiCropBatch randomBatch(long seed) {
        Random r = new Random(seed);
        List<Tensor> groups = new ArrayList<>();
        for (CropGroup g : crops) {
            int n = g.count() * batch;
            float[] v = new float[n * 3 * g.size() * g.size()];
            for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
            groups.add(Tensor.of(v, n, 3, g.size(), g.size()));
        }
        return new MultiCropBatch(groups, batch);
    }
}
