package org.seer4j.core.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.seer4j.core.config.OptimConfig;
import org.seer4j.core.config.SwavConfig;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.model.HeadSpec;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.model.ParameterLayout;
import org.seer4j.core.model.ParameterSpec;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.regnet.BlockPlan;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Rounding;
import org.seer4j.core.regnet.Stage;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;

/**
 * Hand-made tiny RegNets, settings, weights and batches that keep the engine tests fast; shared by both backends'
 * tests through core's test-jar. Each backend's {@code TinyNets} extends this with opening its own model.
 */
public class TinyModels {
    protected TinyModels() {
    }

    /**
     * Stem 8; stage 1: one block 8 -> 16 (stride 2, 2 groups); stage 2: 16 -> 24 (stride 2, 3 groups) and
     * 24 -> 24 (identity shortcut). SE widths round(0.25 * input width) when {@code se}.
     */
    public static RegNetPlan plan(boolean se) {
        RegNetSpec spec = new RegNetSpec(3, 8, 8, 1.5, 8, 1.0, se ? 0.25 : 0.0, 8, Rounding.PYCLS);
        List<Stage> stages = List.of(new Stage(16, 1, 8, 16, 2), new Stage(24, 2, 8, 24, 2));
        List<BlockPlan> blocks = List.of(
                new BlockPlan(1, 0, 8, 16, 16, 2, 2, se ? 2 : 0),
                new BlockPlan(2, 0, 16, 24, 24, 3, 2, se ? 4 : 0),
                new BlockPlan(2, 1, 24, 24, 24, 3, 1, se ? 6 : 0));
        return new RegNetPlan(spec, stages, blocks);
    }

    public static ModelDefinition swav(boolean se, boolean headBn, int prototypes) {
        return new ModelDefinition(plan(se), 1, new HeadSpec(24, List.of(12, 6), headBn), prototypes, 0);
    }

    /** Two crops of 16 px and two of 8 px; codes from crops 0 and 1. */
    public static ViewsConfig views() {
        return new ViewsConfig(List.of(new CropGroup(2, 16, 0.14, 1.0), new CropGroup(2, 8, 0.05, 0.14)),
                List.of(0, 1), Augmentation.defaults());
    }

    public static EngineSettings settings(OptimConfig optim, SwavConfig swav, int batch) {
        return new EngineSettings("cpu", 1, 7, swav, optim, views(), batch, Collective.SINGLE);
    }

    public static SwavConfig swavConfig(int prototypes, int queueLength) {
        return new SwavConfig(prototypes, 0.1, 0.05, 3, queueLength, 0, 0);
    }

    public static OptimConfig sgd(double lr) {
        return new OptimConfig("sgd", 0.9, 1e-4, lr, 4, 0.0, 0.001, 0, 0.001, false, true);
    }

    public static OptimConfig lars(double lr, boolean clip) {
        return new OptimConfig("lars", 0.9, 1e-4, lr, 4, 0.0, 0.001, 0, 0.02, clip, true);
    }

    /**
     * pycls-like scales (conv N(0, sqrt(2 / fan_out)), linear N(0, 1 / fan_in)), but BN affine parameters and
     * running statistics non-trivial so every term of every formula is exercised. Named and ordered as
     * {@link ParameterLayout}, which both engines read weights by.
     */
    public static Map<String, Tensor> randomWeights(ModelDefinition def, long seed) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (ParameterSpec p : ParameterLayout.of(def)) shapes.put(p.name(), p.shape());
        return randomWeights(shapes, seed);
    }

    /** {@link #randomWeights(ModelDefinition, long)} for the tensors an engine lists, name to shape, in its order. */
    public static Map<String, Tensor> randomWeights(Map<String, int[]> shapes, long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> p : shapes.entrySet()) {
            int[] shape = p.getValue();
            float[] v = new float[Math.toIntExact(java.util.Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b))];
            String n = p.getKey();
            for (int i = 0; i < v.length; i++) {
                double g = r.nextGaussian();
                if (n.endsWith("running_var")) v[i] = (float) (0.5 + r.nextDouble());
                else if (n.endsWith("running_mean")) v[i] = (float) (0.1 * g);
                else if (shape.length == 4) v[i] = (float) (g * Math.sqrt(2.0 / (shape[0] * shape[2] * shape[3])));
                else if (shape.length == 2) v[i] = (float) (g * Math.sqrt(1.0 / shape[1]));
                else if (n.endsWith("weight")) v[i] = (float) (1 + 0.1 * g);
                else v[i] = (float) (0.05 * g);
            }
            out.put(n, Tensor.of(v, shape));
        }
        return out;
    }

    public static MultiCropBatch batch(int b, long seed) {
        Random r = new Random(seed);
        return new MultiCropBatch(List.of(images(r, 2 * b, 16), images(r, 2 * b, 8)), b);
    }

    public static Tensor images(Random r, int n, int size) {
        float[] v = new float[n * 3 * size * size];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(v, n, 3, size, size);
    }
}
