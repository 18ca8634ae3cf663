package org.seer4j.core.archfixture;

import com.fasterxml.jackson.core.JsonFactory;

/** A deliberate violation (core using Jackson) that ArchitectureTest's core rules must catch. Test code only. */
public final class CoreReadingYaml {
    public Object factory() {
        return new JsonFactory();
    }
}
