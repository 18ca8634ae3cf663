package org.seer4j.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seer4j.app.Cli;
import org.seer4j.app.Main;
import org.seer4j.app.memory.MemoryException;
import org.seer4j.data.json.Json;

class PlanCommandTest {
    private static final Path CONFIGS = Path.of(System.getProperty("user.dir")).getParent().resolve("configs");
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        picocli.CommandLine cl = Cli.commandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void jsonHasTheIssuesKeysWithSeersParameterCountAndTermsThatAddUp() {
        assertThat(run("plan", "--config", CONFIGS.resolve("seer-256gf-one-machine.yaml").toString(), "--json"))
                .as(err.toString()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) Json.parse(out.toString());
        assertThat(p).containsKeys("params", "weights_bytes", "gradients_bytes", "optimizer_bytes", "activations_bytes",
                "peak_bytes");
        // 1,272,156,138 trunk parameters plus the 10444-8192-8192-256 head and 16000 x 256 prototypes
        assertThat(((Number) p.get("params")).longValue()).isEqualTo(1_431_032_042L);
        long sum = 0;
        for (String k : List.of("weights_bytes", "gradients_bytes", "optimizer_bytes", "queue_bytes",
                "activations_bytes", "workspace_bytes")) {
            sum += ((Number) p.get(k)).longValue();
        }
        assertThat(((Number) p.get("peak_bytes")).longValue()).isEqualTo(sum);
    }

    @Test
    void theTableNamesEveryTermAndTheSwitchesThatWouldHelp() {
        assertThat(run("plan", "--config", CONFIGS.resolve("seer-256gf-small-head.yaml").toString(),
                "--set", "backend.name=tensorflow")).isZero();
        assertThat(out.toString()).contains("weights", "gradients", "optimizer state", "activations", "2x64",
                "4x32", "engine workspace", "peak", "optim.state_dtype: bfloat16");
    }

    @Test
    void aRefusalAndAnEngineAllocationFailureEndInOneLineWithTheirExitCodes() {
        assertThat(MemoryException.isOutOfMemory(new RuntimeException("wrapped",
                new IllegalStateException("[enforce fail at alloc_cpu.cpp:118] DefaultCPUAllocator: can't allocate "
                        + "memory: you tried to allocate 5347737600 bytes")))).isTrue();
        assertThat(MemoryException.isOutOfMemory(new IllegalStateException("shape mismatch"))).isFalse();
        assertThat(MemoryException.refused("x").exitCode()).isEqualTo(2);
        assertThat(MemoryException.ranOut("x", new OutOfMemoryError()).exitCode()).isEqualTo(1);
    }
}
