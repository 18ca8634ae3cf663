package org.seer4j.core.config;

/** A configuration value is wrong; {@link #key()} names it as the user wrote it (e.g. {@code swav.epsilon}). */
public class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** The message without the key prefix, for callers that add the key and a location themselves. */
    public String reason() {
        String m = getMessage();
        return m.substring(key.length() + 2);
    }
}
