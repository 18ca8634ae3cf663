package org.seer4j.core.port;

/** A training step taken with profiling on: its ordinary result and where its time went. */
public record ProfiledStep(StepResult result, StepProfile profile) {
}
