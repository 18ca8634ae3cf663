package org.seer4j.core.regnet;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.seer4j.core.text.EditDistance;

/**
 * The published RegNets by name. Three families:
 * <ul>
 *   <li>{@code regnetx_*} / {@code regnety_*}: the 24 models of pycls's model zoo (200MF..32GF, "1.6GF" written
 *       {@code 1_6gf}, "4.0GF" written {@code 4gf}), with pycls rounding;</li>
 *   <li>{@code regnet_x_*} / {@code regnet_y_*}: torchvision's 15 builders with torchvision rounding, so their
 *       weights import as they are; plus {@code regnet_y_64gf}, the SEER/VISSL trunk torchvision lacks (pycls
 *       rounding, as VISSL builds it);</li>
 *   <li>{@code seer_regnet_y_256gf} and {@code seer_regnet_y_10b}: SEER's large trunks (pycls rounding). SEER's
 *       256GF is not ClassyVision's {@code regnet_y_256gf}, which is {@code classy_regnet_y_256gf} here: the trunk
 *       of the public SEER RG-256 checkpoint.</li>
 * </ul>
 */
public final class RegNetPresets {
    private static final Map<String, RegNetSpec> ALL = build();

    private RegNetPresets() {
    }

    /** The preset of that name (case-insensitive), if any. */
    public static Optional<RegNetSpec> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(ALL.get(name.trim().toLowerCase(Locale.ROOT)));
    }

    /** Every preset, in the order above (pycls, torchvision, SEER). */
    public static Map<String, RegNetSpec> all() {
        return ALL;
    }

    /** The presets whose trunk is exactly {@code design} (stem, stage widths, depths, group widths, SE), in order. */
    public static List<String> matching(RegNetStages design) {
        return ALL.entrySet().stream()
                .filter(e -> RegNetGenerator.plan(e.getValue()).toStages().sameTrunk(design))
                .map(Map.Entry::getKey).toList();
    }

    /** The nearest preset name to a mistyped one, when it is close enough to be what was meant. */
    public static Optional<String> suggest(String typo) {
        if (typo == null || typo.isBlank()) return Optional.empty();
        String t = typo.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : ALL.keySet()) {
            int d = EditDistance.between(t, name);
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        if (bestDistance <= Math.max(2, t.length() / 3)) return Optional.of(best);
        // A shorthand such as "seer_10b": the one name holding every part of it.
        List<String> parts = List.of(t.split("_+"));
        List<String> holders = ALL.keySet().stream().filter(n -> parts.stream().allMatch(n::contains)).toList();
        return holders.size() == 1 ? Optional.of(holders.get(0)) : Optional.empty();
    }

    private static Map<String, RegNetSpec> build() {
        Map<String, RegNetSpec> m = new LinkedHashMap<>();
        // pycls model zoo: d, w0, wa, wm, g.
        m.put("regnetx_200mf", RegNetSpec.x(13, 24, 36.44, 2.49, 8));
        m.put("regnetx_400mf", RegNetSpec.x(22, 24, 24.48, 2.54, 16));
        m.put("regnetx_600mf", RegNetSpec.x(16, 48, 36.97, 2.24, 24));
        m.put("regnetx_800mf", RegNetSpec.x(16, 56, 35.73, 2.28, 16));
        m.put("regnetx_1_6gf", RegNetSpec.x(18, 80, 34.01, 2.25, 24));
        m.put("regnetx_3_2gf", RegNetSpec.x(25, 88, 26.31, 2.25, 48));
        m.put("regnetx_4gf", RegNetSpec.x(23, 96, 38.65, 2.43, 40));
        m.put("regnetx_6_4gf", RegNetSpec.x(17, 184, 60.83, 2.07, 56));
        m.put("regnetx_8gf", RegNetSpec.x(23, 80, 49.56, 2.88, 120));
        m.put("regnetx_12gf", RegNetSpec.x(19, 168, 73.36, 2.37, 112));
        m.put("regnetx_16gf", RegNetSpec.x(22, 216, 55.59, 2.1, 128));
        m.put("regnetx_32gf", RegNetSpec.x(23, 320, 69.86, 2.0, 168));
        m.put("regnety_200mf", RegNetSpec.y(13, 24, 36.44, 2.49, 8));
        m.put("regnety_400mf", RegNetSpec.y(16, 48, 27.89, 2.09, 8));
        m.put("regnety_600mf", RegNetSpec.y(15, 48, 32.54, 2.32, 16));
        m.put("regnety_800mf", RegNetSpec.y(14, 56, 38.84, 2.4, 16));
        m.put("regnety_1_6gf", RegNetSpec.y(27, 48, 20.71, 2.65, 24));
        m.put("regnety_3_2gf", RegNetSpec.y(21, 80, 42.63, 2.66, 24));
        m.put("regnety_4gf", RegNetSpec.y(22, 96, 31.41, 2.24, 64));
        m.put("regnety_6_4gf", RegNetSpec.y(25, 112, 33.22, 2.27, 72));
        m.put("regnety_8gf", RegNetSpec.y(17, 192, 76.82, 2.19, 56));
        m.put("regnety_12gf", RegNetSpec.y(19, 168, 73.36, 2.37, 112));
        m.put("regnety_16gf", RegNetSpec.y(18, 200, 106.23, 2.48, 112));
        m.put("regnety_32gf", RegNetSpec.y(20, 232, 115.89, 2.53, 232));
        // torchvision's builders (torchvision/models/regnet.py), same design points, torchvision rounding.
        torchvision(m, "regnet_x_400mf", "regnetx_400mf");
        torchvision(m, "regnet_x_800mf", "regnetx_800mf");
        torchvision(m, "regnet_x_1_6gf", "regnetx_1_6gf");
        torchvision(m, "regnet_x_3_2gf", "regnetx_3_2gf");
        torchvision(m, "regnet_x_8gf", "regnetx_8gf");
        torchvision(m, "regnet_x_16gf", "regnetx_16gf");
        torchvision(m, "regnet_x_32gf", "regnetx_32gf");
        torchvision(m, "regnet_y_400mf", "regnety_400mf");
        torchvision(m, "regnet_y_800mf", "regnety_800mf");
        torchvision(m, "regnet_y_1_6gf", "regnety_1_6gf");
        torchvision(m, "regnet_y_3_2gf", "regnety_3_2gf");
        torchvision(m, "regnet_y_8gf", "regnety_8gf");
        torchvision(m, "regnet_y_16gf", "regnety_16gf");
        torchvision(m, "regnet_y_32gf", "regnety_32gf");
        m.put("regnet_y_128gf", RegNetSpec.y(27, 456, 160.83, 2.52, 264).withRounding(Rounding.TORCHVISION));
        // SEER trunks (VISSL configs).
        m.put("regnet_y_64gf", RegNetSpec.y(20, 352, 147.48, 2.4, 328));
        m.put("seer_regnet_y_256gf", RegNetSpec.y(27, 640, 230.83, 2.53, 373));
        m.put("seer_regnet_y_10b", RegNetSpec.y(27, 1744, 620.83, 2.52, 1010));
        // ClassyVision's regnet_y_256gf: the trunk of the public SEER RG-256 checkpoint (widths 640/1696/2544/5088,
        // depths 3/7/16/1, group widths 640/848/848/848), not the 256GF model of the SEER paper.
        m.put("classy_regnet_y_256gf", RegNetSpec.y(27, 640, 124.47, 2.04, 848));
        return Collections.unmodifiableMap(m);
    }

    private static void torchvision(Map<String, RegNetSpec> m, String name, String pyclsName) {
        m.put(name, m.get(pyclsName).withRounding(Rounding.TORCHVISION));
    }
}
