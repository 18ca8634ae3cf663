package org.seer4j.core.model;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;

/**
 * pycls's initialisation of a whole model, keyed by interchange name in {@link ParameterLayout} order:
 * convolutions N(0, sqrt(2 / fan_out)) with fan_out = kh * kw * out_channels, linear layers and prototypes
 * N(0, 0.01), every bias 0, BN gamma 1 and beta 0, running mean 0 and variance 1.
 *
 * <p>Each tensor draws from its own {@link GaussianStream} seeded by (seed, name), so both engines get identical
 * weights whatever order they build in, and adding a head does not change the trunk's weights.
 *
 * <p>{@link #reader} gives the same values in chunks at any offset (the stream can jump), so an engine fills its
 * own memory without the model ever sitting on the Java heap; {@link #generate} builds small models whole.
 */
public final class InitialWeights {
    static final double LINEAR_STD = 0.01;

    private InitialWeights() {
    }

    /** The whole model on the heap, walking each tensor's stream from the start: for small models and tests. */
    public static LinkedHashMap<String, Tensor> generate(ModelDefinition model, long seed) {
        List<ParameterSpec> layout = ParameterLayout.of(model);
        // Streams are per tensor, so filling tensors in parallel changes nothing but the wall time.
        List<Tensor> tensors = layout.parallelStream().map(p -> Tensor.of(values(p, seed), p.shape())).toList();
        LinkedHashMap<String, Tensor> weights = new LinkedHashMap<>();
        for (int i = 0; i < layout.size(); i++) weights.put(layout.get(i).name(), tensors.get(i));
        return weights;
    }

    /** The same values as {@link #generate}, read in chunks at any 64-bit offset; nothing is held. */
    public static TensorReader reader(ModelDefinition model, long seed) {
        List<ParameterSpec> layout = ParameterLayout.of(model);
        Map<String, ParameterSpec> byName = new LinkedHashMap<>();
        for (ParameterSpec p : layout) byName.put(p.name(), p);
        List<TensorInfo> infos = layout.stream().map(p -> TensorInfo.of(p.name(), p.shape())).toList();
        return new TensorReader() {
            @Override
            public List<TensorInfo> tensors() {
                return infos;
            }

            @Override
            public void read(String name, long offset, FloatBuffer into) {
                ParameterSpec p = byName.get(name);
                if (p == null) throw new IllegalArgumentException("the model has no tensor named " + name);
                int count = into.remaining();
                TensorReader.checkRange(TensorInfo.of(name, p.shape()), offset, count);
                fill(p, seed, offset, into);
            }
        };
    }

    static float[] values(ParameterSpec p, long seed) {
        float[] v = new float[Math.toIntExact(p.size())];
        double std = std(p);
        if (std > 0) {
            GaussianStream g = new GaussianStream(seed, p.name());
            for (int i = 0; i < v.length; i++) v[i] = (float) (std * g.next());
        } else {
            java.util.Arrays.fill(v, constant(p));
        }
        return v;
    }

    private static void fill(ParameterSpec p, long seed, long offset, FloatBuffer into) {
        double std = std(p);
        if (std > 0) {
            GaussianStream g = GaussianStream.at(seed, p.name(), offset);
            while (into.hasRemaining()) into.put((float) (std * g.next()));
        } else {
            float c = constant(p);
            while (into.hasRemaining()) into.put(c);
        }
    }

    /** The standard deviation of a Gaussian tensor, 0 for the constant ones. */
    private static double std(ParameterSpec p) {
        return switch (p.kind()) {
            case CONV_WEIGHT -> Math.sqrt(2.0 / ((long) p.dim(0) * p.dim(2) * p.dim(3)));
            case LINEAR_WEIGHT, PROTOTYPES -> LINEAR_STD;
            default -> 0;
        };
    }

    private static float constant(ParameterSpec p) {
        return switch (p.kind()) {
            case BN_WEIGHT, BN_RUNNING_VAR -> 1f;
            default -> 0f; // biases, BN beta and running mean
        };
    }
}
