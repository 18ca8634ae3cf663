package org.seer4j.data.webdataset;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.seer4j.data.image.FolderIndex;
import org.seer4j.data.io.AtomicFiles;

/**
 * Writes a folder of images (walked as {@code data.source: folder} walks it, in the same order) into WebDataset
 * shards {@code shard-000000.tar, ...} of {@code samplesPerShard} samples: {@code 000000123.jpg} (the file's
 * bytes as they are, extension lower-cased) and, for a labelled folder, {@code 000000123.cls} (the class id)
 * plus {@code classes.txt} (class names by id, one per line). Each shard is written to a hidden temporary file
 * and renamed into place, so an interrupted run leaves only whole shards. Files that cannot be read are counted
 * and left out; undecodable images are copied (readers skip and count them).
 */
public final class ShardWriter {

    /** What a run wrote. */
    public record Summary(int shards, long samples, Map<String, Long> skipped) {
    }

    private ShardWriter() {
    }

    public static Summary write(Path folder, Path out, int samplesPerShard, boolean labelled) throws IOException {
        if (samplesPerShard < 1) {
            throw new IllegalArgumentException("samples per shard must be >= 1, got " + samplesPerShard);
        }
        Files.createDirectories(out);
        Map<String, Long> skipped = new TreeMap<>();
        try (FolderIndex index = FolderIndex.walk(folder, labelled, out)) {
            index.walkSkips().forEach((k, v) -> skipped.merge(k, v, Long::sum));
            long n = index.size();
            int shards = 0;
            long written = 0;
            for (long first = 0; first < n; first += samplesPerShard) {
                long from = first;
                long to = Math.min(n, first + samplesPerShard);
                long[] count = {0};
                Path target = out.resolve(String.format(Locale.ROOT, "shard-%06d.tar", shards));
                AtomicFiles.write(target, ch -> {
                    OutputStream os = Channels.newOutputStream(ch);
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(os);
                    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                    for (long i = from; i < to; i++) {
                        Path file = index.path(i);
                        byte[] bytes;
                        try {
                            bytes = Files.readAllBytes(file);
                        } catch (IOException e) {
                            skipped.merge("unreadable", 1L, Long::sum);
                            continue;
                        }
                        String key = String.format(Locale.ROOT, "%09d", i);
                        put(tar, key + "." + extension(file), bytes);
                        if (labelled) {
                            put(tar, key + ".cls", Integer.toString(index.label(i))
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        }
                        count[0]++;
                    }
                    tar.finish(); // the end-of-archive blocks; the channel is forced and closed by AtomicFiles
                    os.flush();
                });
                shards++;
                written += count[0];
            }
            if (labelled) {
                AtomicFiles.writeString(out.resolve("classes.txt"), String.join("\n", index.classes()) + "\n");
            }
            return new Summary(shards, written, skipped);
        }
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(bytes.length);
        e.setModTime(0); // reproducible shards
        tar.putArchiveEntry(e);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "jpe", "jfif" -> "jpg";
            default -> ext;
        };
    }
}
