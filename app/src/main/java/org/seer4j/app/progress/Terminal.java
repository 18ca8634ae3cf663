package org.seer4j.app.progress;

import java.io.Console;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Method;

/**
 * The terminal the progress bar and the log records share. While a bar is shown, a record clears the bar's line,
 * prints itself and redraws the bar under it, so records never land on the bar.
 */
public final class Terminal {
    /** Carriage return, then erase to the end of the line (ANSI EL). */
    static final String CLEAR_LINE = "\r\033[K";

    private static PrintWriter barOut;
    private static String bar;

    private Terminal() {
    }

    /**
     * Whether standard output is an interactive terminal. Up to JDK 21 {@link System#console()} is null when a
     * stream is redirected; from JDK 22 it returns a console anyway and {@code Console.isTerminal()} (22+, called
     * reflectively since seer4j compiles for 17) tells. {@code TERM=dumb} (editors, CI logs) counts as no terminal.
     */
    public static boolean isInteractive() {
        Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException beforeJdk22) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** Draws (or redraws) the bar on {@code out}'s current line. */
    static synchronized void showBar(PrintWriter out, String text) {
        out.print("\r" + text + "\033[K");
        out.flush();
        barOut = out;
        bar = text;
    }

    /** Moves below the bar, if one is shown, so that the next output starts on a fresh line. */
    static synchronized void endBar() {
        if (bar != null) {
            barOut.println();
            barOut.flush();
            bar = null;
            barOut = null;
        }
    }

    /** Prints {@code text} (whole lines) to {@code target} above the bar, if one is shown. */
    public static synchronized void printAbove(PrintStream target, String text) {
        if (bar != null) {
            barOut.print(CLEAR_LINE);
            barOut.flush();
        }
        target.print(text);
        target.flush();
        if (bar != null) {
            barOut.print(bar);
            barOut.flush();
        }
    }
}
