package org.seer4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.app.Cli;
import org.seer4j.app.engine.Collectives;
import org.seer4j.app.testing.MainRun;
import org.seer4j.core.port.Collective;

class LaunchCommandTest {

    @Test
    void aWorldOfNoWorkersIsAUsageError() {
        MainRun r = MainRun.of("launch", "--nproc", "0", "bench");
        assertThat(r.exitCode()).isEqualTo(Cli.USAGE_ERROR);
        assertThat(r.err()).contains("--nproc-per-node must be >= 1, got 0");
    }

    @Test
    void portsBeyondTheRangeAreAUsageError() {
        MainRun r = MainRun.of("launch", "--nproc", "4", "--master-port", "70000", "bench");
        assertThat(r.exitCode()).isEqualTo(Cli.USAGE_ERROR);
        assertThat(r.err()).contains("--master-port must be 1..65535, got 70000");
    }

    @Test
    void severalNodesWithoutANodeRankOrMasterAreAUsageError() {
        MainRun r = MainRun.of("launch", "--nnodes", "2", "--nproc-per-node", "1", "--master-addr", "h", "bench");
        assertThat(r.exitCode()).isEqualTo(Cli.USAGE_ERROR);
        assertThat(r.err()).contains("--nnodes 2 needs --node-rank");
        r = MainRun.of("launch", "--nnodes", "2", "--node-rank", "1", "--nproc-per-node", "1", "bench");
        assertThat(r.err()).contains("--nnodes 2 needs --master-addr");
    }

    @Test
    void launchDoesNotLaunchItself() {
        MainRun r = MainRun.of("launch", "--nproc", "2", "launch", "--nproc", "2", "bench");
        assertThat(r.err()).contains("launch cannot launch itself");
    }

    @Test
    void tensorflowsNativeLogLinesBecomeRecordsOnlyTheWarningsOfWhichShow() {
        MainRun r = MainRun.of("launch", "--nproc", "1", "--main-class", NativeChatterWorker.class.getName(),
                "--", "x");
        String console = r.out() + r.err();
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("[rank 0] the worker's own line");
        assertThat(console).doesNotContain("absl::InitializeLog").doesNotContain("grpc_server_lib");
        assertThat(r.err()).containsPattern("\\d\\d:\\d\\d:\\d\\d WARN org.tensorflow.native: \\[rank 0] W0000 "
                + "00:00:1796100481.000001   23280 some_pass.cc:12] something to look at");
    }

    @Test
    void withoutLauncherVariablesTheCollectiveIsTheSingleProcessOne() {
        assertThat(Collectives.fromEnvironment(Map.of(), Duration.ofSeconds(5))).isSameAs(Collective.SINGLE);
    }

    @Test
    void theCollectiveTimeoutComesFromTheEnvironmentAndBadValuesAreNamed() {
        assertThat(Collectives.timeout(Map.of())).isEqualTo(Collectives.DEFAULT_TIMEOUT);
        assertThat(Collectives.timeout(Map.of("SEER4J_COLLECTIVE_TIMEOUT_S", "42"))).isEqualTo(Duration.ofSeconds(42));
        assertThatThrownBy(() -> Collectives.timeout(Map.of("SEER4J_COLLECTIVE_TIMEOUT_S", "0")))
                .hasMessageContaining("SEER4J_COLLECTIVE_TIMEOUT_S must be a whole number of seconds >= 1, got '0'");
    }
}
