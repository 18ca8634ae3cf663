package org.seer4j.app;

/** A worker of {@code seer4j launch} failed; the message names its rank and what it reported. */
public final class WorkerFailedException extends RuntimeException {
    private final int exitCode;

    public WorkerFailedException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** The job's exit code: the worker's, when it is one of seer4j's (2 or 130), else 1. */
    public int exitCode() {
        return exitCode;
    }
}
