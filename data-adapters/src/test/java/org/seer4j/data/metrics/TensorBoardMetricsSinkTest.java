package org.seer4j.data.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.port.MetricsRecord;

/**
 * The TensorBoard event file read back without the sink's code: the TFRecord framing with CRCs computed here
 * (CRC32C and TensorFlow's mask formula), and the protobuf fields decoded by number from the wire.
 */
class TensorBoardMetricsSinkTest {

    /** TensorFlow's masked CRC32C (tensorflow/core/lib/hash/crc32c.h: rotate right 15, add 0xa282ead8). */
    static long masked(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        long crc = c.getValue();
        return ((crc >>> 15) | (crc << 17) & 0xffffffffL) + 0xa282ead8L & 0xffffffffL;
    }

    record Event(double wallTime, long step, String fileVersion, Map<String, Float> scalars) {
    }

    /** Splits a TFRecord file into its records, checking both CRCs of each. */
    static List<byte[]> records(byte[] file) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            int start = b.position();
            long length = b.getLong();
            long lengthCrc = b.getInt() & 0xffffffffL;
            assertThat(lengthCrc).as("length CRC of the record at byte %d", start).isEqualTo(masked(file, start, 8));
            byte[] data = new byte[(int) length];
            b.get(data);
            long dataCrc = b.getInt() & 0xffffffffL;
            assertThat(dataCrc).as("data CRC of the record at byte %d", start).isEqualTo(masked(data, 0, data.length));
            out.add(data);
        }
        return out;
    }

    /** Event{1: double wall_time, 2: int64 step, 3: string file_version, 5: Summary{1: Value{1: tag, 2: float}}}. */
    static Event decode(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        double wall = 0;
        long step = 0;
        String version = null;
        Map<String, Float> scalars = new LinkedHashMap<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (tag) {
                case 1 << 3 | WireFormat.WIRETYPE_FIXED64 -> wall = in.readDouble();
                case 2 << 3 | WireFormat.WIRETYPE_VARINT -> step = in.readInt64();
                case 3 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED -> version = in.readString();
                case 5 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
                    CodedInputStream summary = CodedInputStream.newInstance(in.readByteArray());
                    for (int t; (t = summary.readTag()) != 0; ) {
                        assertThat(t).isEqualTo(1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED);
                        CodedInputStream value = CodedInputStream.newInstance(summary.readByteArray());
                        String name = null;
                        Float v = null;
                        for (int u; (u = value.readTag()) != 0; ) {
                            if (u == (1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED)) name = value.readString();
                            else if (u == (2 << 3 | WireFormat.WIRETYPE_FIXED32)) v = value.readFloat();
                            else throw new AssertionError("unexpected field in Summary.Value: tag " + u);
                        }
                        assertThat(v).as("simple_value of " + name).isNotNull();
                        scalars.put(name, v);
                    }
                }
                default -> throw new AssertionError("unexpected field in Event: tag " + tag);
            }
        }
        return new Event(wall, step, version, scalars);
    }

    @Test
    void theMaskedCrcMatchesTheKnownCrc32cCheckValue() {
        // CRC32C("123456789") = 0xe3069283 (RFC 3720); masked: rotr15 -> 0x2507c60d, + 0xa282ead8 = 0xc78ab0e5
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(masked(check, 0, 9)).isEqualTo(0xc78ab0e5L);
        assertThat(TfRecords.maskedCrc(check, 0, 9) & 0xffffffffL).isEqualTo(0xc78ab0e5L);
    }

    @Test
    void eventsAreFramedWithValidCrcsAndHoldTheVersionThenOneSummaryPerRecord(@TempDir Path dir) throws Exception {
        double[] clock = {1_764_560_000.25};
        Path file;
        try (TensorBoardMetricsSink sink = new TensorBoardMetricsSink(dir, () -> clock[0], "box")) {
            file = sink.file();
            clock[0] += 1.5;
            sink.record(new MetricsRecord(5, 0, 4.25, 0.0, 31.5, Map.of(), 12.5));
            clock[0] += 2;
            sink.record(new MetricsRecord(10, 1, Double.NaN, 0.0125, 30.0, Map.of("not_an_image", 2L, "empty", 1L)));
        }
        assertThat(file.getFileName().toString()).isEqualTo("events.out.tfevents.1764560000.box");
        List<byte[]> records = records(Files.readAllBytes(file));
        assertThat(records).hasSize(3);
        Event version = decode(records.get(0));
        assertThat(version.fileVersion()).isEqualTo("brain.Event:2");
        assertThat(version.wallTime()).isEqualTo(1_764_560_000.25);
        Event first = decode(records.get(1));
        assertThat(first.step()).isEqualTo(5);
        assertThat(first.wallTime()).isEqualTo(1_764_560_001.75);
        // a zero learning rate is written, not left out as a default
        assertThat(first.scalars()).containsExactly(Map.entry("loss", 4.25f), Map.entry("lr", 0.0f),
                Map.entry("images_per_second", 31.5f), Map.entry("data_wait_ms", 12.5f));
        Event second = decode(records.get(2));
        assertThat(second.step()).isEqualTo(10);
        assertThat(second.scalars().keySet()).containsExactly("loss", "lr", "images_per_second", "data_wait_ms", "skipped/empty",
                "skipped/not_an_image");
        assertThat(second.scalars().get("loss")).isNaN();
        assertThat(second.scalars().get("lr")).isEqualTo(0.0125f);
        assertThat(second.scalars().get("skipped/not_an_image")).isEqualTo(2f);
        assertThat(second.scalars().get("skipped/empty")).isEqualTo(1f);
    }

    @Test
    void aSecondProcessInTheSameSecondStartsItsOwnFile(@TempDir Path dir) throws Exception {
        try (TensorBoardMetricsSink a = new TensorBoardMetricsSink(dir, () -> 100.0, "box");
             TensorBoardMetricsSink b = new TensorBoardMetricsSink(dir, () -> 100.0, "box")) {
            assertThat(a.file()).isNotEqualTo(b.file());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("events.out.tfevents.100.box", "events.out.tfevents.100.box.1");
        }
    }
}
