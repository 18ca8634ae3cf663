package org.seer4j.app.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalTest {

    @Test
    void aRecordClearsTheBarsLineAndTheBarIsRedrawnBelowIt() {
        StringWriter screen = new StringWriter();
        PrintWriter bar = new PrintWriter(screen);
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        Terminal.showBar(bar, "[##..] step 2/4");
        Terminal.printAbove(new PrintStream(records, true, StandardCharsets.UTF_8), "12:00:00 INFO X: hello\n");
        Terminal.endBar();
        assertThat(screen.toString()).isEqualTo("\r[##..] step 2/4\033[K" + "\r\033[K" + "[##..] step 2/4" + "\n");
        assertThat(records.toString(StandardCharsets.UTF_8)).isEqualTo("12:00:00 INFO X: hello\n");
    }

    @Test
    void withoutABarARecordIsJustPrinted() {
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        Terminal.printAbove(new PrintStream(records, true, StandardCharsets.UTF_8), "line\n");
        assertThat(records.toString(StandardCharsets.UTF_8)).isEqualTo("line\n");
    }

    @Test
    void aRedirectedTestRunIsNoTerminal() {
        // surefire's forked JVM has no console on JDK 17-21 and a non-terminal one from JDK 22
        assertThat(Terminal.isInteractive()).isFalse();
    }
}
