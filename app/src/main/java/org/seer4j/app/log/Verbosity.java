package org.seer4j.app.log;

import ch.qos.logback.classic.Level;

/**
 * How much the console shows: seer4j's own records from {@code own} up, everything else (DJL, TensorFlow, the
 * JDK) from {@code engines} up. {@code RUN/log.txt} gets the full log whatever the verbosity.
 */
public enum Verbosity {
    QUIET(Level.WARN, Level.ERROR),
    NORMAL(Level.INFO, Level.WARN),
    VERBOSE(Level.DEBUG, Level.INFO);

    private final Level own;
    private final Level engines;

    Verbosity(Level own, Level engines) {
        this.own = own;
        this.engines = engines;
    }

    Level own() {
        return own;
    }

    Level engines() {
        return engines;
    }
}
