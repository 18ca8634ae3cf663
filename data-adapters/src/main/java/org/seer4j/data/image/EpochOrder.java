package org.seer4j.data.image;

import org.seer4j.data.random.Mix;

/**
 * A pseudo-random permutation of {@code 0..n-1} fixed by (seed, epoch), computed position by position in
 * constant memory: a 4-round Feistel network on the smallest even-bit domain covering {@code n}, with cycle
 * walking to stay below {@code n} (the domain is under 4n, so a few steps at most on average). This is how a
 * folder of ten million files is shuffled every epoch without holding a ten-million-entry array.
 */
public final class EpochOrder {
    private static final int ROUNDS = 4;
    private final long n;
    private final int halfBits;
    private final long mask;
    private final long[] keys = new long[ROUNDS];

    public EpochOrder(long n, long seed, long epoch) {
        if (n < 0) {
            throw new IllegalArgumentException("negative size " + n);
        }
        this.n = n;
        int bits = n <= 1 ? 2 : 64 - Long.numberOfLeadingZeros(n - 1);
        this.halfBits = Math.max(1, (bits + 1) / 2);
        this.mask = (1L << halfBits) - 1;
        for (int r = 0; r < ROUNDS; r++) {
            keys[r] = Mix.of(seed, epoch, r, 0x5eed);
        }
    }

    public long size() {
        return n;
    }

    /** The item at {@code position} of this epoch's order. */
    public long at(long position) {
        if (position < 0 || position >= n) {
            throw new IndexOutOfBoundsException("position " + position + " of " + n);
        }
        long x = position;
        do {
            x = encrypt(x);
        } while (x >= n);
        return x;
    }

    private long encrypt(long x) {
        long left = x >>> halfBits;
        long right = x & mask;
        for (int r = 0; r < ROUNDS; r++) {
            long next = left ^ (Mix.mix(keys[r] ^ right) & mask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }
}
