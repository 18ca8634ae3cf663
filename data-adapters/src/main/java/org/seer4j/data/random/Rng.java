package org.seer4j.data.random;

/**
 * SplitMix64: a small, fast generator whose whole state is one long, so a fresh, independent stream per
 * (seed, epoch, image position, crop) costs nothing. Not thread-safe; each task makes its own.
 */
public final class Rng {
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    public static Rng of(long... parts) {
        return new Rng(Mix.of(parts));
    }

    public long nextLong() {
        state += 0x9e3779b97f4a7c15L;
        return Mix.mix(state);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1p-53;
    }

    /** Uniform in [lo, hi). */
    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /** Uniform integer in [lo, hi] (both inclusive), unbiased. */
    public int intBetween(int lo, int hi) {
        long range = (long) hi - lo + 1;
        long limit = Long.MAX_VALUE - Long.MAX_VALUE % range;
        long r;
        do {
            r = nextLong() >>> 1;
        } while (r >= limit);
        return (int) (lo + r % range);
    }

    public boolean chance(double p) {
        return nextDouble() < p;
    }
}
