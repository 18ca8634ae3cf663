package org.seer4j.data.safetensors;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
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

    /** Converts {@code bytes} (little-endian, this type) to floats into {@code into} until either runs out. */
    void decode(ByteBuffer bytes, FloatBuffer into) {
        switch (this) {
            case F32 -> {
                FloatBuffer src = bytes.asFloatBuffer();
                int n = Math.min(src.remaining(), into.remaining());
                into.put(src.limit(n));
                bytes.position(bytes.position() + 4 * n);
            }
            case F64 -> {
                while (bytes.remaining() >= 8 && into.hasRemaining()) into.put((float) bytes.getDouble());
            }
            case F16 -> {
                while (bytes.remaining() >= 2 && into.hasRemaining()) into.put(HalfFloats.f16ToFloat(bytes.getShort()));
            }
            case BF16 -> {
                while (bytes.remaining() >= 2 && into.hasRemaining()) into.put(HalfFloats.bf16ToFloat(bytes.getShort()));
            }
            default -> throw new IllegalStateException("cannot read " + this + " as float");
        }
    }

    /** Converts {@code values} into {@code bytes} (little-endian, this type) until either runs out. */
    void encode(FloatBuffer values, ByteBuffer bytes) {
        switch (this) {
            case F32 -> {
                FloatBuffer dst = bytes.asFloatBuffer();
                int n = Math.min(dst.remaining(), values.remaining());
                dst.put(values.slice().limit(n));
                values.position(values.position() + n);
                bytes.position(bytes.position() + 4 * n);
            }
            case F16 -> {
                while (bytes.remaining() >= 2 && values.hasRemaining()) bytes.putShort(HalfFloats.floatToF16(values.get()));
            }
            case BF16 -> {
                while (bytes.remaining() >= 2 && values.hasRemaining()) bytes.putShort(HalfFloats.floatToBf16(values.get()));
            }
            default -> throw new IllegalStateException("cannot write " + this);
        }
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
