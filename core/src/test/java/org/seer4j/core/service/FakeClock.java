package org.seer4j.core.service;

/** A ticker that only moves when told: every fake training step takes half a second. */
final class FakeClock implements Ticker {
    long now = 1_000_000_000L;

    @Override
    public long nanos() {
        return now;
    }

    void advanceMillis(long millis) {
        now += millis * 1_000_000L;
    }
}
