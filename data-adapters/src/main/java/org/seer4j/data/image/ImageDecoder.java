package org.seer4j.data.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.seer4j.core.image.RgbImage;

/**
 * Decodes JPEG, PNG, GIF, WebP (TwelveMonkeys), BMP and TIFF files to 8-bit RGB, and classifies every failure as a {@link SkipReason}.
 * Common JPEGs (8-bit gray or YCbCr, complete) go to libjpeg-turbo ({@link TurboJpeg}); everything else, and
 * every JPEG when libjpeg-turbo's natives are missing, to ImageIO (with TwelveMonkeys' JPEG reader for CMYK,
 * YCCK and other JPEGs the JDK rejects).
 *
 * <p>Conversions follow PIL's {@code convert("RGB")}: alpha is dropped (not composited), gray is replicated
 * without gamma change (Java's {@code getRGB} would brighten linear gray), 16-bit samples keep their high byte,
 * palettes are looked up. EXIF orientation of JPEGs is applied. Images over {@code maxPixels} are decoded with
 * the smallest integer subsampling that fits (not skipped); files over {@code maxFileBytes} are skipped as
 * too large. Thread-safe: no state but the limits.
 */
public final class ImageDecoder {
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    public static final long DEFAULT_MAX_FILE_BYTES = 256L * 1024 * 1024;

    static {
        ImageIO.setUseCache(false); // decode in memory, never through temporary files
    }

    private final long maxPixels;
    private final long maxFileBytes;

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS, DEFAULT_MAX_FILE_BYTES);
    }

    public ImageDecoder(long maxPixels, long maxFileBytes) {
        if (maxPixels < 1 || maxFileBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxPixels + " pixels, " + maxFileBytes
                    + " bytes");
        }
        this.maxPixels = maxPixels;
        this.maxFileBytes = maxFileBytes;
    }

    /** The decoded image or why not. */
    public Result decode(Path file) {
        Object bytes = read(file);
        return bytes instanceof Result skip ? skip : decode((byte[]) bytes);
    }

    /**
     * The file ready for the pipeline: a common JPEG with its header read and its decoding deferred (so it can
     * be decoded at the size its crops need), anything else decoded now; or why it is skipped.
     */
    public Loaded<EncodedImage> prepare(Path file, String id, int label) {
        Object bytes = read(file);
        if (bytes instanceof Result skip) {
            return Loaded.skipped(skip.reason(), skip.detail());
        }
        return prepare((byte[]) bytes, id, label);
    }

    /** Like {@link #prepare(Path, String, int)} for bytes already read (a tar member). */
    public Loaded<EncodedImage> prepare(byte[] bytes, String id, int label) {
        JpegHeader header = turboCandidate(bytes);
        if (header != null) {
            return Loaded.of(EncodedImage.jpeg(id, label, bytes, header, ExifOrientation.of(bytes), this));
        }
        Result r = decode(bytes);
        if (!r.ok()) {
            return Loaded.skipped(r.reason(), r.detail());
        }
        return Loaded.of(EncodedImage.decoded(new org.seer4j.core.image.SourceImage(id, r.image(), label)));
    }

    /**
     * The header of a JPEG that libjpeg-turbo can decode directly, else null: 8-bit gray or YCbCr, within the
     * pixel limit, and complete (a JPEG without its end marker goes to ImageIO, which reports the truncation
     * that libjpeg-turbo would paper over with gray).
     */
    private JpegHeader turboCandidate(byte[] bytes) {
        if (!TurboJpeg.available()) {
            return null;
        }
        JpegHeader h = JpegHeader.read(bytes);
        if (h == null || !h.common() || (long) h.width() * h.height() > maxPixels
                || !hasEndMarker(bytes, "jpeg")) {
            return null;
        }
        return h;
    }

    /** The file's bytes, or a skip {@link Result} saying why they cannot be had. */
    private Object read(Path file) {
        try {
            long size = Files.size(file);
            if (size == 0) {
                return Result.skip(SkipReason.EMPTY, "empty file");
            }
            if (size > maxFileBytes) {
                return Result.skip(SkipReason.TOO_LARGE, size + " bytes > limit " + maxFileBytes);
            }
            return Files.readAllBytes(file);
        } catch (AccessDeniedException e) {
            return Result.skip(SkipReason.UNREADABLE, "permission denied");
        } catch (NoSuchFileException e) {
            return Result.skip(SkipReason.UNREADABLE, "missing (dangling link or deleted)");
        } catch (FileSystemException e) {
            if (isLinkLoop(e)) {
                return Result.skip(SkipReason.SYMLINK_LOOP, "symbolic link loop");
            }
            return Result.skip(SkipReason.UNREADABLE, String.valueOf(e.getReason()));
        } catch (IOException e) {
            return Result.skip(SkipReason.UNREADABLE, e.toString());
        } catch (OutOfMemoryError e) {
            return Result.skip(SkipReason.TOO_LARGE, "file does not fit in memory");
        }
    }

    static boolean isLinkLoop(FileSystemException e) {
        String r = String.valueOf(e.getReason()).toLowerCase(Locale.ROOT);
        return r.contains("too many levels of symbolic links") || r.contains("loop");
    }

    /** Decodes a whole file's bytes: common JPEGs through libjpeg-turbo, the rest through ImageIO. */
    public Result decode(byte[] bytes) {
        if (bytes.length > 0 && turboCandidate(bytes) != null) {
            RgbImage rgb = TurboJpeg.decode(bytes, 1);
            if (rgb != null) {
                return new Result(ExifOrientation.apply(rgb, ExifOrientation.of(bytes)), null, null);
            }
        }
        return decodeWithImageIo(bytes);
    }

    /** Decodes through ImageIO only (JDK readers, TwelveMonkeys), classifying any failure. */
    Result decodeWithImageIo(byte[] bytes) {
        if (bytes.length == 0) {
            return Result.skip(SkipReason.EMPTY, "empty file");
        }
        String format = sniff(bytes);
        if (format == null) {
            String known = unsupported(bytes);
            if (known != null) {
                return Result.skip(SkipReason.UNSUPPORTED, known + " is not decoded");
            }
            return Result.skip(SkipReason.NOT_AN_IMAGE, "no JPEG, PNG, GIF, WebP, BMP or TIFF signature");
        }
        long claimed = headerPixels(bytes, format);
        if (claimed > ABSURD_PIXELS) {
            return Result.skip(SkipReason.TOO_LARGE, "header claims " + claimed + " pixels");
        }
        if ("webp".equals(format) && !hasEndMarker(bytes, format)) {
            // WebP decoders paint what they got; the RIFF size tells that the file was cut short
            return Result.skip(SkipReason.TRUNCATED, "shorter than its RIFF header says");
        }
        List<String> warnings = new ArrayList<>();
        BufferedImage img;
        try {
            img = read(bytes, format, warnings);
            if (img == null) {
                return Result.skip(SkipReason.NOT_AN_IMAGE, "no decoder accepts this " + format);
            }
        } catch (OutOfMemoryError e) {
            return Result.skip(SkipReason.TOO_LARGE, "decoded image does not fit in memory");
        } catch (AbsurdSize e) {
            return Result.skip(SkipReason.TOO_LARGE, "header claims " + e.getMessage());
        } catch (Exception e) {
            boolean truncated = truncation(e) || !hasEndMarker(bytes, format);
            return Result.skip(truncated ? SkipReason.TRUNCATED : SkipReason.CORRUPT, String.valueOf(e));
        }
        for (String w : warnings) {
            String lw = w.toLowerCase(Locale.ROOT);
            if (lw.contains("premature end") || lw.contains("truncat")) {
                return Result.skip(SkipReason.TRUNCATED, w);
            }
        }
        RgbImage rgb = toRgb(img);
        if ("jpeg".equals(format)) {
            rgb = ExifOrientation.apply(rgb, ExifOrientation.of(bytes));
        }
        return new Result(rgb, null, null);
    }

    /**
     * Decodes with the first reader that takes the bytes. For JPEG the JDK's own reader goes first when the
     * image is 1- or 3-channel (it is markedly faster than TwelveMonkeys' wrapper); CMYK/YCCK and anything the
     * JDK reader rejects go to the other readers (TwelveMonkeys). Null when no reader recognises the bytes.
     */
    private BufferedImage read(byte[] bytes, String format, List<String> warnings) throws IOException {
        List<ImageReader> readers = new ArrayList<>();
        try (ImageInputStream probe = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageIO.getImageReaders(probe).forEachRemaining(readers::add);
        }
        if (readers.isEmpty()) {
            return null;
        }
        if ("jpeg".equals(format)) {
            readers.sort((a, b) -> Boolean.compare(!isJdk(a), !isJdk(b)));
        }
        IOException firstFailure = null;
        RuntimeException firstRuntime = null;
        for (int i = 0; i < readers.size(); i++) {
            ImageReader reader = readers.get(i);
            boolean fallbackLeft = i + 1 < readers.size();
            List<String> readerWarnings = new ArrayList<>();
            try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((source, warning) -> readerWarnings.add(warning));
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w < 1 || h < 1) {
                    throw new javax.imageio.IIOException("image of " + w + "x" + h + " pixels");
                }
                if ((long) w * h > ABSURD_PIXELS) {
                    throw new AbsurdSize(w + "x" + h + " pixels");
                }
                if (fallbackLeft && isJdk(reader) && reader.getRawImageType(0) == null) {
                    continue; // CMYK, YCCK: the JDK cannot convert them, TwelveMonkeys can
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(w, h, maxPixels);
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                BufferedImage img = reader.read(0, param);
                if (img == null) {
                    throw new javax.imageio.IIOException("decoder returned no image");
                }
                warnings.addAll(readerWarnings);
                return img;
            } catch (IOException e) {
                if (firstFailure == null) {
                    firstFailure = e;
                }
                if (e instanceof AbsurdSize) {
                    throw e;
                }
                if (!(isJdk(reader) && fallbackLeft && !truncation(e))) {
                    break; // only the JDK reader's rejections are worth a second opinion
                }
            } catch (RuntimeException e) {
                if (firstRuntime == null) {
                    firstRuntime = e;
                }
                if (!(isJdk(reader) && fallbackLeft)) {
                    break;
                }
            } finally {
                reader.dispose();
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        if (firstRuntime != null) {
            throw firstRuntime;
        }
        throw new javax.imageio.IIOException("no reader could decode this " + format);
    }

    /** Past this a header is lying or the image is no photograph: not even a subsampled decode is tried. */
    static final long ABSURD_PIXELS = 1L << 30;

    /** A header whose size is beyond {@link #ABSURD_PIXELS}. */
    private static final class AbsurdSize extends IOException {
        AbsurdSize(String message) {
            super(message);
        }
    }

    private static boolean isJdk(ImageReader r) {
        return r.getClass().getName().startsWith("com.sun.imageio.");
    }

    /** The smallest integer step s such that ceil(w/s) * ceil(h/s) <= maxPixels. */
    static int subsampling(long w, long h, long maxPixels) {
        int s = 1;
        while (((w + s - 1) / s) * ((h + s - 1) / s) > maxPixels) {
            s++;
        }
        return s;
    }

    private static boolean truncation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return true;
            }
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("end of file") || m.contains("premature end") || m.contains("unexpected end")
                    || m.contains("truncat") || m.contains("eof")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the file still ends with its format's end marker (JPEG EOI, PNG IEND, GIF trailer), allowing
     * trailing padding; a file that fails to decode without it was cut short. BMP has no end marker.
     */
    static boolean hasEndMarker(byte[] b, String format) {
        int end = b.length;
        while (end > 0 && (b[end - 1] == 0 || b[end - 1] == (byte) 0xff && !"jpeg".equals(format))) {
            end--;
        }
        switch (format) {
            case "jpeg" -> {
                // phones append data after EOI, so look for EOI anywhere in the last 64 KiB
                for (int i = end - 2; i >= Math.max(2, end - 65536); i--) {
                    if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xd9) {
                        return true;
                    }
                }
                return false;
            }
            case "png" -> {
                return end >= 12 && b[end - 8] == 'I' && b[end - 7] == 'E' && b[end - 6] == 'N' && b[end - 5] == 'D';
            }
            case "gif" -> {
                return end >= 1 && b[end - 1] == 0x3b;
            }
            case "webp" -> { // the RIFF header says how long the file is
                long riff = (b[4] & 0xffL) | (b[5] & 0xffL) << 8 | (b[6] & 0xffL) << 16 | (b[7] & 0xffL) << 24;
                return b.length >= riff + 8;
            }
            default -> {
                return true;
            }
        }
    }

    static String sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return "jpeg";
        }
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "png";
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
            return "gif";
        }
        if (b.length >= 14 && b[0] == 'B' && b[1] == 'M') {
            return "bmp";
        }
        if (b.length >= 16 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W'
                && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "webp";
        }
        if (b.length >= 8 && (b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0
                || b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42)) {
            return "tiff";
        }
        return null;
    }

    /** Width times height as the header states them (before any decoder trusts them), or 0 when unknown. */
    static long headerPixels(byte[] b, String format) {
        switch (format) {
            case "png" -> {
                return b.length >= 24 ? (long) java.nio.ByteBuffer.wrap(b, 16, 8).getInt()
                        * java.nio.ByteBuffer.wrap(b, 20, 4).getInt() : 0;
            }
            case "gif" -> {
                return b.length >= 10 ? (long) ((b[6] & 0xff) | (b[7] & 0xff) << 8) * ((b[8] & 0xff) | (b[9] & 0xff) << 8)
                        : 0;
            }
            case "bmp" -> {
                if (b.length < 26) {
                    return 0;
                }
                java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                return Math.abs((long) bb.getInt(18)) * Math.abs((long) bb.getInt(22));
            }
            case "jpeg" -> {
                JpegHeader h = JpegHeader.read(b);
                return h == null ? 0 : (long) h.width() * h.height();
            }
            default -> {
                return 0;
            }
        }
    }

    /** The name of a recognised image format that is not decoded here, or null. */
    static String unsupported(byte[] b) {
        if (b.length >= 12 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
            String brand = new String(b, 8, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            return switch (brand) {
                case "avif", "avis" -> "AVIF";
                case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1" -> "HEIC/HEIF";
                default -> null;
            };
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0x0a
                || b.length >= 12 && b[4] == 'J' && b[5] == 'X' && b[6] == 'L' && b[7] == ' ') {
            return "JPEG XL";
        }
        String head = new String(b, 0, Math.min(b.length, 1024), java.nio.charset.StandardCharsets.ISO_8859_1)
                .stripLeading().toLowerCase(Locale.ROOT);
        if (head.startsWith("<svg") || head.startsWith("<?xml") && head.contains("<svg")) {
            return "SVG";
        }
        return null;
    }

    /** Any BufferedImage as interleaved 8-bit RGB (see the class comment for the rules). */
    static RgbImage toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 3];
        Raster r = img.getRaster();
        ColorModel cm = img.getColorModel();
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR && r.getSampleModel() instanceof ComponentSampleModel sm
                && sm.getPixelStride() == 3 && sm.getScanlineStride() == w * 3 && r.getMinX() == 0
                && r.getMinY() == 0 && r.getDataBuffer() instanceof DataBufferByte db && db.getNumBanks() == 1
                && db.getOffset() == 0 && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0) {
            int[] off = sm.getBandOffsets(); // B, G, R positions of R, G, B bands
            byte[] src = db.getData();
            int ro = off[0];
            int go = off[1];
            int bo = off[2];
            for (int i = 0, n = w * h * 3; i < n; i += 3) {
                out[i] = src[i + ro];
                out[i + 1] = src[i + go];
                out[i + 2] = src[i + bo];
            }
            return new RgbImage(w, h, out);
        }
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1
                && !(cm instanceof java.awt.image.IndexColorModel)) {
            int bits = cm.getComponentSize(0);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = bits == 8 ? row[x] : (bits > 8 ? row[x] >>> (bits - 8) : row[x] * 255 / ((1 << bits) - 1));
                    byte g = (byte) v;
                    int o = (y * w + x) * 3;
                    out[o] = g;
                    out[o + 1] = g;
                    out[o + 2] = g;
                }
            }
            return new RgbImage(w, h, out);
        }
        int[] argb = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, argb, 0, w);
            for (int x = 0; x < w; x++) {
                int p = argb[x];
                int o = (y * w + x) * 3;
                out[o] = (byte) (p >>> 16);
                out[o + 1] = (byte) (p >>> 8);
                out[o + 2] = (byte) p;
            }
        }
        return new RgbImage(w, h, out);
    }

    /** A decoded image, or the reason for skipping with a detail for the log. */
    public record Result(RgbImage image, SkipReason reason, String detail) {
        static Result skip(SkipReason reason, String detail) {
            return new Result(null, reason, detail);
        }

        public boolean ok() {
            return image != null;
        }
    }
}
