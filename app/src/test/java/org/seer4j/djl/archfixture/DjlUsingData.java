package org.seer4j.djl.archfixture;

import org.seer4j.data.archfixture.DataAdapterFixture;

/** A deliberate violation (one adapter using another) that ArchitectureTest's adapter rule must catch. */
public final class DjlUsingData {
    public Object data() {
        return new DataAdapterFixture();
    }
}
