package org.seer4j.app.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The {@code name} of a record: a seer4j class's simple name ({@code FolderSource}), anyone else's full logger
 * name ({@code ai.djl.pytorch.engine.PtEngine}), so a line says at a glance whether seer4j or an engine wrote it.
 */
public final class LoggerName extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        String name = event.getLoggerName();
        if (name.startsWith(ConsolePolicy.OWN + ".")) {
            return name.substring(name.lastIndexOf('.') + 1);
        }
        return name.equals(ConsolePolicy.PROGRESS) ? "progress" : name;
    }
}
