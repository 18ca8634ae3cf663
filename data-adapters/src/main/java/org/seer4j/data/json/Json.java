package org.seer4j.data.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * The one Jackson configuration every JSON file of seer4j is read and written with: safetensors headers, checkpoint
 * manifests, metrics lines, the files commands write.
 *
 * <ul>
 *   <li>Record components are named in snake_case ({@code imagesPerSecond} is {@code images_per_second}), the
 *       style of the config keys; map keys are written as they are, in the map's order.</li>
 *   <li>Non-finite numbers (a NaN loss) are written as {@code null}, which JSON can hold, and a {@code null} read
 *       into a {@code double} is NaN.</li>
 *   <li>Reading is strict: duplicate keys and text after the value are refused; untyped values come back as
 *       {@code Map} (key order kept), {@code List}, {@code String}, {@code Long} (integers that fit),
 *       {@code Double}, {@code Boolean} or {@code null}.</li>
 * </ul>
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new SimpleModule("seer4j-non-finite")
                    .addSerializer(Double.class, new FiniteOrNull())
                    .addSerializer(double.class, new FiniteOrNull())
                    .addSerializer(double[].class, new FiniteArray())
                    .addDeserializer(double.class, new NullAsNaN())
                    .addDeserializer(Double.class, new NullAsNaN()))
            .build();

    /** Two-space indentation, {@code "key": value}. */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter().withSeparators(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));

    private Json() {
    }

    /** Parses one JSON value filling the whole text (surrounding white space allowed). */
    public static Object parse(String text) {
        return read(text, Object.class);
    }

    /** Reads one JSON value of the given type (a record, a map ...) from the whole text. */
    public static <T> T read(String text, Class<T> type) {
        try {
            return MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new JsonException(e);
        }
    }

    /** A value as one line of compact JSON. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A value as indented JSON, for files people open. */
    public static String writePretty(Object value) {
        try {
            return MAPPER.writer(PRETTY).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Malformed JSON, or JSON of the wrong shape; the message names what and where. */
    public static final class JsonException extends IllegalArgumentException {
        JsonException(JsonProcessingException e) {
            super(where(e), e);
        }

        private static String where(JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            return at == null ? e.getOriginalMessage()
                    : e.getOriginalMessage() + " at character " + at.getCharOffset();
        }
    }

    private static final class FiniteOrNull extends StdSerializer<Double> {
        FiniteOrNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
            if (Double.isFinite(v)) g.writeNumber(v);
            else g.writeNull();
        }
    }

    private static final class FiniteArray extends StdSerializer<double[]> {
        FiniteArray() {
            super(double[].class);
        }

        @Override
        public void serialize(double[] values, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeStartArray(values, values.length);
            for (double v : values) {
                if (Double.isFinite(v)) g.writeNumber(v);
                else g.writeNull();
            }
            g.writeEndArray();
        }
    }

    private static final class NullAsNaN extends StdDeserializer<Double> {
        NullAsNaN() {
            super(Double.class);
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext c) throws IOException {
            if (p.currentToken().isNumeric()) return p.getDoubleValue();
            return (Double) c.handleUnexpectedToken(Double.class, p);
        }

        @Override
        public Double getNullValue(DeserializationContext c) {
            return Double.NaN;
        }
    }
}
