package org.seer4j.data.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.seer4j.core.image.RgbImage;
import org.seer4j.data.json.Json;

/** Compares each op with torchvision's tensor functions (fixture made by scripts/make_views_fixture.py). */
class TorchvisionFixtureTest {
    private static Map<?, ?> fixture;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = TorchvisionFixtureTest.class.getResourceAsStream("torchvision_fixture.json")) {
            fixture = (Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).floatValue();
        }
        return out;
    }

    private static int i(Object n) {
        return ((Number) n).intValue();
    }

    private static RgbImage image() {
        float[] px = floats(fixture.get("pixels"));
        byte[] b = new byte[px.length];
        for (int k = 0; k < px.length; k++) {
            b[k] = (byte) (int) px[k];
        }
        return new RgbImage(i(fixture.get("width")), i(fixture.get("height")), b);
    }

    private static Map<?, ?> op(String name) {
        return (Map<?, ?>) ((Map<?, ?>) fixture.get("ops")).get(name);
    }

    @Test
    void antialiasedResizesMatchTorchvision() {
        RgbImage img = image();
        Resampler r = new Resampler();
        for (Object o : (List<?>) fixture.get("resize")) {
            Map<?, ?> c = (Map<?, ?>) o;
            List<?> box = (List<?>) c.get("box");
            List<?> size = (List<?>) c.get("size");
            int oh = i(size.get(0));
            int ow = i(size.get(1));
            float[] out = new float[3 * oh * ow];
            r.resize(img, new CropBox(i(box.get(0)), i(box.get(1)), i(box.get(2)), i(box.get(3)), false), ow, oh,
                    false, out);
            assertThat(out).as("crop %s to %s", box, size).containsExactly(floats(c.get("out")), within(2e-5f));
        }
    }

    @Test
    void theEvaluationViewMatchesResizeThenCenterCrop() {
        Map<?, ?> c = (Map<?, ?>) fixture.get("center");
        int crop = i(c.get("crop"));
        CenterCrop cc = new CenterCrop(i(c.get("resize")), crop, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0));
        float[] out = new float[3 * crop * crop];
        cc.apply(image(), out, 0);
        assertThat(out).containsExactly(floats(c.get("out")), within(2e-5f));
    }

    @Test
    void colourFunctionsMatchTorchvision() {
        float[] base = floats(fixture.get("base"));
        int n = base.length / 3;
        float[] p = base.clone();
        ColorOps.brightness(p, n, ((Number) op("brightness").get("factor")).floatValue());
        assertThat(p).containsExactly(floats(op("brightness").get("out")), within(1e-5f));
        p = base.clone();
        ColorOps.contrast(p, n, ((Number) op("contrast").get("factor")).floatValue());
        // torchvision's gray uses 0.2989 for red where ITU-R 601 (and PIL) use 0.299
        assertThat(p).containsExactly(floats(op("contrast").get("out")), within(2e-4f));
        p = base.clone();
        ColorOps.saturation(p, n, ((Number) op("saturation").get("factor")).floatValue());
        assertThat(p).containsExactly(floats(op("saturation").get("out")), within(2e-4f));
        p = base.clone();
        ColorOps.hue(p, n, ((Number) op("hue").get("factor")).floatValue());
        assertThat(p).containsExactly(floats(op("hue").get("out")), within(2e-5f));
        p = base.clone();
        ColorOps.grayscale(p, n);
        assertThat(p).containsExactly(floats(op("grayscale").get("out")), within(2e-4f));
    }

    @Test
    void gaussianBlurMatchesTorchvisionWithTheSameKernelSize() {
        float[] p = floats(fixture.get("base"));
        double sigma = ((Number) op("blur").get("sigma")).doubleValue();
        assertThat(GaussianBlur.kernel(sigma, 100)).hasSize(i(op("blur").get("kernel")));
        new GaussianBlur().blur(p, 8, 8, sigma);
        assertThat(p).containsExactly(floats(op("blur").get("out")), within(2e-5f));
    }
}
