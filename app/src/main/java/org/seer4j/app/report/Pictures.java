package org.seer4j.app.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.seer4j.core.image.RgbImage;

/** Images inlined into the report as PNG data URIs, so report.html stays one self-contained file. */
public final class Pictures {
    private static final String PREFIX = "data:image/png;base64,";

    private Pictures() {
    }

    public static String dataUri(RgbImage image) {
        BufferedImage b = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                b.setRGB(x, y, image.red(x, y) << 16 | image.green(x, y) << 8 | image.blue(x, y));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(b, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a PNG in memory", e);
        }
        return PREFIX + Base64.getEncoder().encodeToString(png.toByteArray());
    }

    /** An {@code <img>} of a data URI, scaled to {@code width} CSS pixels without smoothing (views are tiny). */
    static String img(String dataUri, int width, String title) {
        if (dataUri == null || !dataUri.startsWith(PREFIX)) return "<span class=\"missing\">?</span>";
        return "<img src=\"" + dataUri + "\" width=\"" + width + "\" title=\"" + Html.escape(title) + "\" alt=\""
                + Html.escape(title) + "\">";
    }
}
