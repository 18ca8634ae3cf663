package org.seer4j.core.port;

/**
 * The images cannot be used as given (too few readable ones for a batch, an empty folder): the user's data is at
 * fault, not the program, so the command line reports it like a bad setting (exit 2).
 */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }
}
