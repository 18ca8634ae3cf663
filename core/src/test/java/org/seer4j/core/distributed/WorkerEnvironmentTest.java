package org.seer4j.core.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.core.image.Shard;

class WorkerEnvironmentTest {

    @Test
    void anEnvironmentWithoutLauncherVariablesIsASingleWorker() {
        WorkerEnvironment env = WorkerEnvironment.from(Map.of("HOME", "/root"));
        assertThat(env.rank()).isZero();
        assertThat(env.worldSize()).isEqualTo(1);
        assertThat(env.distributed()).isFalse();
        assertThat(env.shard()).isEqualTo(Shard.ALL);
    }

    @Test
    void torchrunVariablesGiveRankWorldAndConsecutivePortsOnTheMasterHost() {
        WorkerEnvironment env = WorkerEnvironment.from(Map.of("RANK", "1", "WORLD_SIZE", "3",
                "MASTER_ADDR", "10.0.0.7", "MASTER_PORT", "23456"));
        assertThat(env.convention()).isEqualTo("torchrun");
        assertThat(env.rank()).isEqualTo(1);
        assertThat(env.worldSize()).isEqualTo(3);
        assertThat(env.peers()).containsExactly("10.0.0.7:23456", "10.0.0.7:23457", "10.0.0.7:23458");
        assertThat(env.shard()).isEqualTo(new Shard(1, 3));
    }

    @Test
    void slurmVariablesTakeTheMasterFromTheFirstHostOfTheNodeList() {
        WorkerEnvironment env = WorkerEnvironment.from(Map.of("SLURM_PROCID", "3", "SLURM_NTASKS", "4",
                "SLURM_JOB_NODELIST", "gpu[07-08,12],cpu1"));
        assertThat(env.convention()).isEqualTo("slurm");
        assertThat(env.rank()).isEqualTo(3);
        assertThat(env.peers()).first().isEqualTo("gpu07:" + WorkerEnvironment.DEFAULT_PORT);
    }

    @Test
    void slurmHostListsOfPlainNamesGiveTheFirstName() {
        assertThat(WorkerEnvironment.firstHost("alpha,beta[1-2]")).isEqualTo("alpha");
        assertThat(WorkerEnvironment.firstHost("n[5]")).isEqualTo("n5");
        assertThat(WorkerEnvironment.firstHost("solo")).isEqualTo("solo");
    }

    @Test
    void kubernetesIndexedJobsTakeTheRankFromTheCompletionIndexAndPeersFromTheList() {
        WorkerEnvironment env = WorkerEnvironment.from(Map.of("JOB_COMPLETION_INDEX", "0", "WORLD_SIZE", "2",
                "SEER4J_PEERS", "seer-0.seer:2222, seer-1.seer:2222"));
        assertThat(env.convention()).isEqualTo("kubernetes");
        assertThat(env.rank()).isZero();
        assertThat(env.peers()).isEqualTo(List.of("seer-0.seer:2222", "seer-1.seer:2222"));
    }

    @Test
    void kubernetesWithoutWorldSizeSaysWhatToSet() {
        assertThatThrownBy(() -> WorkerEnvironment.from(Map.of("JOB_COMPLETION_INDEX", "1")))
                .hasMessageContaining("WORLD_SIZE");
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> WorkerEnvironment.from(Map.of("RANK", "x", "WORLD_SIZE", "2")))
                .hasMessageContaining("RANK must be an integer, got 'x'");
        assertThatThrownBy(() -> WorkerEnvironment.from(Map.of("RANK", "2", "WORLD_SIZE", "2",
                "MASTER_ADDR", "h"))).hasMessageContaining("rank 2 is outside 0..1");
        assertThatThrownBy(() -> WorkerEnvironment.from(Map.of("RANK", "0", "WORLD_SIZE", "2")))
                .hasMessageContaining("MASTER_ADDR is not set");
        assertThatThrownBy(() -> WorkerEnvironment.from(Map.of("RANK", "0", "WORLD_SIZE", "2",
                "SEER4J_PEERS", "a:1"))).hasMessageContaining("SEER4J_PEERS lists 1 addresses but the world size is 2");
        assertThatThrownBy(() -> WorkerEnvironment.from(Map.of("RANK", "0", "WORLD_SIZE", "2",
                "SEER4J_PEERS", "a:1,b"))).hasMessageContaining("'b' is not host:port");
    }
}
