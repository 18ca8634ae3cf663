package org.seer4j.tensorflow;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.seer4j.core.model.InitialWeights;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.ClassifierModel;
import org.seer4j.core.port.ClassifierSettings;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.port.SwavObjective;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorReader;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The engine port on TensorFlow Java in graph mode (eager mode cannot take gradients in TF Java).
 *
 * <p>Grouped convolution: system property {@code seer4j.tensorflow.grouped-conv} = {@code auto} (default),
 * {@code native} or {@code split}; see {@link GroupedConv}.
 */
public final class TensorFlowEngine implements Engine {
    public static final String GROUPED_CONV_PROPERTY = "seer4j.tensorflow.grouped-conv";
    private static volatile Boolean nativeGroupedGradient;

    private final GroupedConv groupedConv;

    public TensorFlowEngine() {
        this(GroupedConv.valueOf(System.getProperty(GROUPED_CONV_PROPERTY, "auto").trim().toUpperCase(Locale.ROOT)));
    }

    public TensorFlowEngine(GroupedConv groupedConv) {
        this.groupedConv = groupedConv;
    }

    @Override
    public String name() {
        return "tensorflow";
    }

    @Override
    public String version() {
        String java = Graph.class.getPackage().getImplementationVersion();
        return "TensorFlow Java " + (java == null ? "1.1.0" : java) + ", TensorFlow " + TensorFlow.version()
                + ", grouped conv " + resolvedGroupedConv().name().toLowerCase(Locale.ROOT);
    }

    /**
     * Builds the model and loads the core's seeded initial weights (the same in every engine), generated chunk by
     * chunk straight into the variables.
     */
    @Override
    public SwavModel open(ModelDefinition model, EngineSettings settings) {
        return open(model, settings, InitialWeights.reader(model, settings.seed()));
    }

    /** A model whose variables are filled from {@code initialWeights} chunk by chunk, never whole on the heap. */
    @Override
    public SwavModel open(ModelDefinition model, EngineSettings settings, TensorReader initialWeights) {
        return new TfSwavModel(model, settings, resolvedGroupedConv(), initialWeights);
    }

    /** A model starting from the given weights (every tensor of the model must be present). */
    TfSwavModel open(ModelDefinition model, EngineSettings settings, Map<String, Tensor> weights) {
        return new TfSwavModel(model, settings, resolvedGroupedConv(), weights);
    }

    @Override
    public ClassifierModel openClassifier(ModelDefinition model, ClassifierSettings settings, TensorReader initialWeights) {
        return new TfClassifierModel(model, settings, resolvedGroupedConv(), initialWeights);
    }

    @Override
    public SwavObjective objective() {
        return new TfSwavObjective();
    }

    /** The grouped-convolution path models of this engine use, probing the kernels once for {@code auto}. */
    GroupedConv resolvedGroupedConv() {
        if (groupedConv != GroupedConv.AUTO) return groupedConv;
        Boolean works = nativeGroupedGradient;
        if (works == null) {
            works = probeNativeGroupedGradient();
            nativeGroupedGradient = works;
        }
        return works ? GroupedConv.NATIVE : GroupedConv.SPLIT;
    }

    /** Runs the filter gradient of a tiny two-group convolution; only oneDNN builds compute it. */
    static boolean probeNativeGroupedGradient() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Operand<TFloat32> x = tf.constant(new float[1][3][3][4]);
            Operand<TFloat32> w = tf.constant(new float[3][3][2][4]);
            Operand<TFloat32> y = tf.nn.conv2d(x, w, List.of(1L, 1L, 1L, 1L), "SAME");
            Operand<TFloat32> loss = tf.sum(y, tf.constant(new int[] {0, 1, 2, 3}));
            Output<?>[] grad = g.addGradients("probe", new Output<?>[] {loss.asOutput()}, new Output<?>[] {w.asOutput()}, null);
            try (Session s = new Session(g); var r = s.runner().fetch(grad[0]).run()) {
                return r.size() == 1;
            }
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Best of five timed n^3 float32 matrix products after one warm-up: 2 n^3 / seconds. */
    @Override
    public double sgemmGflops(int n, int threads) {
        if (n < 1) throw new IllegalArgumentException("matrix size must be >= 1, got " + n);
        float[] data = new float[n * n];
        Random r = new Random(n);
        for (int i = 0; i < data.length; i++) data[i] = r.nextFloat() * 2 - 1;
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> a = tf.placeholder(TFloat32.class);
            Placeholder<TFloat32> b = tf.placeholder(TFloat32.class);
            // summing keeps the fetched result tiny, so the timing is the product, not the copy out
            Operand<TFloat32> sum = tf.sum(tf.linalg.matMul(a, b), tf.constant(new int[] {0, 1}));
            try (Session s = new Session(g, SessionConfigs.of("cpu", threads));
                 TFloat32 ta = TfTensors.toTf(data, n, n); TFloat32 tb = TfTensors.toTf(data, n, n)) {
                s.runner().feed(a, ta).feed(b, tb).fetch(sum).run().close();
                double[] seconds = new double[5];
                for (int i = 0; i < seconds.length; i++) {
                    long t = System.nanoTime();
                    s.runner().feed(a, ta).feed(b, tb).fetch(sum).run().close();
                    seconds[i] = (System.nanoTime() - t) / 1e9;
                }
                double best = Arrays.stream(seconds).min().orElseThrow();
                return 2.0 * n * n * (double) n / best / 1e9;
            }
        }
    }
}
