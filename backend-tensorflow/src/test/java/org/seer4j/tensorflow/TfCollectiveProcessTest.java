package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Two worker processes on 127.0.0.1 joined through TensorFlow's gRPC servers and collective ops. */
class TfCollectiveProcessTest {

    @Test
    void twoProcessesSumInSingleAndDoublePrecisionAndBroadcastFromTheRoot() throws Exception {
        List<WorkerProcesses.Finished> workers = WorkerProcesses.run(2, 120, CollectiveWorker.class, "ops", "60");
        for (WorkerProcesses.Finished w : workers) {
            assertThat(w.exitCode()).as("rank %d output %s", w.rank(), w.lines()).isZero();
            // rank r contributes {r+1, 10(r+1), -r}: sums {1+2, 10+20, 0-1}
            assertThat(w.value("sum")).isEqualTo("[3.0, 30.0, -1.0]");
            // (1 + 1e-9) + (1 + 2e-9): the 3e-9 survives only in double precision (float rounds it away)
            String[] dsum = w.value("dsum").replaceAll("[\\[\\]]", "").split(", ");
            assertThat(Double.parseDouble(dsum[0])).isCloseTo(2.000000003, within(1e-14));
            assertThat(Double.parseDouble(dsum[1])).isEqualTo(3.0);
            // root 1's buffer {1+7, 1*2}
            assertThat(w.value("bcast")).isEqualTo("[8.0, 2.0]");
            assertThat(w.value("again")).isEqualTo("[1.0]");
        }
    }

    @Test
    void fourProcessesInGroupsOfTwoSumAndDifferentiateWithinTheirGroupInTheGraph() throws Exception {
        List<WorkerProcesses.Finished> workers = WorkerProcesses.run(4, 120, CollectiveWorker.class, "groups", "60");
        for (WorkerProcesses.Finished w : workers) {
            assertThat(w.exitCode()).as("rank %d output %s", w.rank(), w.lines()).isZero();
            boolean first = w.rank() < 2;
            // x = {r + 1, 10 (r + 1)}: ranks {0, 1} sum to {3, 30}, ranks {2, 3} to {7, 70}
            assertThat(w.value("group")).isEqualTo(first ? "[3.0, 30.0]" : "[7.0, 70.0]");
            // c = {r + 1, 1} summed over the group: {1 + 2, 2} and {3 + 4, 2}
            assertThat(w.value("grad")).isEqualTo(first ? "[3.0, 2.0]" : "[7.0, 2.0]");
        }
    }

    @Test
    void aWorkerThatDiesEndsTheOtherWithinTheTimeoutNamingTheDeadRank() throws Exception {
        List<WorkerProcesses.Finished> workers = WorkerProcesses.run(2, 120, CollectiveWorker.class, "die", "10");
        assertThat(workers.get(1).exitCode()).isEqualTo(3);
        WorkerProcesses.Finished survivor = workers.get(0);
        assertThat(survivor.value("first")).isEqualTo("[1.0]");
        assertThat(survivor.exitCode()).as("output %s", survivor.lines()).isEqualTo(2);
        assertThat(survivor.value("error")).contains("rank 0: allReduceSum of 1 values failed")
                .contains("node 0 (rank 1 at 127.0.0.1:").contains("is unreachable");
    }
}
