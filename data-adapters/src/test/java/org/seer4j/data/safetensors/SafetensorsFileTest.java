package org.seer4j.data.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;

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

    /** Values 0.5 * i + offset, so every element of every tensor differs: a misplaced chunk cannot go unseen. */
    private static float[] ramp(int n, float offset) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.5f * i + offset;
        }
        return v;
    }

    @Test
    void writesSeveralTensorsInChunksOfSevenByteForByteAsTheFormatPrescribes() throws IOException {
        // 17 and 23 values straddle chunk seams of 7; an empty tensor and a 1-value one sit between them
        float[] a = ramp(17, 1), c = ramp(23, -100);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("a", Tensor.of(a.clone(), 17));
        in.put("empty", Tensor.of(new float[0], 0, 4));
        in.put("b", Tensor.of(new float[] {42}, 1));
        in.put("c", Tensor.of(c.clone(), 23, 1));
        Path p = dir.resolve("chunked.safetensors");
        new SafetensorsFile(Dtype.F32, 7).write(p, in, Map.of("k", "v"));

        String json = "{\"__metadata__\":{\"k\":\"v\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[17],\"data_offsets\":[0,68]},"
                + "\"empty\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[68,68]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[68,72]},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[23,1],\"data_offsets\":[72,164]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8; // padded with spaces to a multiple of 8, as the reference writer
        byte[] paddedHeader = java.util.Arrays.copyOf(header, padded);
        java.util.Arrays.fill(paddedHeader, header.length, padded, (byte) ' ');
        byte[] expected = concat(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array(),
                paddedHeader, floatsLe(a), floatsLe(42), floatsLe(c));
        assertThat(Files.readAllBytes(p)).isEqualTo(expected);
    }

    @Test
    void readsMixedDtypesInChunksOfSevenAtAnyOffset() throws IOException {
        // F32 [9] then BF16 [10] then F64 [8] then the skipped counter; every read below crosses chunk seams
        float[] f32 = ramp(9, 3);
        int[] bf16 = new int[10];
        float[] bf16Values = new float[10];
        for (int i = 0; i < 10; i++) {
            bf16[i] = 0x3F80 + (i << 3); // 1 + i/16: exact in bfloat16 (7 mantissa bits)
            bf16Values[i] = 1 + i / 16f;
        }
        ByteBuffer f64 = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 8; i++) {
            f64.putDouble(-0.25 * i - 1);
        }
        Path p = handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[3,3],\"data_offsets\":[0,36]},"
                        + "\"h\":{\"dtype\":\"BF16\",\"shape\":[10],\"data_offsets\":[36,56]},"
                        + "\"d\":{\"dtype\":\"F64\",\"shape\":[2,4],\"data_offsets\":[56,120]},"
                        + "\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[120,128]}}",
                concat(floatsLe(f32), shortsLe(bf16), f64.array(), new byte[8]));
        TensorReader r = new SafetensorsFile(Dtype.F32, 7).open(p);

        assertThat(r.tensors()).containsExactly(TensorInfo.of("w", 3, 3), TensorInfo.of("h", 10),
                TensorInfo.of("d", 2, 4));
        FloatBuffer some = FloatBuffer.allocate(8); // values 1..8 of w: one full chunk of 7 and one of 1
        r.read("w", 1, some);
        assertThat(some.array()).containsExactly(java.util.Arrays.copyOfRange(f32, 1, 9));
        FloatBuffer h = FloatBuffer.allocate(9);
        r.read("h", 1, h);
        assertThat(h.array()).containsExactly(java.util.Arrays.copyOfRange(bf16Values, 1, 10));
        assertThat(r.readTensor("d").toArray()).containsExactly(-1f, -1.25f, -1.5f, -1.75f, -2f, -2.25f, -2.5f, -2.75f);
        assertThatThrownBy(() -> r.read("w", 5, FloatBuffer.allocate(5))).hasMessageContaining("w[3, 3]");
    }

    @Test
    void roundTripsAReaderLargerThanAnyChunkWithoutHoldingItWhole() throws IOException {
        // a reader computing its values on demand, like an engine's weights: 1000 values through chunks of 7
        TensorReader big = new TensorReader() {
            @Override
            public List<TensorInfo> tensors() {
                return List.of(TensorInfo.of("x", 10, 100), TensorInfo.of("y", 3));
            }

            @Override
            public void read(String name, long offset, FloatBuffer into) {
                for (long i = offset; into.hasRemaining(); i++) {
                    into.put(name.equals("x") ? i * 0.25f : -i);
                }
            }
        };
        Path p = dir.resolve("big.safetensors");
        SafetensorsFile chunked = new SafetensorsFile(Dtype.F32, 7);
        chunked.write(p, big, Map.of());

        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        long dataStart = 8 + data.getLong(0);
        for (int i = 0; i < 1000; i++) {
            assertThat(data.getFloat((int) (dataStart + 4L * i))).isEqualTo(i * 0.25f);
        }
        assertThat(chunked.open(p).readTensor("y").toArray()).containsExactly(0f, -1f, -2f);
    }

    @Test
    void writesBf16InChunksAsTheHalfFloatConversionDoes() throws IOException {
        float[] v = ramp(15, 0.1f);
        Path p = dir.resolve("bf16.safetensors");
        new SafetensorsFile(Dtype.BF16, 7).write(p, Map.of("v", Tensor.of(v.clone(), 15)), Map.of());
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        long dataStart = 8 + data.getLong(0);
        for (int i = 0; i < 15; i++) {
            assertThat(data.getShort((int) (dataStart + 2L * i))).isEqualTo(HalfFloats.floatToBf16(v[i]));
        }
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
