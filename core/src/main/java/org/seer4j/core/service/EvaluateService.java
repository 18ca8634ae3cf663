package org.seer4j.core.service;

import org.seer4j.core.config.EvalConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.eval.FeatureSet;
import org.seer4j.core.eval.KnnClassifier;
import org.seer4j.core.eval.LinearProbe;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.usecase.EvaluateUseCase;

/**
 * Frozen-feature evaluation: pooled trunk features of the labelled training and test images, then the linear
 * probe and/or weighted kNN ({@code eval.protocol}). Without a test split, a fixed share
 * ({@code eval.test_fraction}) of the training images is held out, chosen by a hash of the image id and the seed.
 */
public final class EvaluateService implements EvaluateUseCase {
    private final ModelLoader models;
    private final ImageSources sources;

    public EvaluateService(Engine engine, ImageSources sources, CheckpointReader checkpoints) {
        this.models = new ModelLoader(engine, checkpoints);
        this.sources = sources;
    }

    @Override
    public Result evaluate(Command command) {
        RunConfig config = command.config();
        EvalConfig eval = config.eval();
        ImageSources.Splits splits = sources.labelled(config);
        FeatureSet train;
        FeatureSet test;
        try (SwavModel model = models.open(config, command.checkpoint(), command.randomInit())) {
            FeatureExtractor extractor = FeatureExtractor.of(model, ModelLoader.images(config));
            long seed = config.train().seed();
            FeatureExtractor.Extracted tr = extractor.extract(splits.train(), seed);
            if (splits.test() != null) {
                train = labelled(tr, null, false);
                test = labelled(extractor.extract(splits.test(), seed), null, false);
            } else {
                boolean[] held = new boolean[tr.rows()];
                for (int i = 0; i < held.length; i++) {
                    held[i] = heldOut(tr.ids().get(i), seed, eval.testFraction());
                }
                train = labelled(tr, held, false);
                test = labelled(tr, held, true);
            }
        }
        if (train.rows() == 0 || test.rows() == 0) {
            throw new IllegalArgumentException("evaluation needs training and test images, got " + train.rows()
                    + " and " + test.rows());
        }
        double linear = Double.NaN;
        double knn = Double.NaN;
        if (!"knn".equals(eval.protocol())) {
            linear = new LinearProbe(eval.linearEpochs(), LinearProbe.DEFAULT_L2).accuracy(train, test);
        }
        if (!"linear".equals(eval.protocol())) {
            knn = new KnnClassifier(eval.knnK(), eval.knnTemperature()).accuracy(train, test);
        }
        return new Result(linear, knn, train.rows(), test.rows());
    }

    /** The rows of {@code e} where {@code held} equals {@code want} (all rows when {@code held} is null). */
    private static FeatureSet labelled(FeatureExtractor.Extracted e, boolean[] held, boolean want) {
        int n = 0;
        for (int i = 0; i < e.rows(); i++) {
            if (held == null || held[i] == want) {
                if (e.labels()[i] < 0) {
                    throw new IllegalArgumentException("image " + e.ids().get(i) + " has no label; evaluation "
                            + "needs labelled data (data.labels, or a labelled folder)");
                }
                n++;
            }
        }
        float[] values = new float[n * e.cols()];
        int[] labels = new int[n];
        int at = 0;
        for (int i = 0; i < e.rows(); i++) {
            if (held == null || held[i] == want) {
                System.arraycopy(e.features(), i * e.cols(), values, at * e.cols(), e.cols());
                labels[at++] = e.labels()[i];
            }
        }
        return new FeatureSet(values, n, e.cols(), labels);
    }

    /** Whether an image belongs to the held-out split: a SplitMix64 hash of id and seed below the fraction. */
    static boolean heldOut(String id, long seed, double fraction) {
        long z = seed * 0x9E3779B97F4A7C15L + id.hashCode();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53 < fraction;
    }
}
