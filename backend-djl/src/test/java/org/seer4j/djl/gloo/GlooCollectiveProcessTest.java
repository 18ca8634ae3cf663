package org.seer4j.djl.gloo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Two worker processes on 127.0.0.1, each with its Gloo sidecar, joined through the rendezvous. */
class GlooCollectiveProcessTest {

    @Test
    void twoProcessesSumBroadcastScatterAndGatherInChunksAndInOne() throws Exception {
        List<WorkerProcesses.Finished> workers = WorkerProcesses.run(2, 180, GlooWorker.class, "ops", "60");
        for (WorkerProcesses.Finished w : workers) {
            assertThat(w.exitCode()).as("rank %d output %s", w.rank(), w.lines()).isZero();
            int r = w.rank();
            // rank r contributes {r+1, 10(r+1), -r}: sums {1+2, 10+20, 0-1}
            assertThat(w.value("sum")).isEqualTo("[3.0, 30.0, -1.0]");
            // (1 + 1e-9) + (1 + 2e-9): the 3e-9 survives only in double precision (float rounds it away)
            String[] dsum = w.value("dsum").replaceAll("[\\[\\]]", "").split(", ");
            assertThat(Double.parseDouble(dsum[0])).isCloseTo(2.000000003, within(1e-14));
            assertThat(Double.parseDouble(dsum[1])).isEqualTo(3.0);
            // root 1's buffer {1+7, 1*2}
            assertThat(w.value("bcast")).isEqualTo("[8.0, 2.0]");
            assertThat(w.value("again")).isEqualTo("[1.0]");
            // buffers of several slots: no index differs from the sum / the root's values
            assertThat(w.value("bigsum")).isEqualTo("-1");
            assertThat(w.value("bigdsum")).isEqualTo("-1");
            assertThat(w.value("bigbcast")).isEqualTo("-1");
            // g = {r+1, ..., r+5}, ranges [0, 2) and [2, 5): rank 0 owns {1+2, 2+3}, rank 1 {3+4, 4+5, 5+6}
            assertThat(w.value("scatter")).isEqualTo(r == 0 ? "[3.0, 5.0]" : "[7.0, 9.0, 11.0]");
            // rank 0 wrote {0, 1} into [0, 2), rank 1 {102, 103, 104} into [2, 5)
            assertThat(w.value("gather")).isEqualTo("[0.0, 1.0, 102.0, 103.0, 104.0]");
            // groups of one: each keeps its own
            assertThat(w.value("group1")).isEqualTo("[" + (r + 1) + ".0]");
        }
    }

    @Test
    void aWorkerThatDiesEndsTheOtherNamingTheDeadRank() throws Exception {
        List<WorkerProcesses.Finished> workers = WorkerProcesses.run(2, 180, GlooWorker.class, "die", "10");
        assertThat(workers.get(1).exitCode()).isEqualTo(3);
        WorkerProcesses.Finished survivor = workers.get(0);
        assertThat(survivor.value("first")).isEqualTo("[1.0]");
        assertThat(survivor.exitCode()).as("output %s", survivor.lines()).isEqualTo(2);
        assertThat(survivor.value("error")).contains("rank 0: allReduceSum of 1 values failed")
                .contains("node 0 (rank 1 at 127.0.0.1:").contains("is unreachable");
    }
}
