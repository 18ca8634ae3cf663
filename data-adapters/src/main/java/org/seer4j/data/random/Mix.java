package org.seer4j.data.random;

/** SplitMix64's finaliser: a bijective 64-bit mix, used to derive independent seeds from (seed, epoch, ...). */
public final class Mix {
    private Mix() {
    }

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A seed for the tuple {@code (a, b, ...)}; different tuples give unrelated seeds. */
    public static long of(long... parts) {
        long h = 0x6a09e667f3bcc909L;
        for (long p : parts) {
            h = mix(h + 0x9e3779b97f4a7c15L ^ p);
        }
        return h;
    }
}
