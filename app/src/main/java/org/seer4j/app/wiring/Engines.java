package org.seer4j.app.wiring;

import com.google.inject.Module;
import org.seer4j.core.config.ConfigException;
import org.seer4j.djl.DjlBackendModule;

/** The Guice module of the engine {@code backend.name} names. */
public final class Engines {
    private Engines() {
    }

    public static Module module(String name) {
        return switch (name) {
            case "djl" -> new DjlBackendModule();
            default -> throw new ConfigException("backend.name", "the '" + name + "' engine is not wired in yet; use djl");
        };
    }
}
