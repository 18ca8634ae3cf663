package org.seer4j.core.distributed;

/** A collective operation failed: a peer died, timed out or passed mismatched data. The message names the rank. */
public final class CollectiveException extends RuntimeException {
    public CollectiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
