package org.seer4j.app.config;

import org.seer4j.app.UserException;

/**
 * A configuration the user gave cannot be used. The message reads
 * {@code where: key: reason}, e.g. {@code config.yaml:12: swav.epsilon: must be > 0, got -1.0} or
 * {@code --set swav.epsilon=-1: swav.epsilon: must be > 0, got -1.0}; the CLI prints it and exits with 2.
 */
public class InvalidConfigException extends UserException {
    private final transient Origin origin;
    private final String key;
    private final String reason;

    public InvalidConfigException(Origin origin, String key, String reason) {
        super(origin + ": " + (key == null ? "" : key + ": ") + reason);
        this.origin = origin;
        this.key = key;
        this.reason = reason;
    }

    public Origin origin() {
        return origin;
    }

    /** The dotted key as the user writes it ({@code views.crops[1].size}), or null for file-level problems. */
    public String key() {
        return key;
    }

    public String reason() {
        return reason;
    }
}
