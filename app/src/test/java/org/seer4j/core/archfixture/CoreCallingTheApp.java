package org.seer4j.core.archfixture;

import org.seer4j.app.UserException;

/** A deliberate violation (core reaching into app) that the app rule must catch. Test code only. */
public final class CoreCallingTheApp {
    public RuntimeException fail() {
        return new UserException("no");
    }
}
