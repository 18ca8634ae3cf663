package org.seer4j.app;

/** Something the user gave is wrong (a missing file, a bad value); the CLI prints the message and exits 2. */
public class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
