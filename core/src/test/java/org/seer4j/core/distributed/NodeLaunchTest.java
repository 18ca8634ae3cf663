package org.seer4j.core.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeLaunchTest {

    @Test
    void oneNodeByDefaultOnLoopbackWithTorchrunsPort() {
        NodeLaunch n = NodeLaunch.resolve(null, null, 2, null, null, null, Map.of());
        assertThat(n).isEqualTo(new NodeLaunch(1, 0, 2, "127.0.0.1", 29500, null));
        assertThat(n.variables(1)).containsExactlyInAnyOrderEntriesOf(Map.of("RANK", "1", "LOCAL_RANK", "1",
                "WORLD_SIZE", "2", "LOCAL_WORLD_SIZE", "2", "NODE_RANK", "0", "GROUP_RANK", "0",
                "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "29500"));
    }

    @Test
    void torchrunsFlagsGiveEachWorkerItsGlobalRankAndTheNodesAddress() {
        NodeLaunch n = NodeLaunch.resolve(3, 2, 4, "head", 31000, "10.1.0.3", Map.of("SLURM_NODEID", "0"));
        assertThat(n.worldSize()).isEqualTo(12);
        assertThat(n.rank(1)).isEqualTo(9);
        assertThat(n.variables(1)).containsEntry("RANK", "9").containsEntry("LOCAL_RANK", "1")
                .containsEntry("NODE_RANK", "2").containsEntry("WORLD_SIZE", "12").containsEntry("MASTER_ADDR", "head")
                .containsEntry("MASTER_PORT", "31000").containsEntry("SEER4J_LOCAL_ADDR", "10.1.0.3");
        // what the worker reads back is what launch meant
        WorkerEnvironment w = WorkerEnvironment.from(n.variables(3));
        assertThat(w.rank()).isEqualTo(11);
        assertThat(w.localRank()).isEqualTo(3);
        assertThat(w.nodeRank()).isEqualTo(2);
        assertThat(w.localAddr()).isEqualTo("10.1.0.3");
    }

    @Test
    void slurmWithOneLaunchTaskPerNodeFillsNodesNodeRankAndMaster() {
        NodeLaunch n = NodeLaunch.resolve(null, null, 8, null, null, null, Map.of("SLURM_NNODES", "4",
                "SLURM_NODEID", "3", "SLURM_JOB_NODELIST", "gpu[10-13]", "MASTER_PORT", "29600"));
        assertThat(n).isEqualTo(new NodeLaunch(4, 3, 8, "gpu10", 29600, null));
    }

    @Test
    void aKubernetesIndexedJobPodIsTheNodeOfItsCompletionIndex() {
        NodeLaunch n = NodeLaunch.resolve(2, null, 4, null, null, null, Map.of("JOB_COMPLETION_INDEX", "1",
                "MASTER_ADDR", "seer4j-train-0.seer4j"));
        assertThat(n).isEqualTo(new NodeLaunch(2, 1, 4, "seer4j-train-0.seer4j", 29500, null));
        assertThat(NodeLaunch.resolve(2, null, 1, "m", null, null, Map.of("NODE_RANK", "1")).nodeRank()).isEqualTo(1);
    }

    @Test
    void missingOrInconsistentSettingsAreNamed() {
        assertThatThrownBy(() -> NodeLaunch.resolve(null, null, null, null, null, null, Map.of()))
                .hasMessageContaining("--nproc-per-node");
        assertThatThrownBy(() -> NodeLaunch.resolve(2, null, 1, "m", null, null, Map.of()))
                .hasMessageContaining("--nnodes 2 needs --node-rank");
        assertThatThrownBy(() -> NodeLaunch.resolve(2, 0, 1, null, null, null, Map.of()))
                .hasMessageContaining("--nnodes 2 needs --master-addr");
        assertThatThrownBy(() -> NodeLaunch.resolve(2, 2, 1, "m", null, null, Map.of()))
                .hasMessageContaining("--node-rank 2 is outside 0..1");
        assertThatThrownBy(() -> NodeLaunch.resolve(1, 0, 0, null, null, null, Map.of()))
                .hasMessageContaining("--nproc-per-node must be >= 1, got 0");
        assertThatThrownBy(() -> NodeLaunch.resolve(1, 0, 1, null, 0, null, Map.of()))
                .hasMessageContaining("--master-port must be 1..65535, got 0");
    }
}
