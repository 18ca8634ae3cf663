package org.seer4j.data.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.tensor.Tensor;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    private final SafetensorsFile st = new SafetensorsFile();

    /** A file laid out by hand: length, header text, then the given little-endian data bytes. */
    private Path handMade(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.writeBytes(h);
        out.writeBytes(data);
        Path p = dir.resolve("hand.safetensors");
        Files.write(p, out.toByteArray());
        return p;
    }

    private static byte[] floatsLe(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static byte[] shortsLe(int... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int s : v) {
            b.putShort((short) s);
        }
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void readsAHandBuiltF32FileWithItsShapeValuesAndMetadata() throws IOException {
        Path p = handMade("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}",
                floatsLe(1, 2, 3, -4.5f, 0, 1e-3f));
        Map<String, Tensor> t = st.read(p);
        assertThat(t).containsOnlyKeys("w");
        assertThat(t.get("w").shape()).containsExactly(2, 3);
        assertThat(t.get("w").toArray()).containsExactly(1, 2, 3, -4.5f, 0, 1e-3f);
        assertThat(st.metadata(p)).containsExactly(Map.entry("format", "pt"));
    }

    @Test
    void convertsF16AndBf16KnownBitPatternsToFloat() throws IOException {
        // F16: 0x3C00 = 1, 0xC000 = -2, 0x3555 = 0.333251953125, 0x0001 = 2^-24 (smallest subnormal),
        //      0x7BFF = 65504 (largest), 0x7C00 = +inf
        // BF16: 0x3F80 = 1, 0xC040 = -3, 0x3EAB = 0.333984375
        Path p = handMade("{\"h\":{\"dtype\":\"F16\",\"shape\":[6],\"data_offsets\":[0,12]},"
                        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[12,18]}}",
                concat(shortsLe(0x3C00, 0xC000, 0x3555, 0x0001, 0x7BFF, 0x7C00), shortsLe(0x3F80, 0xC040, 0x3EAB)));
        Map<String, Tensor> t = st.read(p);
        assertThat(t.get("h").toArray()).containsExactly(1f, -2f, 0.333251953125f, (float) Math.pow(2, -24),
                65504f, Float.POSITIVE_INFINITY);
        assertThat(t.get("b").toArray()).containsExactly(1f, -3f, 0.333984375f);
    }

    @Test
    void returnsTensorsInDataOrderNotHeaderOrder() throws IOException {
        Path p = handMade("{\"second\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"first\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", floatsLe(10, 20));
        Map<String, Tensor> t = st.read(p);
        assertThat(List.copyOf(t.keySet())).containsExactly("first", "second");
        assertThat(t.get("second").get(0)).isEqualTo(20f);
    }

    @Test
    void readsAScalarWithAnEmptyShape() throws IOException {
        Path p = handMade("{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", floatsLe(7));
        assertThat(st.read(p).get("s").rank()).isZero();
        assertThat(st.read(p).get("s").get(0)).isEqualTo(7f);
    }

    @Test
    void writesTheLayoutTheFormatPrescribes() throws IOException {
        Path p = dir.resolve("out.safetensors");
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("a", Tensor.of(new float[] {1, 2}, 2));
        in.put("b", Tensor.of(new float[] {3}, 1, 1));
        st.write(p, in, Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(p);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        assertThat(n % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header.strip()).isEqualTo("{\"__metadata__\":{\"k\":\"v\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]}}");
        assertThat(bytes.length).isEqualTo(8 + n + 12);
        assertThat(b.getFloat((int) (8 + n))).isEqualTo(1f);
        assertThat(b.getFloat((int) (8 + n + 8))).isEqualTo(3f);
    }

    @Test
    void roundTripsTensorsMetadataAndOrder() throws IOException {
        Path p = dir.resolve("rt.safetensors");
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("z.weight", Tensor.of(new float[] {1.5f, -2, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, -0f}, 2, 3));
        in.put("a.bias", Tensor.of(new float[] {0.1f}, 1));
        in.put("empty", Tensor.of(new float[0], 0, 4));
        st.write(p, in, Map.of("config", "{\"a\": \"b\\n\"}", "ünïcode", "✓"));
        Map<String, Tensor> out = st.read(p);
        assertThat(List.copyOf(out.keySet())).containsExactly("z.weight", "a.bias", "empty");
        assertThat(out).isEqualTo(in);
        assertThat(st.metadata(p)).containsEntry("config", "{\"a\": \"b\\n\"}").containsEntry("ünïcode", "✓");
    }

    @Test
    void roundTripsTensorsLargerThanTheWriteBuffer() throws IOException {
        float[] v = new float[700_001]; // 2.8 MB, several 1 MiB buffers, odd length
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.25f - 7;
        }
        Path p = dir.resolve("big.safetensors");
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("small", Tensor.of(new float[] {3}, 1));
        in.put("big", Tensor.of(v.clone(), 700_001));
        st.write(p, in, Map.of());
        assertThat(st.read(p)).isEqualTo(in);
        assertThat(Files.size(p)).isEqualTo(8 + st.header(p).dataStart() - 8 + 4 + 4L * v.length);
    }

    @Test
    void writesF16AndBf16WithRoundToNearestEven() throws IOException {
        Path p = dir.resolve("half.safetensors");
        // 1 + 2^-11 is exactly half way between F16 1.0 and 1 + 2^-10: ties go to the even 1.0;
        // 1 + 3 * 2^-11 ties between 1 + 2^-10 (odd) and 1 + 2^-9: goes up.
        float[] v = {1f, 1f + 0x1p-11f, 1f + 3 * 0x1p-11f, -2f, 100000f};
        new SafetensorsFile(Dtype.F16).write(p, Map.of("h", Tensor.of(v.clone(), 5)), Map.of());
        assertThat(st.header(p).entries().get(0).dtype()).isEqualTo(Dtype.F16);
        assertThat(st.read(p).get("h").toArray()).containsExactly(1f, 1f, 1f + 0x1p-9f, -2f, Float.POSITIVE_INFINITY);

        // BF16 keeps 7 mantissa bits: 1 + 2^-8 ties to 1, 1 + 3 * 2^-8 goes up to 1 + 2^-6
        float[] w = {1f, 1f + 0x1p-8f, 1f + 3 * 0x1p-8f, 0.333333f};
        new SafetensorsFile(Dtype.BF16).write(p, Map.of("b", Tensor.of(w.clone(), 4)), Map.of());
        assertThat(st.read(p).get("b").toArray()).containsExactly(1f, 1f, 1f + 0x1p-6f, 0.333984375f);
    }

    @Test
    void skipsNumBatchesTrackedCountersButRejectsOtherIntegerTensors() throws IOException {
        byte[] data = concat(floatsLe(1), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(5).array());
        Path ok = handMade("{\"bn.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[4,12]}}", data);
        assertThat(st.read(ok)).containsOnlyKeys("bn.weight");

        Path bad = handMade("{\"bn.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"labels\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[4,12]}}", data);
        assertThatThrownBy(() -> st.read(bad)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("'labels'").hasMessageContaining("I64");
    }

    @Test
    void rejectsAFileShorterThanTheLengthField() throws IOException {
        Path p = dir.resolve("tiny");
        Files.write(p, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> st.read(p)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("shorter than the 8-byte header length");
    }

    @Test
    void rejectsAHeaderLengthLongerThanTheFile() throws IOException {
        Path p = handMade("{}", new byte[0]);
        byte[] bytes = Files.readAllBytes(p);
        bytes[0] = 50;
        Files.write(p, bytes);
        assertThatThrownBy(() -> st.read(p)).hasMessageContaining("header length 50 is longer than the 2 bytes");
    }

    @Test
    void rejectsAnAbsurdHeaderLength() throws IOException {
        Path p = handMade("{}", new byte[0]);
        byte[] bytes = Files.readAllBytes(p);
        bytes[7] = (byte) 0x80;
        Files.write(p, bytes);
        assertThatThrownBy(() -> st.read(p)).hasMessageContaining("corrupt length field");
    }

    @Test
    void rejectsATruncatedDataSection() throws IOException {
        Path p = handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", floatsLe(1, 2, 3));
        assertThatThrownBy(() -> st.read(p)).hasMessageContaining("'w'")
                .hasMessageContaining("outside the data section of 12 bytes");
    }

    @Test
    void rejectsOffsetsThatDoNotMatchShapeTimesDtypeSize() throws IOException {
        Path p = handMade("{\"w\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[16]);
        assertThatThrownBy(() -> st.read(p)).hasMessageContaining("'w'").hasMessageContaining("of F16 needs 8");
    }

    @Test
    void rejectsOverlappingTensors() throws IOException {
        Path p = handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
        assertThatThrownBy(() -> st.read(p)).hasMessageContaining("'a' [0, 8) and 'b' [4, 12) overlap");
    }

    @Test
    void rejectsAnUnknownDtypeByName() throws IOException {
        Path p = handMade("{\"w\":{\"dtype\":\"Q4_K\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1]);
        assertThatThrownBy(() -> st.read(p)).hasMessageContaining("unknown dtype 'Q4_K'").hasMessageContaining("'w'");
    }

    @Test
    void rejectsBadJsonWithItsPosition() throws IOException {
        Path p = handMade("{\"w\":{\"dtype\":\"F32\",", new byte[0]);
        assertThatThrownBy(() -> st.read(p)).hasMessageContaining("header is not valid JSON");
        Path q = handMade("[1,2]", new byte[0]);
        assertThatThrownBy(() -> st.read(q)).hasMessageContaining("not a JSON object");
        Path r = handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", new byte[0]);
        assertThatThrownBy(() -> st.read(r)).hasMessageContaining("bad dimension -1");
        Path s = handMade("{\"__metadata__\":{\"n\":1}}", new byte[0]);
        assertThatThrownBy(() -> st.read(s)).hasMessageContaining("'n' is not a string");
    }

    @Test
    void leavesNoTemporaryFileAndKeepsTheOldFileWhenAWriteFails() throws IOException {
        Path p = dir.resolve("keep.safetensors");
        st.write(p, Map.of("a", Tensor.of(new float[] {1}, 1)), Map.of());
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("a", Tensor.of(new float[] {2}, 1));
        bad.put("__metadata__", Tensor.of(new float[] {2}, 1));
        assertThatThrownBy(() -> st.write(p, bad, Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(st.read(p).get("a").get(0)).isEqualTo(1f);
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("keep.safetensors");
        }
    }
}
