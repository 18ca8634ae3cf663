package org.seer4j.core.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.core.image.Shard;

class WorkerEnvironmentTest {

    @Test
    void anEnvironmentWithoutLauncherVariablesIsASingleWorker() {
        WorkerEnvironment env = WorkerEnvironment.from(Map.of("HOME", "/root"));
        assertThat(env.rank()).isZero();
        assertThat(env.worldSize()).isEqualTo(1);
        assertThat(env.localRank()).isZero();
        assertThat(env.distributed()).isFalse();
        assertThat(env.shard()).isEqualTo(Shard.ALL);
    }

    @Test
    void torchrunVariablesGiveRankWorldLocalRankNodeAndTheMaster() {
        WorkerEnvironment env = WorkerEnvironment.from(Map.of("RANK", "5", "WORLD_SIZE", "8", "LOCAL_RANK", "1",
                "NODE_RANK", "2", "MASTER_ADDR", "10.0.0.7", "MASTER_PORT", "23456", "SEER4J_LOCAL_ADDR", "10.0.0.9",
                "SEER4J_RENDEZVOUS_TIMEOUT_S", "30"));
        assertThat(env).isEqualTo(new WorkerEnvironment(5, 8, 1, 2, "10.0.0.7", 23456, "10.0.0.9",
                Duration.ofSeconds(30), "torchrun"));
        assertThat(env.shard()).isEqualTo(new Shard(5, 8));
    }

    @Test
    void torchrunsGroupRankIsTheNodeAndDefaultsFillTheRest() {
        // torchrun exports GROUP_RANK for the node; MASTER_PORT defaults as torchrun's does
        WorkerEnvironment env = WorkerEnvironment.from(Map.of("RANK", "3", "WORLD_SIZE", "4", "GROUP_RANK", "1",
                "MASTER_ADDR", "head"));
        assertThat(env.nodeRank()).isEqualTo(1);
        assertThat(env.localRank()).isZero();
        assertThat(env.masterPort()).isEqualTo(WorkerEnvironment.DEFAULT_PORT);
        assertThat(env.localAddr()).isNull();
        assertThat(env.rendezvousTimeout()).isEqualTo(WorkerEnvironment.DEFAULT_RENDEZVOUS_TIMEOUT);
    }

    @Test
    void slurmVariablesGiveRankLocalRankAndNodeAndTheMasterFromTheFirstHostOfTheNodeList() {
        WorkerEnvironment env = WorkerEnvironment.from(Map.of("SLURM_PROCID", "3", "SLURM_NTASKS", "4",
                "SLURM_LOCALID", "1", "SLURM_NODEID", "1", "SLURM_NNODES", "2",
                "SLURM_JOB_NODELIST", "gpu[07-08,12],cpu1"));
        assertThat(env).isEqualTo(new WorkerEnvironment(3, 4, 1, 1, "gpu07", WorkerEnvironment.DEFAULT_PORT, null,
                WorkerEnvironment.DEFAULT_RENDEZVOUS_TIMEOUT, "slurm"));
        // an explicit MASTER_ADDR wins over the node list
        assertThat(WorkerEnvironment.from(Map.of("SLURM_PROCID", "0", "SLURM_NTASKS", "2", "SLURM_NODELIST", "a,b",
                "MASTER_ADDR", "login", "MASTER_PORT", "31000")).masterAddr()).isEqualTo("login");
        assertThat(WorkerEnvironment.from(Map.of("SLURM_PROCID", "0", "SLURM_NTASKS", "2", "SLURM_NODELIST",
                "b[3-4]")).masterAddr()).isEqualTo("b3");
    }

    @Test
    void slurmHostListsOfPlainNamesGiveTheFirstName() {
        assertThat(WorkerEnvironment.firstHost("alpha,beta[1-2]")).isEqualTo("alpha");
        assertThat(WorkerEnvironment.firstHost("n[5]")).isEqualTo("n5");
        assertThat(WorkerEnvironment.firstHost("solo")).isEqualTo("solo");
    }

    @Test
    void torchrunVariablesSetByLaunchWinOverTheSlurmOnesTheyInherit() {
        WorkerEnvironment env = WorkerEnvironment.from(Map.of("RANK", "2", "WORLD_SIZE", "4", "LOCAL_RANK", "0",
                "NODE_RANK", "1", "MASTER_ADDR", "n1", "SLURM_PROCID", "1", "SLURM_NTASKS", "2"));
        assertThat(env.convention()).isEqualTo("torchrun");
        assertThat(env.rank()).isEqualTo(2);
    }

    @Test
    void kubernetesIndexedJobsTakeRankAndNodeFromTheCompletionIndex() {
        WorkerEnvironment env = WorkerEnvironment.from(Map.of("JOB_COMPLETION_INDEX", "1", "WORLD_SIZE", "2",
                "MASTER_ADDR", "seer4j-train-0.seer4j", "MASTER_PORT", "2222"));
        assertThat(env).isEqualTo(new WorkerEnvironment(1, 2, 0, 1, "seer4j-train-0.seer4j", 2222, null,
                WorkerEnvironment.DEFAULT_RENDEZVOUS_TIMEOUT, "kubernetes"));
    }

    @Test
    void kubernetesWithoutWorldSizeOrMasterSaysWhatToSet() {
        assertThatThrownBy(() -> WorkerEnvironment.from(Map.of("JOB_COMPLETION_INDEX", "1")))
                .hasMessageContaining("WORLD_SIZE");
        assertThatThrownBy(() -> WorkerEnvironment.from(Map.of("JOB_COMPLETION_INDEX", "1", "WORLD_SIZE", "2")))
                .hasMessageContaining("MASTER_ADDR is not set").hasMessageContaining("<job>-0.<service>");
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> WorkerEnvironment.from(Map.of("RANK", "x", "WORLD_SIZE", "2")))
                .hasMessageContaining("RANK must be an integer, got 'x'");
        assertThatThrownBy(() -> WorkerEnvironment.from(Map.of("RANK", "2", "WORLD_SIZE", "2",
                "MASTER_ADDR", "h"))).hasMessageContaining("rank 2 is outside 0..1");
        assertThatThrownBy(() -> WorkerEnvironment.from(Map.of("RANK", "0", "WORLD_SIZE", "2")))
                .hasMessageContaining("MASTER_ADDR is not set");
        assertThatThrownBy(() -> WorkerEnvironment.from(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "h",
                "MASTER_PORT", "70000"))).hasMessageContaining("MASTER_PORT must be 1..65535, got 70000");
        assertThatThrownBy(() -> WorkerEnvironment.from(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "h",
                "SEER4J_RENDEZVOUS_TIMEOUT_S", "0"))).hasMessageContaining("SEER4J_RENDEZVOUS_TIMEOUT_S must be >= 1");
        assertThatThrownBy(() -> WorkerEnvironment.from(Map.of("SLURM_PROCID", "0", "SLURM_NTASKS", "2",
                "SLURM_LOCALID", "-1", "MASTER_ADDR", "h"))).hasMessageContaining("local rank");
    }
}
