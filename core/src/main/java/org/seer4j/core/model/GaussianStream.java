package org.seer4j.core.model;

import java.nio.charset.StandardCharsets;

/**
 * A fully specified stream of N(0, 1) samples, so that any engine (or a Python script) can reproduce a model's
 * initial weights: SplitMix64 seeded with {@code seed ^ fnv1a64(name)}, uniforms from the top 53 bits, and
 * Box-Muller pairs (first {@code r cos}, then {@code r sin}).
 */
final class GaussianStream {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private long state;
    private double spare;
    private boolean hasSpare;

    GaussianStream(long seed, String name) {
        this.state = seed ^ fnv1a64(name);
    }

    /**
     * The stream positioned so that {@link #next()} returns its {@code index}-th sample (0-based). SplitMix64's
     * state only advances by a constant, and each Box-Muller pair takes two draws, so this is a jump, not a
     * walk: chunks of a tensor can be generated independently.
     */
    static GaussianStream at(long seed, String name, long index) {
        GaussianStream g = new GaussianStream(seed, name);
        g.state += (index / 2) * 2 * GOLDEN_GAMMA;
        if (index % 2 == 1) g.next();
        return g;
    }

    double next() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u1 = 1.0 - uniform(); // (0, 1]: log is finite
        double u2 = uniform();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        double theta = 2.0 * Math.PI * u2;
        spare = r * Math.sin(theta);
        hasSpare = true;
        return r * Math.cos(theta);
    }

    /** Uniform in [0, 1). */
    double uniform() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    long nextLong() {
        long z = (state += GOLDEN_GAMMA);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long fnv1a64(String s) {
        long h = 0xCBF29CE484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001B3L;
        }
        return h;
    }
}
