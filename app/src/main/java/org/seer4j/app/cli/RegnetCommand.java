package org.seer4j.app.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.seer4j.app.UserException;
import org.seer4j.core.model.ModelCost;
import org.seer4j.core.regnet.RegNetGenerator;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetPresets;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Rounding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code seer4j regnet}: describe a RegNet (stages, parameters, MACs), a preset or a custom design point. */
@Command(name = "regnet", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Describe a RegNet: stages, parameters and multiply-accumulates.",
                "Either --preset NAME, or a design point (--depth --w0 --wa --wm --group-width), or --list."})
public final class RegnetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--preset", paramLabel = "NAME", description = "a preset name, e.g. regnet_y_400mf (see --list)")
    String preset;
    @Option(names = "--list", description = "list every preset with its parameters and GMACs")
    boolean list;
    @Option(names = "--depth", paramLabel = "D", description = "number of blocks d")
    Integer depth;
    @Option(names = "--w0", paramLabel = "W0", description = "initial width, a positive multiple of 8")
    Integer w0;
    @Option(names = "--wa", paramLabel = "WA", description = "width slope, >= 0")
    Double wa;
    @Option(names = "--wm", paramLabel = "WM", description = "width multiplier, > 1")
    Double wm;
    @Option(names = "--group-width", paramLabel = "G", description = "group width of the 3x3 convolutions")
    Integer groupWidth;
    @Option(names = "--se-ratio", paramLabel = "S", description = "squeeze-excitation ratio (0: RegNetX; default 0)")
    Double seRatio;
    @Option(names = "--bottleneck", paramLabel = "B", description = "bottleneck ratio (default 1)")
    Double bottleneck;
    @Option(names = "--stem-width", paramLabel = "W", description = "stem channels (default 32)")
    Integer stemWidth;
    @Option(names = "--rounding", paramLabel = "pycls|torchvision",
            description = "group-width rounding (default: the preset's own; pycls for a custom design point)")
    String rounding;
    @Option(names = "--classes", paramLabel = "N", defaultValue = "0", description = "classifier classes (default 0: trunk only)")
    int classes;
    @Option(names = "--resolution", paramLabel = "R", defaultValue = "224", description = "input side in pixels (default 224)")
    int resolution;
    @Option(names = "--stem-stride", paramLabel = "S", defaultValue = "2", description = "stem stride, 1 or 2 (default 2)")
    int stemStride;
    @Option(names = "--json", description = "print one JSON object instead of a table")
    boolean json;

    @Override
    public Integer call() {
        checkCosting();
        PrintWriter out = spec.commandLine().getOut();
        Rounding override = rounding == null ? null : rounding(rounding);
        if (list) {
            if (preset != null || customGiven()) throw new UserException("--list takes no --preset or design point");
            Map<String, RegNetSpec> all = RegNetPresets.all();
            List<RegnetReport> reports = new ArrayList<>();
            all.forEach((name, s) -> reports.add(report(name, override == null ? s : s.withRounding(override))));
            out.print(json ? RegnetReport.jsonList(reports) : RegnetReport.table(reports));
        } else {
            RegnetReport r = preset != null ? presetReport(override) : report("custom", custom(override));
            out.print(json ? r.json() : r.text());
        }
        out.flush();
        return 0;
    }

    private RegnetReport presetReport(Rounding override) {
        if (customGiven()) throw new UserException("give either --preset or a design point (--depth ...), not both");
        RegNetSpec s = RegNetPresets.find(preset).orElseThrow(() -> new UserException("unknown RegNet preset '"
                + preset + "'" + RegNetPresets.suggest(preset).map(n -> "; did you mean '" + n + "'?").orElse("")
                + " (seer4j regnet --list shows every preset)"));
        return report(preset.trim().toLowerCase(Locale.ROOT), override == null ? s : s.withRounding(override));
    }

    private RegNetSpec custom(Rounding override) {
        List<String> missing = new ArrayList<>();
        if (depth == null) missing.add("--depth");
        if (w0 == null) missing.add("--w0");
        if (wa == null) missing.add("--wa");
        if (wm == null) missing.add("--wm");
        if (groupWidth == null) missing.add("--group-width");
        if (!missing.isEmpty()) {
            throw new UserException("missing " + String.join(", ", missing)
                    + " (describe a RegNet with --preset NAME, a full design point, or --list)");
        }
        try {
            return new RegNetSpec(depth, w0, wa, wm, groupWidth, bottleneck == null ? 1.0 : bottleneck,
                    seRatio == null ? 0.0 : seRatio, stemWidth == null ? 32 : stemWidth,
                    override == null ? Rounding.PYCLS : override);
        } catch (IllegalArgumentException e) {
            throw new UserException("invalid design point: " + e.getMessage());
        }
    }

    private RegnetReport report(String name, RegNetSpec s) {
        RegNetPlan plan;
        try {
            plan = RegNetGenerator.plan(s);
        } catch (IllegalArgumentException e) {
            throw new UserException("cannot build " + name + ": " + e.getMessage());
        }
        return new RegnetReport(name, plan, stemStride, classes, resolution,
                ModelCost.of(plan, stemStride, classes, resolution));
    }

    private boolean customGiven() {
        return depth != null || w0 != null || wa != null || wm != null || groupWidth != null || seRatio != null
                || bottleneck != null || stemWidth != null;
    }

    private void checkCosting() {
        if (classes < 0) throw new UserException("--classes must be >= 0, got " + classes);
        if (resolution < 1) throw new UserException("--resolution must be >= 1, got " + resolution);
        if (stemStride != 1 && stemStride != 2) throw new UserException("--stem-stride must be 1 or 2, got " + stemStride);
    }

    private static Rounding rounding(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "pycls" -> Rounding.PYCLS;
            case "torchvision" -> Rounding.TORCHVISION;
            default -> throw new UserException("--rounding must be pycls or torchvision, got '" + name + "'");
        };
    }
}
