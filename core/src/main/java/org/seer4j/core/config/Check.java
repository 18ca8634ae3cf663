package org.seer4j.core.config;

import java.util.List;

/** Validation helpers shared by the config records; each failure names the key. */
final class Check {
    private Check() {
    }

    static int positive(String key, int v) {
        if (v <= 0) throw new ConfigException(key, "must be > 0, got " + v);
        return v;
    }

    static long positive(String key, long v) {
        if (v <= 0) throw new ConfigException(key, "must be > 0, got " + v);
        return v;
    }

    static int nonNegative(String key, int v) {
        if (v < 0) throw new ConfigException(key, "must be >= 0, got " + v);
        return v;
    }

    static long nonNegative(String key, long v) {
        if (v < 0) throw new ConfigException(key, "must be >= 0, got " + v);
        return v;
    }

    static double positive(String key, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new ConfigException(key, "must be > 0, got " + v);
        return v;
    }

    static double nonNegative(String key, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new ConfigException(key, "must be >= 0, got " + v);
        return v;
    }

    static double probability(String key, double v) {
        if (!(v >= 0 && v <= 1)) throw new ConfigException(key, "must be a probability in [0, 1], got " + v);
        return v;
    }

    static String oneOf(String key, String v, List<String> allowed) {
        if (v == null || !allowed.contains(v)) {
            throw new ConfigException(key, "must be one of " + String.join(", ", allowed) + ", got " + v);
        }
        return v;
    }

    static <T> T present(String key, T v) {
        if (v == null) throw new ConfigException(key, "is required");
        return v;
    }
}
