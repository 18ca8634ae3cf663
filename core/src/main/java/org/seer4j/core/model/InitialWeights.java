package org.seer4j.core.model;

import java.util.LinkedHashMap;
import java.util.List;
import org.seer4j.core.tensor.Tensor;

/**
 * pycls's initialisation of a whole model, keyed by interchange name in {@link ParameterLayout} order:
 * convolutions N(0, sqrt(2 / fan_out)) with fan_out = kh * kw * out_channels, linear layers and prototypes
 * N(0, 0.01), every bias 0, BN gamma 1 and beta 0, running mean 0 and variance 1.
 *
 * <p>Each tensor draws from its own {@link GaussianStream} seeded by (seed, name), so both engines get identical
 * weights whatever order they build in, and adding a head does not change the trunk's weights.
 */
public final class InitialWeights {
    static final double LINEAR_STD = 0.01;

    private InitialWeights() {
    }

    public static LinkedHashMap<String, Tensor> generate(ModelDefinition model, long seed) {
        List<ParameterSpec> layout = ParameterLayout.of(model);
        // Streams are per tensor, so filling tensors in parallel changes nothing but the wall time.
        List<Tensor> tensors = layout.parallelStream().map(p -> Tensor.of(values(p, seed), p.shape())).toList();
        LinkedHashMap<String, Tensor> weights = new LinkedHashMap<>();
        for (int i = 0; i < layout.size(); i++) weights.put(layout.get(i).name(), tensors.get(i));
        return weights;
    }

    static float[] values(ParameterSpec p, long seed) {
        float[] v = new float[Math.toIntExact(p.size())];
        switch (p.kind()) {
            case CONV_WEIGHT -> gaussian(v, Math.sqrt(2.0 / ((long) p.dim(0) * p.dim(2) * p.dim(3))), seed, p.name());
            case LINEAR_WEIGHT, PROTOTYPES -> gaussian(v, LINEAR_STD, seed, p.name());
            case BN_WEIGHT, BN_RUNNING_VAR -> java.util.Arrays.fill(v, 1f);
            case CONV_BIAS, LINEAR_BIAS, BN_BIAS, BN_RUNNING_MEAN -> { } // zeros
        }
        return v;
    }

    private static void gaussian(float[] v, double std, long seed, String name) {
        GaussianStream g = new GaussianStream(seed, name);
        for (int i = 0; i < v.length; i++) v[i] = (float) (std * g.next());
    }
}
