package org.seer4j.app.log;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.Context;
import org.seer4j.app.progress.Terminal;

/**
 * Log records on standard error, one line each ({@code HH:mm:ss LEVEL name: message}), printed above the progress
 * bar when one is shown. Stack traces only when verbose: the user gets the message, the log file the trace.
 * Writes to the current {@code System.err} at each record, so a redirected stream (tests) receives it.
 */
final class TerminalAppender extends AppenderBase<ILoggingEvent> {
    static final String PATTERN = "%d{HH:mm:ss} %level %name: %msg%n";

    private PatternLayout brief;
    private PatternLayout full;
    private volatile boolean stackTraces;

    void stackTraces(boolean on) {
        stackTraces = on;
    }

    @Override
    public void start() {
        brief = layout(getContext(), PATTERN + "%nopex");
        full = layout(getContext(), PATTERN);
        super.start();
    }

    /** A started layout of {@code pattern}, which may use {@code %name} ({@link LoggerName}). */
    static PatternLayout layout(Context context, String pattern) {
        PatternLayout l = new PatternLayout();
        l.setContext(context);
        l.getInstanceConverterMap().put("name", LoggerName::new);
        l.setPattern(pattern);
        l.start();
        return l;
    }

    @Override
    protected void append(ILoggingEvent event) {
        Terminal.printAbove(System.err, (stackTraces ? full : brief).doLayout(event));
    }
}
