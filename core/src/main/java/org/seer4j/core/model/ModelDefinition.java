package org.seer4j.core.model;

import org.seer4j.core.regnet.RegNetPlan;

/**
 * Everything an engine needs to build the network: the trunk's plan, the stem stride, the SwAV head, the number
 * of prototypes and, optionally, a classifier ({@code classes > 0}, named {@code fc.*}).
 */
public record ModelDefinition(RegNetPlan trunk, int stemStride, HeadSpec head, int prototypes, int classes) {

    public ModelDefinition {
        if (stemStride != 1 && stemStride != 2) throw new IllegalArgumentException("stem stride must be 1 or 2");
        if (head != null && head.inWidth() != trunk.outWidth()) {
            throw new IllegalArgumentException("head input " + head.inWidth() + " != trunk output " + trunk.outWidth());
        }
        if (prototypes < 0 || classes < 0) throw new IllegalArgumentException("prototypes and classes must be >= 0");
        if (prototypes > 0 && head == null) throw new IllegalArgumentException("prototypes need a head");
    }

    /** A bare trunk (for {@code forward} and evaluation), optionally with a classifier. */
    public static ModelDefinition trunkOnly(RegNetPlan trunk, int stemStride, int classes) {
        return new ModelDefinition(trunk, stemStride, null, 0, classes);
    }
}
