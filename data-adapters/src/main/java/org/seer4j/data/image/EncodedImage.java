package org.seer4j.data.image;

import org.seer4j.core.image.RgbImage;
import org.seer4j.core.image.SourceImage;

/**
 * An image whose size is known and whose pixels may not be decoded yet: a JPEG that libjpeg-turbo can decode at
 * 1/2, 1/4 or 1/8 of its size in the DCT domain, or an image that was decoded when it was read. {@link #width()}
 * and {@link #height()} are those of the upright (EXIF-rotated) full-size image; crop boxes drawn in them are
 * mapped onto whatever size {@link #decode(int)} returns.
 */
public final class EncodedImage {
    private final String id;
    private final int label;
    private final int width;
    private final int height;
    private final byte[] jpeg;
    private final int orientation;
    private final ImageDecoder decoder;
    private final RgbImage decoded;

    private EncodedImage(String id, int label, int width, int height, byte[] jpeg, int orientation,
                         ImageDecoder decoder, RgbImage decoded) {
        this.id = id;
        this.label = label;
        this.width = width;
        this.height = height;
        this.jpeg = jpeg;
        this.orientation = orientation;
        this.decoder = decoder;
        this.decoded = decoded;
    }

    /** A JPEG to decode later; {@code header} is its frame header, {@code orientation} its EXIF orientation. */
    static EncodedImage jpeg(String id, int label, byte[] bytes, JpegHeader header, int orientation,
                             ImageDecoder decoder) {
        boolean swap = orientation >= 5;
        return new EncodedImage(id, label, swap ? header.height() : header.width(),
                swap ? header.width() : header.height(), bytes, orientation, decoder, null);
    }

    /** An image decoded already. */
    public static EncodedImage decoded(SourceImage image) {
        RgbImage rgb = image.image();
        return new EncodedImage(image.id(), image.label(), rgb.width(), rgb.height(), null, 1, null, rgb);
    }

    public String id() {
        return id;
    }

    public int label() {
        return label;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The largest reduction {@link #decode(int)} honours: 8 for a deferred JPEG, 1 otherwise. */
    public int maxReduction() {
        return jpeg != null ? 8 : 1;
    }

    /**
     * Decodes at {@code 1/reduction} of the full size (rounded up per side; 1, 2, 4 or 8), or at full size when
     * only that is possible; the caller reads the returned image's size. Failures are classified as for files.
     */
    public ImageDecoder.Result decode(int reduction) {
        if (decoded != null) {
            return new ImageDecoder.Result(decoded, null, null);
        }
        RgbImage rgb = TurboJpeg.decode(jpeg, reduction);
        if (rgb == null) {
            return decoder.decodeWithImageIo(jpeg); // classifies the failure, or decodes what turbo refused
        }
        return new ImageDecoder.Result(ExifOrientation.apply(rgb, orientation), null, null);
    }
}
