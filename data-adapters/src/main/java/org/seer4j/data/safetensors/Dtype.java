package org.seer4j.data.safetensors;

import java.util.Locale;
import java.util.Optional;

/** Element types a safetensors file may declare; only the floating ones can become a float tensor. */
public enum Dtype {
    F64(8, true), F32(4, true), F16(2, true), BF16(2, true),
    I64(8, false), I32(4, false), I16(2, false), I8(1, false),
    U64(8, false), U32(4, false), U16(2, false), U8(1, false), BOOL(1, false),
    F8_E4M3(1, false), F8_E5M2(1, false);

    private final int bytes;
    private final boolean readable;

    Dtype(int bytes, boolean readable) {
        this.bytes = bytes;
        this.readable = readable;
    }

    public int bytes() {
        return bytes;
    }

    /** Whether {@link SafetensorsFile} converts this type to float. */
    public boolean readable() {
        return readable;
    }

    public boolean integral() {
        return name().startsWith("I") || name().startsWith("U") || this == BOOL;
    }

    /** Parses a header's dtype name exactly as the format spells it (upper case). */
    public static Optional<Dtype> named(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** For options given by people: case-insensitive. */
    public static Dtype parse(String name) {
        return named(name.toUpperCase(Locale.ROOT)).orElseThrow(
                () -> new IllegalArgumentException("unknown safetensors dtype '" + name + "' (F32, F16, BF16)"));
    }
}
