package org.seer4j.app.config;

/**
 * Where a configuration value came from: a line of a YAML file, a {@code --set} override, or the built-in
 * defaults. Error messages start with it, the way compilers print {@code file:line:}.
 *
 * @param source the file as the user named it, {@code --set key=value}, or {@code defaults}
 * @param line   1-based line in {@code source}, or 0 when the source has no lines
 */
public record Origin(String source, int line) {

    public static final Origin DEFAULTS = new Origin("defaults", 0);

    public static Origin override(String assignment) {
        return new Origin("--set " + assignment, 0);
    }

    @Override
    public String toString() {
        return line > 0 ? source + ":" + line : source;
    }
}
