package org.seer4j.app.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.seer4j.core.service.Progress;

class ConsoleProgressTest {
    private long now;

    private static Progress at(long step) {
        return new Progress(step, 10, step / 4, 8.25, 0.0125, 32.5, (10 - step) * 2.0);
    }

    @Test
    void withoutATerminalAPlainLineIsPrintedAtTheFirstStepThenEveryIntervalAndAtTheEnd() {
        StringWriter bytes = new StringWriter();
        ConsoleProgress p = new ConsoleProgress(new PrintWriter(bytes), false,
                () -> now, 5_000_000_000L);
        p.started(0, 10, "sample");
        for (long s = 1; s <= 10; s++) {
            now = s * 2_000_000_000L;
            p.stepped(at(s));
        }
        p.finished(10, false);
        String[] lines = bytes.toString().split("\n");
        // Steps at 2 s intervals: printed at step 1 (t = 2 s), 4 (8 s), 7 (14 s) and the last, 10.
        assertThat(lines).containsExactly("pretraining for 10 steps on sample",
                "step 1/10 (10%) epoch 0 loss 8.2500 lr 0.01250 32.5 img/s ETA 18s",
                "step 4/10 (40%) epoch 1 loss 8.2500 lr 0.01250 32.5 img/s ETA 12s",
                "step 7/10 (70%) epoch 1 loss 8.2500 lr 0.01250 32.5 img/s ETA 6s",
                "step 10/10 (100%) epoch 2 loss 8.2500 lr 0.01250 32.5 img/s ETA 0s",
                "done: 10 steps");
        assertThat(bytes.toString()).doesNotContain("\r");
    }

    @Test
    void onATerminalTheBarIsRedrawnInPlaceAndEndedByANewline() {
        StringWriter bytes = new StringWriter();
        ConsoleProgress p = new ConsoleProgress(new PrintWriter(bytes), true,
                () -> now, 5_000_000_000L);
        now = 0;
        p.stepped(at(5));
        p.finished(5, true);
        assertThat(bytes.toString()).isEqualTo("\r[############............] "
                + "step 5/10 (50%) epoch 1 loss 8.2500 lr 0.01250 32.5 img/s ETA 10s\033[K\n"
                + "stopped at step 5 (checkpoint written; rerun the same command to resume)\n");
    }

    @Test
    void durationsReadAsHoursMinutesSeconds() {
        assertThat(ConsoleProgress.duration(75)).isEqualTo("1m15s");
        assertThat(ConsoleProgress.duration(3725)).isEqualTo("1h02m05s");
        assertThat(ConsoleProgress.duration(Double.NaN)).isEqualTo("?");
    }
}
