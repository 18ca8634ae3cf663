package org.seer4j.tensorflow;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.seer4j.core.config.ViewsConfig;
import org.seer4j.core.distributed.WorkerEnvironment;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;

/**
 * A data-parallel TensorFlow worker for {@code ShardedOptimizerStateProcessTest}: the tiny SwAV net (LARC) on this
 * rank's share of a seeded global batch of 6, trained by two models one after the other in one process (every
 * worker builds the same graphs in the same order, so the collective keys match):
 * <ul>
 *   <li>{@code plain}: 4 steps with the whole optimiser state on every worker; given a checkpoint of an earlier
 *       run, it then loads it and takes steps 2 and 3 again ({@code resumed-plain});</li>
 *   <li>{@code sharded}: the same 4 steps with {@code shard_optimizer_state}; given a checkpoint path to write,
 *       rank 0 writes the checkpoint taken after step 1 there (weights, and the state gathered by every worker);
 *       given one to resume, it loads it after its run and takes steps 2 and 3 again ({@code resumed-sharded}).
 *       Loading into the model that trained on replaces every weight and every momentum buffer it holds.</li>
 * </ul>
 * A model is built once per process (the training graph's construction, not its steps, is what takes time here).
 * Rank 0 writes each run's weights and gathered training state under the output folder ({@code <run>.bin}); every
 * rank prints {@code <run>.loss<k>=} lines and {@code <model>.momentum=} (optimiser values it holds).
 * Arguments: output folder, checkpoint to write ({@code -} for none), checkpoint to resume ({@code -} for none;
 * the plain model resumes only a checkpoint this process does not write).
 */
public final class ShardedStateWorker {
    static final ModelDefinition DEF = TinyNets.swav(false, true, 10);
    static final int BATCH = 6;
    static final int STEPS = 4;
    static final int RESUMED_AT = 2;
    static final double LR = 0.3;
    /** Two 16 px crops, each assigning: one crop group keeps the graph, whose construction dominates, small. */
    static final ViewsConfig VIEWS = new ViewsConfig(List.of(new CropGroup(2, 16, 0.14, 1.0)), List.of(0, 1),
            Augmentation.defaults());

    public static void main(String[] args) {
        WorkerEnvironment env = WorkerEnvironment.from(System.getenv());
        try (TfCollective c = TfCollective.start(env, Duration.ofSeconds(60))) {
            Path out = Path.of(args[0]);
            Path save = args[1].equals("-") ? null : Path.of(args[1]);
            Path resume = args[2].equals("-") ? null : Path.of(args[2]);
            train(c, "plain", false, null, save == null ? resume : null, out);
            train(c, "sharded", true, save, resume, out);
        } catch (RuntimeException | IOException e) {
            System.out.println("error=" + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            System.out.flush();
            Runtime.getRuntime().halt(2);
        }
        System.out.flush();
        // TF's server threads are not daemons; end the process once the scenario is done
        Runtime.getRuntime().halt(0);
    }

    static EngineSettings settings(TfCollective c, boolean sharded) {
        return new EngineSettings("cpu", 1, 7, TinyNets.swavConfig(10, 0), TinyNets.lars(LR, false),
                VIEWS, BATCH / c.worldSize(), c, 0, false, sharded);
    }

    private static void train(TfCollective c, String run, boolean sharded, Path save, Path resume, Path out)
            throws IOException {
        try (TfSwavModel m = TinyNets.open(DEF, settings(c, sharded), GroupedConv.AUTO, 3)) {
            System.out.println(run + ".momentum=" + m.momentumValues());
            steps(c, m, run, 0, save);
            if (c.rank() == 0) write(out.resolve(run + ".bin"), m.weights(), m.trainingState());
            if (resume != null) {
                Map<String, Tensor>[] checkpoint = read(resume);
                m.loadWeights(checkpoint[0]);
                m.loadTrainingState(checkpoint[1]);
                steps(c, m, "resumed-" + run, RESUMED_AT, null);
                if (c.rank() == 0) write(out.resolve("resumed-" + run + ".bin"), m.weights(), m.trainingState());
            }
        }
    }

    /** Steps {@code first} .. STEPS - 1; rank 0 saves a checkpoint after step 1 when {@code save} is given. */
    private static void steps(TfCollective c, TfSwavModel m, String run, int first, Path save) throws IOException {
        for (int k = first; k < STEPS; k++) {
            var batch = new MultiCropBatch(List.of(TinyNets.images(new Random(100 + k), 2 * BATCH, 16)), BATCH)
                    .shard(c.rank(), c.worldSize());
            System.out.println(run + ".loss" + k + "=" + m.step(batch, new StepPlan(k, LR, false, false)).loss());
            if (save != null && k == RESUMED_AT - 1) {
                m.gatherTrainingState();
                if (c.rank() == 0) write(save, m.weights(), m.trainingState());
            }
        }
        // every worker takes part; rank 0 then holds the whole state (nothing to do unsharded)
        m.gatherTrainingState();
    }

    static void write(Path file, Map<String, Tensor> weights, Map<String, Tensor> state) throws IOException {
        try (DataOutputStream s = new DataOutputStream(Files.newOutputStream(file))) {
            for (Map<String, Tensor> part : List.of(weights, state)) {
                s.writeInt(part.size());
                for (Map.Entry<String, Tensor> e : part.entrySet()) {
                    s.writeUTF(e.getKey());
                    int[] shape = e.getValue().shape();
                    s.writeInt(shape.length);
                    for (int d : shape) s.writeInt(d);
                    for (int i = 0; i < e.getValue().size(); i++) s.writeFloat(e.getValue().get(i));
                }
            }
        }
    }

    /** {weights, training state} as {@link #write} stored them. */
    @SuppressWarnings("unchecked")
    static Map<String, Tensor>[] read(Path file) throws IOException {
        Map<String, Tensor>[] parts = new Map[2];
        try (DataInputStream s = new DataInputStream(Files.newInputStream(file))) {
            for (int p = 0; p < 2; p++) {
                parts[p] = new LinkedHashMap<>();
                int n = s.readInt();
                for (int t = 0; t < n; t++) {
                    String name = s.readUTF();
                    int[] shape = new int[s.readInt()];
                    int size = 1;
                    for (int d = 0; d < shape.length; d++) {
                        shape[d] = s.readInt();
                        size *= shape[d];
                    }
                    float[] v = new float[size];
                    for (int i = 0; i < size; i++) v[i] = s.readFloat();
                    parts[p].put(name, Tensor.of(v, shape));
                }
            }
        }
        return parts;
    }
}
