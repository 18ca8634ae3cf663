package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.memory.EngineMemoryProfile;
import org.seer4j.core.memory.MemoryPlanner;
import org.seer4j.core.model.ParameterLayout;
import org.seer4j.core.model.ParameterSpec;
import org.seer4j.core.tensor.Tensor;

/**
 * {@code backend.shard_optimizer_state} on the TensorFlow engine, with 2 and 3 worker processes on 127.0.0.1
 * ({@link ShardedStateWorker}: tiny SwAV net with head BN, LARC, global batch 6, 4 steps): each worker holds
 * momentum for its share of the tensors only, and the sharded run ends with the weights, the losses and (gathered
 * on rank 0) the momentum of the unsharded run with the same workers, to float rounding. The checkpoint of the
 * 2-worker sharded run taken after step 1 resumes, sharded, under 2 workers to the uninterrupted run, and under 3
 * workers to an unsharded resume of the same checkpoint.
 */
class ShardedOptimizerStateProcessTest {

    @TempDir
    Path dir;

    @Test
    void twoAndThreeShardedWorkersTrainLikeUnshardedOnesAndResumeUnderAnotherWorkerCount() throws Exception {
        Path checkpoint = dir.resolve("checkpoint.bin");
        Path two = Files.createDirectories(dir.resolve("two"));
        List<WorkerProcesses.Finished> world2 = WorkerProcesses.run(2, 240, ShardedStateWorker.class,
                two.toString(), checkpoint.toString(), checkpoint.toString());
        assertShardedLikePlain(world2, two);
        // the same worker count, resumed from the sharded checkpoint: the uninterrupted run's steps 2 and 3
        assertRunsAgree(world2, two, "resumed-sharded", "plain", ShardedStateWorker.RESUMED_AT, 1e-6);

        Path three = Files.createDirectories(dir.resolve("three"));
        List<WorkerProcesses.Finished> world3 = WorkerProcesses.run(3, 240, ShardedStateWorker.class,
                three.toString(), "-", checkpoint.toString());
        assertShardedLikePlain(world3, three);
        // the 2-worker checkpoint under 3 workers: sharded and unsharded resumes take the same steps 2 and 3
        assertRunsAgree(world3, three, "resumed-sharded", "resumed-plain", ShardedStateWorker.RESUMED_AT, 1e-6);
        // and they are the 2-worker run's to the float noise of another batch split (BN statistics over 3 x 2
        // images instead of 2 x 3, summed in another order)
        assertClose(ShardedStateWorker.read(three.resolve("resumed-sharded.bin")),
                ShardedStateWorker.read(two.resolve("plain.bin")), 1e-4, 1e-5);
    }

    /** Sharded and unsharded 3-step runs of one world agree; each worker holds its share of the momentum. */
    private void assertShardedLikePlain(List<WorkerProcesses.Finished> workers, Path out) throws Exception {
        int world = workers.size();
        for (WorkerProcesses.Finished w : workers) {
            assertThat(w.exitCode()).as("rank %d output %s", w.rank(), w.lines()).isZero();
        }
        assertRunsAgree(workers, out, "sharded", "plain", 0, 1e-6);

        // what the workers hold, against the model's trainable tensors listed independently (ParameterLayout)
        long total = 0;
        long largest = 0;
        for (ParameterSpec p : ParameterLayout.of(ShardedStateWorker.DEF)) {
            if (p.trainable()) {
                total += p.size();
                largest = Math.max(largest, p.size());
            }
        }
        long held = 0;
        long most = 0;
        for (WorkerProcesses.Finished w : workers) {
            assertThat(Long.parseLong(w.value("plain.momentum"))).isEqualTo(total);
            long share = Long.parseLong(w.value("sharded.momentum"));
            assertThat(share).as("rank %d", w.rank()).isPositive().isLessThanOrEqualTo(total / world + largest);
            held += share;
            most = Math.max(most, share);
        }
        assertThat(held).isEqualTo(total);
        // the memory plan budgets exactly the largest share any worker holds (float32 momentum)
        MemoryPlanner.Switches switches = new MemoryPlanner.Switches(ShardedStateWorker.BATCH / world, false,
                "float32", true, 0, 2, world);
        long planned = MemoryPlanner.plan(ShardedStateWorker.DEF, ShardedStateWorker.VIEWS.crops(), switches,
                EngineMemoryProfile.of("tensorflow")).optimizerBytes();
        assertThat(planned).isEqualTo(4 * most);
    }

    /** Losses of the steps from {@code first} on, every rank, and rank 0's weights and momentum after the run. */
    private void assertRunsAgree(List<WorkerProcesses.Finished> workers, Path out, String run, String reference,
                                 int first, double relative) throws Exception {
        for (WorkerProcesses.Finished w : workers) {
            assertThat(w.exitCode()).as("rank %d output %s", w.rank(), w.lines()).isZero();
            for (int k = first; k < ShardedStateWorker.STEPS; k++) {
                double want = Double.parseDouble(w.value(reference + ".loss" + k));
                assertThat(Double.parseDouble(w.value(run + ".loss" + k))).as("%s rank %d step %d", run, w.rank(), k)
                        .isCloseTo(want, within(relative * Math.abs(want)));
            }
        }
        assertClose(ShardedStateWorker.read(out.resolve(run + ".bin")),
                ShardedStateWorker.read(out.resolve(reference + ".bin")), relative, 1e-7);
    }

    /**
     * Every tensor of both parts (weights, then momentum and queue) within {@code relative} of its largest
     * entry, at least {@code floor} (1e-7: a value of 0.1 to float32 rounding).
     */
    private static void assertClose(Map<String, Tensor>[] got, Map<String, Tensor>[] want, double relative,
                                    double floor) {
        for (int p = 0; p < 2; p++) {
            assertThat(got[p].keySet()).isEqualTo(want[p].keySet());
            for (String name : want[p].keySet()) {
                Tensor w = want[p].get(name);
                Tensor g = got[p].get(name);
                double scale = 0;
                for (int i = 0; i < w.size(); i++) scale = Math.max(scale, Math.abs(w.get(i)));
                double tolerance = Math.max(relative * scale, floor);
                for (int i = 0; i < w.size(); i++) {
                    assertThat((double) g.get(i)).as("%s[%d]", name, i).isCloseTo(w.get(i), within(tolerance));
                }
            }
        }
    }
}
