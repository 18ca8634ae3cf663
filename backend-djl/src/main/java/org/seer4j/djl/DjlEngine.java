package org.seer4j.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.Map;
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

/** The engine port on DJL's PyTorch engine (CPU natives from Maven Central; CUDA through a local libtorch). */
public final class DjlEngine implements Engine {
    private final ai.djl.engine.Engine pytorch;

    public DjlEngine() {
        this.pytorch = ai.djl.engine.Engine.getEngine("PyTorch");
    }

    @Override
    public String name() {
        return "djl";
    }

    @Override
    public String version() {
        return "DJL " + ai.djl.engine.Engine.getDjlVersion() + ", PyTorch " + pytorch.getVersion();
    }

    /** Builds the model and loads the core's seeded initial weights (the same in every engine). */
    @Override
    public SwavModel open(ModelDefinition model, EngineSettings settings) {
        return open(model, settings, InitialWeights.reader(model, settings.seed()));
    }

    /** Builds the model and fills its memory from {@code initialWeights} chunk by chunk. */
    @Override
    public SwavModel open(ModelDefinition model, EngineSettings settings, TensorReader initialWeights) {
        applyThreads(settings.threads());
        Device device = DeviceChoice.resolve(settings.device(), pytorch, localRank(settings));
        return new DjlSwavModel(model, settings, initialWeights, (PtNDManager) pytorch.newBaseManager(device),
                DataType.FLOAT32);
    }

    /** A model with the given starting weights; tests use FLOAT64 for finite-difference checks. */
    DjlSwavModel open(ModelDefinition model, EngineSettings settings, Map<String, Tensor> weights, DataType type) {
        applyThreads(settings.threads());
        Device device = DeviceChoice.resolve(settings.device(), pytorch, localRank(settings));
        return new DjlSwavModel(model, settings, weights, (PtNDManager) pytorch.newBaseManager(device), type);
    }

    /** The worker's index on its node, which picks its GPU. */
    private static int localRank(EngineSettings settings) {
        return settings.collective() == null ? 0 : settings.collective().localRank();
    }

    @Override
    public ClassifierModel openClassifier(ModelDefinition model, ClassifierSettings settings, TensorReader initialWeights) {
        return openClassifier(model, settings, initialWeights, DataType.FLOAT32);
    }

    /** A classifier in {@code type}; tests use FLOAT64 for finite-difference checks. */
    DjlClassifierModel openClassifier(ModelDefinition model, ClassifierSettings settings, TensorReader initialWeights,
                                      DataType type) {
        applyThreads(settings.threads());
        Device device = DeviceChoice.resolve(settings.device(), pytorch);
        return new DjlClassifierModel(model, settings, initialWeights, (PtNDManager) pytorch.newBaseManager(device),
                type);
    }

    @Override
    public SwavObjective objective() {
        return new DjlSwavObjective(pytorch.newBaseManager(Device.cpu()));
    }

    /** Best of five timed n^3 float32 matrix products after one warm-up: 2 n^3 / seconds. */
    @Override
    public double sgemmGflops(int n, int threads) {
        int before = JniUtils.getNumThreads();
        applyThreads(threads);
        try (NDManager m = pytorch.newBaseManager(Device.cpu())) {
            PtNDArray a = (PtNDArray) m.randomUniform(-1f, 1f, new Shape(n, n));
            PtNDArray b = (PtNDArray) m.randomUniform(-1f, 1f, new Shape(n, n));
            JniUtils.matmul(a, b).close();
            double[] seconds = new double[5];
            for (int i = 0; i < seconds.length; i++) {
                long t = System.nanoTime();
                JniUtils.matmul(a, b).close();
                seconds[i] = (System.nanoTime() - t) / 1e9;
            }
            double best = Arrays.stream(seconds).min().orElseThrow();
            return 2.0 * n * n * (double) n / best / 1e9;
        } finally {
            if (threads > 0) JniUtils.setNumThreads(before);
        }
    }

    /** Intra-op threads are global to libtorch; 0 leaves its default (the core count). */
    static void applyThreads(int threads) {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        if (threads > 0) JniUtils.setNumThreads(threads);
    }
}
