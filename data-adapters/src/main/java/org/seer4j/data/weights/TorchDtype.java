package org.seer4j.data.weights;

import java.util.Optional;

/** The element types of PyTorch storages, named as {@code torch.<Name>Storage} classes name them. */
public enum TorchDtype {
    FLOAT32("FloatStorage", 4, true),
    FLOAT16("HalfStorage", 2, true),
    BFLOAT16("BFloat16Storage", 2, true),
    FLOAT64("DoubleStorage", 8, true),
    INT64("LongStorage", 8, false),
    INT32("IntStorage", 4, false),
    INT16("ShortStorage", 2, false),
    INT8("CharStorage", 1, false),
    UINT8("ByteStorage", 1, false),
    BOOL("BoolStorage", 1, false);

    private final String storageClass;
    private final int bytes;
    private final boolean floating;

    TorchDtype(String storageClass, int bytes, boolean floating) {
        this.storageClass = storageClass;
        this.bytes = bytes;
        this.floating = floating;
    }

    /** The dtype of {@code torch.<name>}, e.g. {@code FloatStorage}. */
    static Optional<TorchDtype> ofStorageClass(String name) {
        for (TorchDtype d : values()) {
            if (d.storageClass.equals(name)) return Optional.of(d);
        }
        return Optional.empty();
    }

    public String storageClass() {
        return storageClass;
    }

    public int bytes() {
        return bytes;
    }

    /** Whether the values convert to float (the only tensors an import keeps). */
    public boolean floating() {
        return floating;
    }
}
