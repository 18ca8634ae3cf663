package org.seer4j.app.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** One logging setup: every API's records reach the console as one line, filtered by origin and verbosity. */
class LoggingTest {
    private static final String TIME = "\\d\\d:\\d\\d:\\d\\d";

    @AfterEach
    void normal() {
        Logging.verbosity(Verbosity.NORMAL);
        Logging.stopRunLog();
    }

    /** What the console (standard error) shows while {@code body} logs. */
    private static List<String> console(Verbosity v, Runnable body) {
        Logging.install();
        Logging.verbosity(v);
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            body.run();
        } finally {
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void javaUtilLoggingAndSystemLoggerRecordsBecomeOneLineEach() {
        List<String> lines = console(Verbosity.NORMAL, () -> {
            java.util.logging.Logger.getLogger("org.seer4j.test.ViaJul").info("from JUL");
            System.getLogger("org.seer4j.test.ViaSystemLogger").log(System.Logger.Level.WARNING, "from System.Logger");
            LoggerFactory.getLogger("org.seer4j.test.ViaSlf4j").info("from SLF4J");
        });
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches(TIME + " INFO ViaJul: from JUL");
        assertThat(lines.get(1)).matches(TIME + " WARN ViaSystemLogger: from System.Logger");
        assertThat(lines.get(2)).matches(TIME + " INFO ViaSlf4j: from SLF4J");
    }

    private static final Runnable ENGINES = () -> {
        LoggerFactory.getLogger("ai.djl.pytorch.engine.PtEngine").info("Number of inter-op threads is 1");
        LoggerFactory.getLogger("ai.djl.util.cuda.CudaUtils").warn("Failed to detect GPU count");
        LoggerFactory.getLogger("ai.djl.repository.Zoo").warn("a real engine warning");
        LoggerFactory.getLogger("org.seer4j.test.Own").debug("own debug");
        LoggerFactory.getLogger("org.seer4j.test.Own").info("own info");
    };

    @Test
    void byDefaultSeer4jsInfoAndTheEnginesWarningsShowWithoutDjlsStartUpChatter() {
        assertThat(console(Verbosity.NORMAL, ENGINES)).hasSize(2).satisfiesExactly(
                l -> assertThat(l).matches(TIME + " WARN ai.djl.repository.Zoo: a real engine warning"),
                l -> assertThat(l).matches(TIME + " INFO Own: own info"));
    }

    @Test
    void verboseShowsDebugAndTheEnginesInfoQuietOnlyWarnings() {
        assertThat(console(Verbosity.VERBOSE, ENGINES)).hasSize(5);
        List<String> quiet = console(Verbosity.QUIET, ENGINES);
        assertThat(quiet).isEmpty();
        assertThat(console(Verbosity.QUIET, () -> LoggerFactory.getLogger("org.seer4j.test.Own").warn("careful")))
                .singleElement().satisfies(l -> assertThat(l).matches(TIME + " WARN Own: careful"));
    }

    @Test
    void stackTracesShowOnlyWhenVerboseButTheRunLogKeepsThem(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log.txt");
        Consumer<String> fail = m -> LoggerFactory.getLogger("org.seer4j.test.Own")
                .warn(m, new IllegalStateException("broken"));
        List<String> brief = console(Verbosity.NORMAL, () -> {
            Logging.startRunLog(log);
            fail.accept("it broke");
            Logging.stopRunLog();
        });
        assertThat(brief).singleElement().satisfies(l -> assertThat(l).matches(TIME + " WARN Own: it broke"));
        assertThat(Files.readString(log)).contains("WARN Own: it broke").contains("java.lang.IllegalStateException: broken")
                .contains("\tat ");
        List<String> verbose = console(Verbosity.VERBOSE, () -> fail.accept("again"));
        assertThat(verbose.get(1)).isEqualTo("java.lang.IllegalStateException: broken");
        assertThat(verbose.get(2)).startsWith("\tat ");
    }
}
