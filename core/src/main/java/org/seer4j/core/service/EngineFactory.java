package org.seer4j.core.service;

import org.seer4j.core.port.Engine;

/** Engines by their configured name ({@code djl}, {@code tensorflow}); unknown names are a clear error. */
@FunctionalInterface
public interface EngineFactory {
    Engine engine(String name);
}
