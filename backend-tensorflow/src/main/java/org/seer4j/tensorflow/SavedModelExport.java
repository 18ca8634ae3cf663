package org.seer4j.tensorflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.tensor.Tensor;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Writes a trained trunk as a TensorFlow SavedModel (tag {@code serve}) for TF Serving and TF Java users:
 * signature {@value #SIGNATURE} takes {@value #INPUT} [N, 3, H, W] float NCHW images, normalised as in training,
 * and returns {@value #FEATURES} [N, C], the eval-mode global-average-pooled last stage, plus {@value #LOGITS} when
 * the model has a classifier. Weights are frozen into constants, so the export needs no variable checkpoint.
 */
public final class SavedModelExport {
    public static final String SIGNATURE = "serving_default";
    public static final String INPUT = "images";
    public static final String FEATURES = "features";
    public static final String LOGITS = "logits";

    private SavedModelExport() {
    }

    /**
     * Exports into {@code dir}, which must not exist yet; the model is written next to it first and moved into
     * place, so a failure never leaves a half-written export under that name.
     */
    public static void export(ModelDefinition def, Map<String, Tensor> weights, Path dir) throws IOException {
        if (Files.exists(dir)) throw new IOException("export folder " + dir + " already exists");
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".tmp");
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            ModelDefinition trunk = ModelDefinition.trunkOnly(def.trunk(), def.stemStride(), def.classes());
            // split convolutions run on every kernel set, so the export serves with or without oneDNN
            RegNetGraph net = new RegNetGraph(new ConstantWeights(tf, weights), trunk, GroupedConv.SPLIT);
            Placeholder<TFloat32> images = tf.withName(INPUT).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, 3, -1, -1)));
            Operand<TFloat32> pooled = net.trunk(tf, RegNetGraph.nchwToNhwc(tf, images), false, new ArrayList<>());
            Signature.Builder sig = Signature.builder().key(SIGNATURE).input(INPUT, images)
                    .output(FEATURES, tf.withName(FEATURES).identity(pooled));
            if (def.classes() > 0) sig.output(LOGITS, tf.withName(LOGITS).identity(net.classifier(tf, pooled)));
            try (Session s = new Session(g)) {
                // the exporter writes into an existing empty folder's child; keep the final name for the move
                Path staged = tmp.resolve("model");
                SavedModelBundle.exporter(staged.toString()).withSession(s).withSignature(sig.build()).export();
                Files.move(staged, dir, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            deleteRecursively(tmp);
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
