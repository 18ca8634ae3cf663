package org.seer4j.core.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.seer4j.core.config.EvalConfig;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.eval.FeatureSet;
import org.seer4j.core.eval.KnnClassifier;
import org.seer4j.core.eval.LinearProbe;
import org.seer4j.core.eval.NearestNeighbours;
import org.seer4j.core.image.RgbImage;
import org.seer4j.core.image.SourceImage;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.ImageSource;
import org.seer4j.core.port.ImageStream;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.usecase.EvaluateUseCase;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.ViewPixels;

/**
 * Frozen-feature evaluation: pooled trunk features of the labelled training and test images, then the linear
 * probe and/or weighted kNN ({@code eval.protocol}). Without a test split, a fixed share
 * ({@code eval.test_fraction}) of the training images is held out, chosen by a hash of the image id and the seed.
 */
public final class EvaluateService implements EvaluateUseCase {
    /** The neighbour grid: test images shown, and training images beside each. */
    static final int QUERIES = 6;
    static final int NEIGHBOURS = 5;

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
        List<String> trainIds;
        List<String> testIds;
        try (SwavModel model = models.open(config, command.checkpoint(), command.randomInit())) {
            FeatureExtractor extractor = FeatureExtractor.of(model, ModelLoader.images(config));
            long seed = config.train().seed();
            FeatureExtractor.Extracted tr = extractor.extract(splits.train(), seed);
            if (splits.test() != null) {
                train = labelled(tr, null, false);
                trainIds = tr.ids();
                FeatureExtractor.Extracted te = extractor.extract(splits.test(), seed);
                test = labelled(te, null, false);
                testIds = te.ids();
            } else {
                boolean[] held = new boolean[tr.rows()];
                for (int i = 0; i < held.length; i++) {
                    held[i] = heldOut(tr.ids().get(i), seed, eval.testFraction());
                }
                train = labelled(tr, held, false);
                test = labelled(tr, held, true);
                trainIds = ids(tr, held, false);
                testIds = ids(tr, held, true);
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
        List<Neighbours> neighbours = neighbours(config, splits, train, trainIds, test, testIds);
        return new Result(linear, knn, train.rows(), test.rows(), neighbours);
    }

    /**
     * {@link #QUERIES} test images spread evenly over the test split, each with its {@link #NEIGHBOURS} nearest
     * training images by cosine similarity of the trunk features. The pictures are the eval views of those images,
     * read again from the sources (one more pass, which stops once every wanted image has been seen).
     */
    private static List<Neighbours> neighbours(RunConfig config, ImageSources.Splits splits, FeatureSet train,
                                               List<String> trainIds, FeatureSet test, List<String> testIds) {
        int q = Math.min(QUERIES, test.rows());
        int[] queryRows = new int[q];
        float[] queries = new float[q * test.cols()];
        for (int i = 0; i < q; i++) {
            queryRows[i] = (int) ((long) i * test.rows() / q);
            System.arraycopy(test.values(), queryRows[i] * test.cols(), queries, i * test.cols(), test.cols());
        }
        List<List<NearestNeighbours.Match>> found = NearestNeighbours.search(queries, train.values(), train.cols(),
                NEIGHBOURS);
        Set<String> wantedTest = new HashSet<>();
        Set<String> wantedTrain = new HashSet<>();
        for (int i = 0; i < q; i++) {
            wantedTest.add(testIds.get(queryRows[i]));
            for (NearestNeighbours.Match m : found.get(i)) wantedTrain.add(trainIds.get(m.row()));
        }
        EvalImages views = ModelLoader.images(config);
        Map<String, RgbImage> pictures = new HashMap<>();
        if (splits.test() != null) {
            pictures.putAll(pictures(splits.test(), wantedTest, views, config));
            pictures.putAll(pictures(splits.train(), wantedTrain, views, config));
        } else {
            Set<String> all = new HashSet<>(wantedTest);
            all.addAll(wantedTrain);
            pictures.putAll(pictures(splits.train(), all, views, config));
        }
        List<Neighbours> out = new ArrayList<>();
        for (int i = 0; i < q; i++) {
            String id = testIds.get(queryRows[i]);
            Thumbnail query = new Thumbnail(id, test.labels()[queryRows[i]], 1.0, pictures.get(id));
            List<Thumbnail> nearest = new ArrayList<>();
            for (NearestNeighbours.Match m : found.get(i)) {
                String t = trainIds.get(m.row());
                nearest.add(new Thumbnail(t, train.labels()[m.row()], m.similarity(), pictures.get(t)));
            }
            out.add(new Neighbours(query, nearest));
        }
        return out;
    }

    /** The eval views (as the trunk saw them, de-normalised) of the images of {@code source} named in {@code ids}. */
    private static Map<String, RgbImage> pictures(ImageSource source, Set<String> ids, EvalImages views,
                                                  RunConfig config) {
        Map<String, RgbImage> out = new HashMap<>();
        int size = views.size();
        float[] chw = new float[3 * size * size];
        Augmentation a = config.views().augmentation();
        try (ImageStream stream = source.open(config.train().seed(), 0)) {
            while (out.size() < ids.size() && stream.hasNext()) {
                SourceImage image = stream.next();
                if (!ids.contains(image.id())) continue;
                views.write(image.image(), chw, 0);
                out.put(image.id(), ViewPixels.toImage(chw, 0, size, a.mean(), a.std()));
            }
        }
        return out;
    }

    /** The ids of the rows of {@code e} where {@code held} equals {@code want}. */
    private static List<String> ids(FeatureExtractor.Extracted e, boolean[] held, boolean want) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < e.rows(); i++) if (held[i] == want) out.add(e.ids().get(i));
        return out;
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
