package org.seer4j.app.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.app.Main;
import org.seer4j.app.engine.Engines;
import org.seer4j.core.port.Collective;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.tensor.Tensor;

/**
 * {@code seer4j launch} with two workers on 127.0.0.1 (1 thread each) joined through TensorFlow's collective:
 * on either engine 2 x B/2 steps equal 1 x B steps (SyncBN, distributed Sinkhorn, gradient averaging), every rank
 * reports the global loss, and a killed worker ends the job in bounded time with a message naming it.
 */
class LaunchDataParallelTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    @Test
    void twoDjlWorkersWithHalfTheBatchTrainLikeOneWorkerWithTheWholeBatch() throws Exception {
        // DJL's SyncBN (graph cut at each BN, taped backward), host Sinkhorn and gradient averaging
        assertTwoWorkersTrainLikeOne("djl");
    }

    @Test
    void twoTensorflowWorkersWithHalfTheBatchTrainLikeOneWorkerWithTheWholeBatch() throws Exception {
        // SyncBN, distributed Sinkhorn and gradient averaging inside the graph
        assertTwoWorkersTrainLikeOne("tensorflow");
    }

    @Test
    void twoAndThreeTensorflowWorkersWithAQueueTrainLikeOneWorkerWithTheWholeBatch() throws Exception {
        // global batch 6, swav.queue_length 6: each of N workers keeps 6 / N rows, filled by step 0 with its 6 / N
        // images; at step 1 every worker's queue joins the distributed Sinkhorn. Two steps: in float32 this tiny
        // net's runs drift apart step by step whatever the batch split (measured here with B = 6 and no queue:
        // 1 step 0.13, 4 steps 68 times the weight tolerance; 2 and 3 workers drift alike, the single process's
        // fused BN differently), and the queue's own effect is exercised in double precision on DJL
        // (DataParallelQueueTest, 4 steps). Measured: losses within 7e-6, weights within 25% of the tolerance.
        assertWorkersTrainLikeOne("tensorflow", 2, 2, 6, 6);
        assertWorkersTrainLikeOne("tensorflow", 3, 2, 6, 6);
        // the queue changed step 1 by far more than the tolerance, so the comparison saw it
        List<Double> with = DataParallelWorker.train("tensorflow", 2, 6, Collective.SINGLE, dir.resolve("q"), -1,
                -1, 0, 6);
        List<Double> without = DataParallelWorker.train("tensorflow", 2, 6, Collective.SINGLE, dir.resolve("n"), -1,
                -1, 0, 0);
        assertThat(with.get(0)).isEqualTo(without.get(0));
        assertThat(Math.abs(with.get(1) - without.get(1))).isGreaterThan(1e-3 * Math.abs(without.get(1)));
    }

    /**
     * 2 x B/2 is the same step as 1 x B: every rank reports the single worker's loss at every step, and the
     * replicas end with the single worker's weights (BN running statistics included) and with each other's, bit
     * for bit.
     */
    private void assertTwoWorkersTrainLikeOne(String engine) throws Exception {
        assertWorkersTrainLikeOne(engine, 2, 3, 4, 0);
    }

    /** N workers x B/N against 1 x B for K steps, with a queue of {@code queueLength} rows when it is not 0. */
    private void assertWorkersTrainLikeOne(String engine, int world, int steps, int batch, int queueLength)
            throws Exception {
        Path weights = dir.resolve("w" + world);
        Run run = launch(world, engine, Integer.toString(steps), Integer.toString(batch), weights.toString(), "60",
                "-", "0", Integer.toString(queueLength));
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        Path single = dir.resolve("single" + world);
        List<Double> reference = DataParallelWorker.train(engine, steps, batch, Collective.SINGLE, single, -1, -1, 0,
                queueLength);
        for (int k = 0; k < steps; k++) {
            for (int r = 0; r < world; r++) {
                double loss = Double.parseDouble(value(run.out(), "[rank " + r + "] loss" + k));
                assertThat(loss).as("rank %d step %d", r, k)
                        .isCloseTo(reference.get(k), within(1e-4 * Math.abs(reference.get(k))));
            }
        }
        Map<String, float[]> expected = read(single);
        Map<String, float[]> rank0 = read(Path.of(weights + ".0"));
        assertThat(rank0.keySet()).isEqualTo(expected.keySet());
        for (String name : expected.keySet()) {
            for (int r = 1; r < world; r++) {
                // SyncBN: even the running statistics agree between the replicas
                assertThat(read(Path.of(weights + "." + r)).get(name)).as("rank %d %s", r, name)
                        .containsExactly(rank0.get(name));
            }
            float[] want = expected.get(name);
            float[] got = rank0.get(name);
            // 1e-4 of the tensor's largest entry; biases right before a BN get no true gradient (BN cancels them),
            // so they hold only float noise of order 1e-6 that differs between any two runs: hence an absolute
            // floor of 1e-5 (1e-4 of the typical 0.1 weight)
            double scale = 0;
            for (float v : want) scale = Math.max(scale, Math.abs(v));
            double tolerance = Math.max(1e-4 * scale, 1e-5);
            for (int i = 0; i < want.length; i++) {
                assertThat((double) got[i]).as("%s[%d]", name, i).isCloseTo(want[i], within(tolerance));
            }
        }
    }

    @Test
    void fourTensorflowWorkersInSyncBnGroupsOfTwoEachNormaliseTheirGroupsImages() throws Exception {
        // One step moves BN running statistics with the forward pass's batch statistics, before any update: ranks
        // {0, 1} must end with the statistics of one worker that holds only their images, ranks {2, 3} likewise.
        Path weights = dir.resolve("w");
        Run run = launch(4, "tensorflow", "1", "8", weights.toString(), "60", "-", "2");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        MultiCropBatch global = DataParallelWorker.globalBatch(8, 0);
        List<Map<String, Tensor>> expected = new ArrayList<>();
        for (int g = 0; g < 2; g++) {
            MultiCropBatch images = merge(global.shard(2 * g, 4),
                    global.shard(2 * g + 1, 4));
            try (SwavModel one = Engines.byName("tensorflow").open(DataParallelWorker.DEF,
                    DataParallelWorker.settings(Collective.SINGLE, 4, 8, 0))) {
                one.step(images, new StepPlan(0, 0.2, false, false));
                expected.add(one.weights());
            }
        }
        int compared = 0;
        for (int r = 0; r < 4; r++) {
            Map<String, float[]> got = read(Path.of(weights + "." + r));
            for (Map.Entry<String, Tensor> e : expected.get(r / 2).entrySet()) {
                if (!e.getKey().contains("running_")) continue;
                float[] want = e.getValue().toArray();
                for (int i = 0; i < want.length; i++) {
                    assertThat((double) got.get(e.getKey())[i]).as("rank %d %s[%d]", r, e.getKey(), i)
                            .isCloseTo(want[i], within(1e-5 + 1e-4 * Math.abs(want[i])));
                }
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(40);
        // and the two groups did normalise different images
        assertThat(expected.get(0).get("stem.1.running_mean").toArray())
                .isNotEqualTo(expected.get(1).get("stem.1.running_mean").toArray());
    }

    /** One batch holding a's images then b's, crop group by crop group (each crop-major). */
    private static MultiCropBatch merge(MultiCropBatch a, MultiCropBatch b) {
        List<Tensor> groups = new ArrayList<>();
        for (int g = 0; g < a.groups().size(); g++) {
            Tensor ta = a.groups().get(g);
            Tensor tb = b.groups().get(g);
            int crops = ta.dim(0) / a.batchSize();
            int image = ta.size() / ta.dim(0);
            float[] va = ta.toArray();
            float[] vb = tb.toArray();
            int n = a.batchSize() + b.batchSize();
            float[] out = new float[crops * n * image];
            for (int c = 0; c < crops; c++) {
                System.arraycopy(va, c * a.batchSize() * image, out, c * n * image, a.batchSize() * image);
                System.arraycopy(vb, c * b.batchSize() * image, out, (c * n + a.batchSize()) * image,
                        b.batchSize() * image);
            }
            groups.add(Tensor.of(out, crops * n, ta.dim(1), ta.dim(2), ta.dim(3)));
        }
        return new MultiCropBatch(groups, a.batchSize() + b.batchSize());
    }

    @Test
    void aWorkerKilledMidTrainingEndsTheJobInBoundedTimeNamingItsRank() throws Exception {
        Run run = launch(2, "djl", "4", "4", dir.resolve("w").toString(), "10", "1:1");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("rank 1 exited with code 9");
        // the survivor's own collective call fails, naming the dead peer
        assertThat(run.out()).contains("[rank 0] error=rank 0:").contains("node 0 (rank 1 at 127.0.0.1:");
    }

    private Run launch(int nproc, String... workerArgs) throws IOException {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String[] args = new String[6 + workerArgs.length];
            args[0] = "launch";
            args[1] = "--nproc=" + nproc;
            args[2] = "--master-port=" + freePorts(nproc);
            args[3] = "--grace=20";
            args[4] = "--main-class=" + DataParallelWorker.class.getName();
            args[5] = "--";
            System.arraycopy(workerArgs, 0, args, 6, workerArgs.length);
            code = Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String value(String out, String key) {
        return out.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no " + key + " in " + out));
    }

    static Map<String, float[]> read(Path file) throws IOException {
        Map<String, float[]> weights = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                float[] v = new float[in.readInt()];
                for (int j = 0; j < v.length; j++) v[j] = in.readFloat();
                weights.put(name, v);
            }
        }
        return weights;
    }

    private static int freePorts(int count) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(20000, 60000);
            boolean free = true;
            for (int i = 0; i < count && free; i++) {
                try (ServerSocket s = new ServerSocket(first + i)) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) return first;
        }
        throw new IllegalStateException("no free ports");
    }
}
