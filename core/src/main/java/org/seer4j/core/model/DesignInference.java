package org.seer4j.core.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetPresets;
import org.seer4j.core.regnet.RegNetStages;

/**
 * Reads the network a set of interchange-named weights describes from their shapes alone: the stem width, every
 * stage's width, depth and group width, the bottleneck and SE ratios, a classifier, a SwAV head and prototypes. The
 * result is checked by rebuilding the plan and comparing every tensor's shape with {@link ParameterLayout}'s, so a
 * design that does not reproduce the file exactly is refused.
 */
public final class DesignInference {
    private DesignInference() {
    }

    /**
     * @param network    the trunk and whatever sits on it
     * @param presets    the presets with exactly this trunk (torchvision's names first when both conventions agree)
     */
    public record Inferred(ModelDefinition network, List<String> presets) {
        public RegNetStages stages() {
            return network.trunk().toStages();
        }

        /** The preset name the trunk matches, or {@code custom}. */
        public String arch() {
            return presets.isEmpty() ? "custom" : presets.get(0);
        }
    }

    /** @param shapes interchange name -> shape; @param stemStride not visible in weights (2 as published) */
    public static Inferred infer(Map<String, int[]> shapes, int stemStride) {
        int[] stem = shapes.get("stem.0.weight");
        if (stem == null || stem.length != 4 || stem[1] != 3) {
            throw new IllegalArgumentException("no RegNet stem (stem.0.weight [C, 3, 3, 3]): not a RegNet state_dict");
        }
        List<Integer> widths = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        List<Integer> groupWidths = new ArrayList<>();
        double bottleneck = 0;
        int seWidth = 0;
        int firstIn = stem[0];
        for (int s = 1; shapes.containsKey(prefix(s, 0) + ".f.a.0.weight"); s++) {
            int depth = 0;
            while (shapes.containsKey(prefix(s, depth) + ".f.a.0.weight")) depth++;
            String p = prefix(s, 0);
            int[] b = need(shapes, p + ".f.b.0.weight", 4);
            int[] c = need(shapes, p + ".f.c.0.weight", 4);
            widths.add(c[0]);
            depths.add(depth);
            groupWidths.add(b[1]);
            if (s == 1) {
                bottleneck = (double) b[0] / c[0];
                int[] se = shapes.get(p + ".f.se.fc1.weight");
                seWidth = se == null ? 0 : se[0];
            }
        }
        if (widths.isEmpty()) {
            throw new IllegalArgumentException("no RegNet blocks (trunk_output.block1.block1-0.*): not a RegNet state_dict");
        }
        double seRatio = seWidth == 0 ? 0 : seRatio(seWidth, firstIn);
        RegNetStages design;
        RegNetPlan plan;
        try {
            design = new RegNetStages(stem[0], widths, depths, groupWidths, bottleneck, seRatio);
            plan = RegNetGenerator.plan(design);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the weights describe no valid RegNet: " + e.getMessage());
        }
        int[] fc = shapes.get("fc.weight");
        int classes = fc == null ? 0 : fc[0];
        HeadSpec head = head(shapes, plan.outWidth());
        int[] protos = shapes.get("prototypes.weight");
        int prototypes = protos == null || head == null ? 0 : protos[0];
        ModelDefinition network = new ModelDefinition(plan, stemStride, head, prototypes, classes);
        check(network, shapes);
        return new Inferred(network, preferTorchvision(RegNetPresets.matching(plan.toStages())));
    }

    /** The ratio r with round(r x in) = width; the published 0.25 when it fits. */
    private static double seRatio(int seWidth, int in) {
        return Math.rint(0.25 * in) == seWidth ? 0.25 : (double) seWidth / in;
    }

    private static HeadSpec head(Map<String, int[]> shapes, int in) {
        if (!shapes.containsKey("head.0.weight")) return null;
        boolean bn = shapes.containsKey("head.1.weight");
        int step = bn ? 3 : 2;
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; shapes.containsKey("head." + i + ".weight"); i += step) dims.add(shapes.get("head." + i + ".weight")[0]);
        return new HeadSpec(in, dims, bn);
    }

    /** Every tensor the rebuilt network has is present with the same shape. */
    private static void check(ModelDefinition network, Map<String, int[]> shapes) {
        for (ParameterSpec p : ParameterLayout.of(network)) {
            int[] actual = shapes.get(p.name());
            if (actual == null) throw new IllegalArgumentException("the weights lack '" + p.name() + "' of the RegNet they describe");
            if (!Arrays.equals(actual, p.shape())) {
                throw new IllegalArgumentException("shape mismatch: '" + p.name() + "' is " + Arrays.toString(actual)
                        + ", the RegNet its neighbours describe needs " + Arrays.toString(p.shape()));
            }
        }
    }

    private static List<String> preferTorchvision(List<String> names) {
        List<String> out = new ArrayList<>(names.stream().filter(n -> n.startsWith("regnet_")).toList());
        names.stream().filter(n -> !n.startsWith("regnet_")).forEach(out::add);
        return List.copyOf(out);
    }

    private static int[] need(Map<String, int[]> shapes, String name, int rank) {
        int[] s = shapes.get(name);
        if (s == null || s.length != rank) {
            throw new IllegalArgumentException("'" + name + "' is " + (s == null ? "missing" : "of rank " + s.length)
                    + ": not a RegNet state_dict");
        }
        return s;
    }

    private static String prefix(int stage, int index) {
        return "trunk_output.block" + stage + ".block" + stage + "-" + index;
    }

    /** For messages: the design in one line. */
    public static String describe(RegNetStages d) {
        return "stem " + d.stemWidth() + ", widths " + d.widths() + ", depths " + d.depths() + ", group widths "
                + d.groupWidths() + (d.seRatio() > 0 ? ", SE " + d.seRatio() : ", no SE")
                + (d.bottleneckRatio() != 1.0 ? ", bottleneck " + d.bottleneckRatio() : "");
    }
}
