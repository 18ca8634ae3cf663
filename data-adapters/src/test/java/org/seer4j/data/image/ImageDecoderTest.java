package org.seer4j.data.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import org.junit.jupiter.api.Test;
import org.seer4j.core.image.RgbImage;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder();

    private RgbImage ok(byte[] bytes) {
        ImageDecoder.Result r = decoder.decode(bytes);
        assertThat(r.reason()).as(r.detail()).isNull();
        return r.image();
    }

    private static void assertColour(RgbImage img, int x, int y, int r, int g, int b, int tolerance) {
        assertThat(img.red(x, y)).as("red at %d,%d", x, y).isCloseTo(r, org.assertj.core.api.Assertions.within(tolerance));
        assertThat(img.green(x, y)).as("green at %d,%d", x, y).isCloseTo(g, org.assertj.core.api.Assertions.within(tolerance));
        assertThat(img.blue(x, y)).as("blue at %d,%d", x, y).isCloseTo(b, org.assertj.core.api.Assertions.within(tolerance));
    }

    @Test
    void decodesPngGifAndBmpExactlyAndJpegClosely() throws IOException {
        BufferedImage src = TestImages.halves(8, 4, 0xff2040, 0x10e0a0, BufferedImage.TYPE_INT_RGB);
        for (String f : new String[] {"png", "bmp"}) {
            RgbImage img = ok(TestImages.encode(src, f));
            assertThat(img.width()).isEqualTo(8);
            assertColour(img, 0, 0, 0xff, 0x20, 0x40, 0);
            assertColour(img, 7, 3, 0x10, 0xe0, 0xa0, 0);
        }
        // a 4-colour palette image: index 1 on the left, 2 on the right
        java.awt.image.IndexColorModel icm = new java.awt.image.IndexColorModel(2, 4,
                new byte[] {0, (byte) 0xff, 0x10, 0}, new byte[] {0, 0x20, (byte) 0xe0, 0},
                new byte[] {0, 0x40, (byte) 0xa0, 0});
        // (32x16: the JDK's GIF writer garbles tiny interlaced images)
        BufferedImage pal = new BufferedImage(32, 16, BufferedImage.TYPE_BYTE_BINARY, icm);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                pal.getRaster().setSample(x, y, 0, x < 16 ? 1 : 2);
            }
        }
        for (String f : new String[] {"gif", "png"}) {
            RgbImage img = ok(TestImages.encode(pal, f));
            assertColour(img, 0, 0, 0xff, 0x20, 0x40, 0);
            assertColour(img, 31, 15, 0x10, 0xe0, 0xa0, 0);
        }
        BufferedImage big = TestImages.halves(32, 16, 0xff2040, 0x10e0a0, BufferedImage.TYPE_3BYTE_BGR);
        RgbImage jpg = ok(TestImages.encode(big, "jpeg"));
        assertColour(jpg, 2, 8, 0xff, 0x20, 0x40, 12);
        assertColour(jpg, 29, 8, 0x10, 0xe0, 0xa0, 12);
    }

    @Test
    void grayAndSixteenBitGrayAreReplicatedWithoutGammaChange() throws IOException {
        BufferedImage g8 = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        g8.getRaster().setSample(1, 1, 0, 77);
        RgbImage a = ok(TestImages.encode(g8, "png"));
        assertColour(a, 1, 1, 77, 77, 77, 0);
        assertColour(a, 0, 0, 0, 0, 0, 0);
        BufferedImage g16 = new BufferedImage(4, 2, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSample(2, 0, 0, 0xabcd);
        RgbImage b = ok(TestImages.encode(g16, "png"));
        assertColour(b, 2, 0, 0xab, 0xab, 0xab, 0);
    }

    @Test
    void alphaIsDroppedNotComposited() throws IOException {
        BufferedImage argb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00c08040); // fully transparent, colour kept
        argb.setRGB(1, 1, 0x80204060);
        RgbImage img = ok(TestImages.encode(argb, "png"));
        assertColour(img, 0, 0, 0xc0, 0x80, 0x40, 0);
        assertColour(img, 1, 1, 0x20, 0x40, 0x60, 0);
    }

    @Test
    void sixteenBitRgbKeepsTheHighByte() throws IOException {
        // a 16-bit-per-channel RGB PNG via a TYPE_CUSTOM image
        java.awt.color.ColorSpace cs = java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB);
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(cs, new int[] {16, 16, 16},
                false, false, java.awt.Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(3, 1);
        r.setPixel(1, 0, new int[] {0x1234, 0x8080, 0xfff0});
        BufferedImage img = new BufferedImage(cm, r, false, null);
        RgbImage out = ok(TestImages.encode(img, "png"));
        assertColour(out, 1, 0, 0x12, 0x80, 0xff, 1);
    }

    @Test
    void fourChannelCmykJpegsDecodeToRgbThroughTheTwelveMonkeysReader() throws IOException {
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                r.setPixel(x, y, new int[] {0, 255, 255, 0});
            }
        }
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            w.write(null, new IIOImage(r, null, null), null);
        } finally {
            w.dispose();
        }
        byte[] cmyk = out.toByteArray();
        // TwelveMonkeys registers its reader ahead of the JDK's
        assertThat(ImageIO.getImageReadersByFormatName("jpeg").next().getClass().getName()).startsWith("com.twelvemonkeys");
        RgbImage img = ok(cmyk);
        assertThat(img.width()).isEqualTo(16);
        assertThat(img.height()).isEqualTo(16);
        // a uniform input stays uniform and is not black
        assertColour(img, 15, 15, img.red(0, 0), img.green(0, 0), img.blue(0, 0), 2);
        assertThat(img.red(0, 0) + img.green(0, 0) + img.blue(0, 0)).isGreaterThan(100);
    }

    @Test
    void exifOrientationTurnsTheImageUpright() throws IOException {
        // 16x8: left half red, right half blue. Orientation 6 (rotate 90 clockwise) shows it 8x16,
        // red on top; 8 (counter-clockwise) blue on top; 3 (180) blue on the left; 2 (mirror) blue on the left.
        byte[] jpeg = TestImages.encode(TestImages.halves(16, 8, 0xff0000, 0x0000ff, BufferedImage.TYPE_3BYTE_BGR), "jpeg");
        for (boolean le : new boolean[] {false, true}) {
            RgbImage six = ok(TestImages.withOrientation(jpeg, 6, le));
            assertThat(six.width()).isEqualTo(8);
            assertThat(six.height()).isEqualTo(16);
            assertThat(six.red(4, 2)).isGreaterThan(200);
            assertThat(six.blue(4, 13)).isGreaterThan(200);
        }
        RgbImage eight = ok(TestImages.withOrientation(jpeg, 8, false));
        assertThat(eight.blue(4, 2)).isGreaterThan(200);
        assertThat(eight.red(4, 13)).isGreaterThan(200);
        RgbImage three = ok(TestImages.withOrientation(jpeg, 3, false));
        assertThat(three.width()).isEqualTo(16);
        assertThat(three.blue(2, 4)).isGreaterThan(200);
        RgbImage two = ok(TestImages.withOrientation(jpeg, 2, true));
        assertThat(two.blue(2, 4)).isGreaterThan(200);
        RgbImage one = ok(TestImages.withOrientation(jpeg, 1, true));
        assertThat(one.red(2, 4)).isGreaterThan(200);
    }

    @Test
    void aMissingOrBrokenExifOrientationReadsAsUpright() throws IOException {
        byte[] jpeg = TestImages.encode(TestImages.halves(16, 8, 0xff0000, 0x0000ff, BufferedImage.TYPE_3BYTE_BGR), "jpeg");
        assertThat(ExifOrientation.of(jpeg)).isEqualTo(1);
        assertThat(ExifOrientation.of(TestImages.withOrientation(jpeg, 6, true))).isEqualTo(6);
        assertThat(ExifOrientation.of(TestImages.withOrientation(jpeg, 9, false))).as("out of range").isEqualTo(1);
        byte[] broken = TestImages.withOrientation(jpeg, 6, false);
        broken[10] = (byte) 'X'; // the TIFF byte-order mark ("MM") becomes "XM"
        assertThat(ExifOrientation.of(broken)).isEqualTo(1);
        assertThat(ExifOrientation.of(new byte[] {1, 2, 3})).as("not a JPEG").isEqualTo(1);
    }

    @Test
    void orientationTransformsMatchTheirDefinitionsOnA3x2Image() {
        // pixels numbered 0..5 row-major in the red channel
        byte[] px = new byte[18];
        for (int i = 0; i < 6; i++) {
            px[3 * i] = (byte) i;
        }
        RgbImage img = new RgbImage(3, 2, px);
        // 0 1 2      orientation 6 (90 cw):  3 0      orientation 5 (transpose): 0 3
        // 3 4 5                              4 1                                 1 4
        //                                    5 2                                 2 5
        assertThat(reds(ExifOrientation.apply(img, 6))).containsExactly(3, 0, 4, 1, 5, 2);
        assertThat(reds(ExifOrientation.apply(img, 8))).containsExactly(2, 5, 1, 4, 0, 3);
        assertThat(reds(ExifOrientation.apply(img, 5))).containsExactly(0, 3, 1, 4, 2, 5);
        assertThat(reds(ExifOrientation.apply(img, 7))).containsExactly(5, 2, 4, 1, 3, 0);
        assertThat(reds(ExifOrientation.apply(img, 2))).containsExactly(2, 1, 0, 5, 4, 3);
        assertThat(reds(ExifOrientation.apply(img, 3))).containsExactly(5, 4, 3, 2, 1, 0);
        assertThat(reds(ExifOrientation.apply(img, 4))).containsExactly(3, 4, 5, 0, 1, 2);
    }

    private static int[] reds(RgbImage img) {
        int[] r = new int[img.width() * img.height()];
        for (int i = 0; i < r.length; i++) {
            r[i] = img.pixels()[3 * i] & 0xff;
        }
        return r;
    }

    @Test
    void hugeImagesAreDecodedSubsampledUnderThePixelLimit() throws IOException {
        ImageDecoder small = new ImageDecoder(1000, 1 << 20);
        RgbImage img = small.decode(TestImages.encode(TestImages.halves(100, 80, 0xff0000, 0x00ff00,
                BufferedImage.TYPE_INT_RGB), "png")).image();
        // step 3: ceil(100/3) x ceil(80/3) = 34 x 27 = 918 <= 1000, step 2 would give 2000
        assertThat(img.width()).isEqualTo(34);
        assertThat(img.height()).isEqualTo(27);
        assertThat(ImageDecoder.subsampling(100, 80, 1000)).isEqualTo(3);
        assertThat(ImageDecoder.subsampling(10, 10, 100)).isEqualTo(1);
    }

    static BufferedImage noise(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        java.util.Random r = new java.util.Random(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(0x1000000));
            }
        }
        return img;
    }

    @Test
    void badBytesAreClassifiedByReason() throws IOException {
        byte[] jpeg = TestImages.encode(noise(256, 256, BufferedImage.TYPE_3BYTE_BGR), "jpeg");
        byte[] png = TestImages.encode(TestImages.halves(64, 64, 0xff0000, 0x0000ff, BufferedImage.TYPE_INT_RGB), "png");
        assertThat(decoder.decode(new byte[0]).reason()).isEqualTo(SkipReason.EMPTY);
        assertThat(decoder.decode("just some text, not a picture".getBytes()).reason()).isEqualTo(SkipReason.NOT_AN_IMAGE);
        assertThat(decoder.decode(Arrays.copyOf(jpeg, jpeg.length / 2)).reason()).isEqualTo(SkipReason.TRUNCATED);
        assertThat(decoder.decode(Arrays.copyOf(jpeg, 300)).reason()).isEqualTo(SkipReason.TRUNCATED);
        assertThat(decoder.decode(Arrays.copyOf(png, png.length / 2)).reason()).isEqualTo(SkipReason.TRUNCATED);
        byte[] garbled = jpeg.clone();
        for (int i = 20; i < garbled.length - 2; i++) { // keep EOI: damaged, not cut short
            garbled[i] = (byte) (i * 131);
        }
        assertThat(decoder.decode(garbled).reason()).isEqualTo(SkipReason.CORRUPT);
        byte[] badPng = png.clone();
        for (int i = 40; i < badPng.length; i++) {
            badPng[i] = (byte) (i * 7);
        }
        assertThat(decoder.decode(badPng).reason()).isIn(SkipReason.CORRUPT, SkipReason.TRUNCATED);
    }
}
