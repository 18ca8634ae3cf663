package org.seer4j.app.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.seer4j.core.model.ModelCost;
import org.seer4j.core.regnet.RegNetPlan;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Stage;
import org.seer4j.data.json.Json;

/** What {@code seer4j regnet} prints about one network: a stage table for people, one JSON object for scripts. */
record RegnetReport(String name, RegNetPlan plan, int stemStride, int classes, int resolution, ModelCost cost) {

    String text() {
        RegNetSpec s = plan.spec();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s: d=%d w0=%d wa=%s wm=%s g=%d b=%s se=%s, %s rounding%n", name,
                s.depth(), s.w0(), num(s.wa()), num(s.wm()), s.groupWidth(), num(s.bottleneckRatio()),
                num(s.seRatio()), s.rounding().name().toLowerCase(Locale.ROOT)));
        b.append(String.format(Locale.ROOT, "stem: %d channels, stride %d%n", s.stemWidth(), stemStride));
        b.append(String.format(Locale.ROOT, "%5s %7s %6s %12s %7s %7s%n",
                "stage", "width", "depth", "group width", "groups", "stride"));
        int i = 1;
        for (Stage st : plan.stages()) {
            b.append(String.format(Locale.ROOT, "%5d %7d %6d %12d %7d %7d%n",
                    i++, st.width(), st.depth(), st.groupWidth(), st.groups(), st.stride()));
        }
        b.append(String.format(Locale.ROOT, "%s: %,d parameters (%.2f M), %,d MACs (%.3f GMACs) at %dx%d%n",
                classes > 0 ? "with a " + classes + "-class classifier" : "trunk only",
                cost.params(), cost.paramsM(), cost.macs(), cost.gmacs(), resolution, resolution));
        return b.toString();
    }

    String json() {
        return write(fields()) + System.lineSeparator();
    }

    static String table(List<RegnetReport> reports) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-20s %-12s %12s %10s%n",
                "preset", "rounding", "params (M)", "GMACs"));
        for (RegnetReport r : reports) {
            b.append(String.format(Locale.ROOT, "%-20s %-12s %12.2f %10.3f%n", r.name,
                    r.plan.spec().rounding().name().toLowerCase(Locale.ROOT), r.cost.paramsM(), r.cost.gmacs()));
        }
        RegnetReport any = reports.get(0);
        b.append(String.format(Locale.ROOT, "(%s, %dx%d input, stem stride %d)%n",
                any.classes > 0 ? any.classes + "-class classifier" : "trunk only", any.resolution, any.resolution,
                any.stemStride));
        return b.toString();
    }

    static String jsonList(List<RegnetReport> reports) {
        return write(reports.stream().map(RegnetReport::fields).toList()) + System.lineSeparator();
    }

    private Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("rounding", plan.spec().rounding().name().toLowerCase(Locale.ROOT));
        m.put("widths", plan.stages().stream().map(Stage::width).toList());
        m.put("depths", plan.stages().stream().map(Stage::depth).toList());
        m.put("groupWidths", plan.stages().stream().map(Stage::groupWidth).toList());
        m.put("groups", plan.stages().stream().map(Stage::groups).toList());
        m.put("params", cost.params());
        m.put("macs", cost.macs());
        m.put("resolution", resolution);
        m.put("classes", classes);
        m.put("stemStride", stemStride);
        return m;
    }

    private static String write(Object value) {
        return Json.write(value);
    }

    /** 2.0 as "2", 27.89 as "27.89". */
    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
