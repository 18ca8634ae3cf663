package org.seer4j.app.progress;

import java.io.PrintWriter;
import java.util.Locale;
import org.seer4j.app.log.Logging;
import org.seer4j.core.service.Progress;
import org.seer4j.core.service.ProgressListener;
import org.seer4j.core.service.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pretraining progress display: on a terminal, one bar redrawn in place (at most 10 times a second), with log
 * records printed above it ({@link Terminal}); into a file or pipe, a plain line every {@code lineEveryNanos} (and
 * at the first and last step), so logs stay short. The plain lines also go to the run's {@code log.txt}; with
 * {@code --quiet} the console shows neither.
 */
public final class ConsoleProgress implements ProgressListener {
    private static final int BAR = 24;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(Logging.progressLogger());

    private final PrintWriter out;
    private final boolean terminal;
    private final boolean quiet;
    private final Ticker ticker;
    private final long lineEveryNanos;
    private long lastPrint = Long.MIN_VALUE;
    private long lastRecord = Long.MIN_VALUE;

    public ConsoleProgress(PrintWriter out, boolean terminal, Ticker ticker, long lineEveryNanos) {
        this(out, terminal, false, ticker, lineEveryNanos);
    }

    ConsoleProgress(PrintWriter out, boolean terminal, boolean quiet, Ticker ticker, long lineEveryNanos) {
        this.out = out;
        this.terminal = terminal && !quiet;
        this.quiet = quiet;
        this.ticker = ticker;
        this.lineEveryNanos = lineEveryNanos;
    }

    /**
     * Writes to {@code out}: a bar when standard output is a terminal, else a line every 10 seconds; nothing with
     * {@code --quiet} or on a data-parallel worker other than rank 0 (its log file still gets the lines).
     */
    public static ConsoleProgress standard(PrintWriter out) {
        return new ConsoleProgress(out, Terminal.isInteractive(), !Logging.showsProgress(),
                Ticker.SYSTEM, 10_000_000_000L);
    }

    @Override
    public void started(long startStep, long totalSteps, String description) {
        print(startStep > 0
                ? "resuming at step " + startStep + " of " + totalSteps + " on " + description
                : "pretraining for " + totalSteps + " steps on " + description);
    }

    @Override
    public void stepped(Progress p) {
        long now = ticker.nanos();
        boolean edge = p.step() == p.totalSteps() || lastPrint == Long.MIN_VALUE;
        if (edge || lastRecord == Long.MIN_VALUE || now - lastRecord >= lineEveryNanos) {
            LOG.info(line(p));
            lastRecord = now;
        }
        if (quiet) {
            return;
        }
        if (terminal) {
            if (edge || now - lastPrint >= REDRAW_NANOS) {
                Terminal.showBar(out, bar(p) + " " + line(p));
                lastPrint = now;
            }
        } else if (edge || now - lastPrint >= lineEveryNanos) {
            out.println(line(p));
            out.flush();
            lastPrint = now;
        }
    }

    @Override
    public void checkpointed(long step) {
        LOG.info("checkpoint at step {}", step);
        if (!terminal && !quiet) {
            out.println("checkpoint at step " + step);
            out.flush();
        }
    }

    @Override
    public void finished(long step, boolean stopped) {
        print(stopped ? "stopped at step " + step + " (checkpoint written; rerun the same command to resume)"
                : "done: " + step + " steps");
    }

    private void print(String line) {
        LOG.info(line);
        if (quiet) {
            return;
        }
        Terminal.endBar();
        out.println(line);
        out.flush();
    }

    static String bar(Progress p) {
        int filled = (int) (BAR * p.step() / Math.max(1, p.totalSteps()));
        return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "]";
    }

    static String line(Progress p) {
        return String.format(Locale.ROOT, "step %d/%d (%d%%) epoch %d loss %.4f lr %.4g %.1f img/s ETA %s",
                p.step(), p.totalSteps(), 100 * p.step() / Math.max(1, p.totalSteps()), p.epoch(), p.loss(), p.lr(),
                p.imagesPerSecond(), duration(p.etaSeconds()));
    }

    /** 75 -> "1m15s", 3725 -> "1h02m05s"; unknown -> "?". */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60);
    }
}
