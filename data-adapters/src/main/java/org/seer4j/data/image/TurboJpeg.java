package org.seer4j.data.image;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.seer4j.core.image.RgbImage;

/**
 * JPEG decoding through libjpeg-turbo (SIMD), as bundled in OpenCV's JavaCPP presets, with DCT-domain reduction
 * by 2, 4 or 8 (libjpeg's {@code scale_denom}, what PIL's {@code draft} uses): a reduced decode skips most of
 * the inverse DCT and all the full-size colour conversion. Roughly twice as fast as the JDK's JPEG reader at
 * full size and four times at half size.
 *
 * <p>Only 8-bit gray and YCbCr JPEGs come here (see {@link JpegHeader#common()}); callers fall back to ImageIO
 * when {@link #available()} is false (natives missing for this platform) or when decoding returns null. EXIF
 * orientation is not applied here (the caller applies it the same way for every decoder).
 */
public final class TurboJpeg {
    private static final Logger LOG = LoggerFactory.getLogger(TurboJpeg.class);
    private static final boolean AVAILABLE = load();

    private TurboJpeg() {
    }

    private static boolean load() {
        if (Boolean.getBoolean("seer4j.imageio.only")) {
            return false;
        }
        try {
            opencv_core.setNumThreads(0); // decode on the calling thread only: workers are the parallelism
            return true;
        } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError: no natives for this platform
            LOG.warn("libjpeg-turbo (OpenCV) unavailable, JPEGs are decoded by ImageIO: " + e);
            return false;
        }
    }

    public static boolean available() {
        return AVAILABLE;
    }

    /**
     * The JPEG in {@code bytes} decoded to RGB at {@code 1/reduction} of its size (rounded up, as libjpeg does),
     * or null when libjpeg-turbo refuses it. {@code reduction} is 1, 2, 4 or 8.
     */
    public static RgbImage decode(byte[] bytes, int reduction) {
        int flag = opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION | switch (reduction) {
            case 1 -> opencv_imgcodecs.IMREAD_COLOR;
            case 2 -> opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
            case 4 -> opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
            case 8 -> opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
            default -> throw new IllegalArgumentException("reduction must be 1, 2, 4 or 8, got " + reduction);
        };
        try (BytePointer data = new BytePointer(bytes);
             Mat encoded = new Mat(1, bytes.length, opencv_core.CV_8UC1, data);
             Mat bgr = opencv_imgcodecs.imdecode(encoded, flag)) {
            if (bgr == null || bgr.empty() || bgr.channels() != 3 || bgr.depth() != opencv_core.CV_8U) {
                return null;
            }
            int w = bgr.cols();
            int h = bgr.rows();
            byte[] px = new byte[w * h * 3];
            if (bgr.isContinuous()) {
                bgr.data().get(px);
            } else {
                for (int y = 0; y < h; y++) {
                    bgr.ptr(y).get(px, y * w * 3, w * 3);
                }
            }
            for (int i = 0; i < px.length; i += 3) { // BGR to RGB
                byte t = px[i];
                px[i] = px[i + 2];
                px[i + 2] = t;
            }
            return new RgbImage(w, h, px);
        }
    }
}
