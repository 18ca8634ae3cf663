package org.seer4j.app.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;

/**
 * Which records reach the console: seer4j's from INFO, the engines' from WARN (one step lower with
 * {@code --verbose}, one higher with {@code --quiet}). DJL's start-up warning that it found no usable CUDA driver
 * (printed on every CPU-only machine) stays in the run's log file unless verbose: seer4j says itself which device
 * it uses. The progress records duplicate the bar and stay in the file too. A data-parallel worker other than
 * rank 0 shows what {@code --quiet} shows.
 */
final class ConsolePolicy extends Filter<ILoggingEvent> {
    static final String OWN = "org.seer4j";
    /** Logger of the progress lines written to {@code log.txt}; the console shows the bar instead. */
    static final String PROGRESS = "seer4j.progress";
    private static final List<String> CHATTER = List.of("ai.djl.util.cuda");

    private volatile Verbosity verbosity = Verbosity.NORMAL;
    /** A data-parallel worker other than rank 0: its console shows what --quiet shows, unless verbose. */
    private volatile boolean follower;

    void verbosity(Verbosity v) {
        verbosity = v;
    }

    Verbosity verbosity() {
        return verbosity;
    }

    void follower(boolean f) {
        follower = f;
    }

    @Override
    public FilterReply decide(ILoggingEvent e) {
        String name = e.getLoggerName();
        if (name.equals(PROGRESS)) {
            return FilterReply.DENY;
        }
        Verbosity v = follower && verbosity != Verbosity.VERBOSE ? Verbosity.QUIET : verbosity;
        boolean own = name.startsWith(OWN);
        if (!own && v != Verbosity.VERBOSE && CHATTER.stream().anyMatch(name::startsWith)
                && !e.getLevel().isGreaterOrEqual(Level.ERROR)) {
            return FilterReply.DENY;
        }
        Level min = own ? v.own() : v.engines();
        return e.getLevel().isGreaterOrEqual(min) ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}
