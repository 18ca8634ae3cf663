package org.seer4j.core.regnet;

/** Turns a design-space point into stages and per-block plans (implementation pending in this commit series). */
public final class RegNetGenerator {
    private RegNetGenerator() {
    }
}
