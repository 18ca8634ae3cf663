package org.seer4j.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.seer4j.app.UserException;
import org.seer4j.data.json.Json;
import org.seer4j.core.model.DesignInference;
import org.seer4j.core.model.ModelCost;
import org.seer4j.core.regnet.RegNetStages;
import org.seer4j.data.safetensors.SafetensorsFile;
import org.seer4j.data.weights.RegNetImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code seer4j import}: a PyTorch checkpoint's RegNet as interchange-named safetensors, without Python. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Convert a torch.save file (zip or legacy format; float32, float16 or bfloat16) holding a",
                "RegNet into interchange-named safetensors: torchvision state dicts (plain, under 'state_dict' or",
                "'model', with DDP's 'module.' prefixes) and VISSL/SEER checkpoints (ClassyVision names; the SwAV",
                "head becomes head.* and prototypes.weight). The design is read from the tensor shapes and printed",
                "with the preset it matches. Only the globals PyTorch checkpoints use are unpickled; a file that",
                "calls anything else is refused without running it."})
public final class ImportCommand implements Callable<Integer> {
    /** Floats read from the checkpoint at a time (4 MiB). */
    private static final int CHUNK_VALUES = 1 << 20;

    @Parameters(index = "0", paramLabel = "FILE", description = "a torch.save file (.pth, .pt, .torch)")
    Path file;
    @Option(names = "--output", required = true, paramLabel = "OUT.safetensors", description = "written atomically")
    Path output;
    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Override
    public Integer call() {
        Map<String, Object> report;
        try (RegNetImport imported = RegNetImport.open(file, 2)) {
            DesignInference.Inferred design = imported.design();
            RegNetStages s = design.stages();
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("arch", design.arch());
            meta.put("source", file.getFileName().toString());
            meta.put("format", imported.format());
            meta.put("stem_width", Integer.toString(s.stemWidth()));
            meta.put("widths", s.widths().toString());
            meta.put("depths", s.depths().toString());
            meta.put("group_widths", s.groupWidths().toString());
            meta.put("se_ratio", Double.toString(s.seRatio()));
            // tensor by tensor, in chunks: a SEER checkpoint's layers never sit whole on the Java heap
            new SafetensorsFile().write(output, imported.reader(CHUNK_VALUES), meta);
            report = report(imported);
        } catch (IOException e) {
            throw new UserException(e.getMessage(), e);
        }
        print(System.out, report);
        return 0;
    }

    private Map<String, Object> report(RegNetImport imported) {
        DesignInference.Inferred d = imported.design();
        RegNetStages s = d.stages();
        ModelCost cost = ModelCost.of(d.network(), 224);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", imported.format());
        m.put("arch", d.arch());
        m.put("presets", d.presets());
        m.put("stemWidth", s.stemWidth());
        m.put("widths", s.widths());
        m.put("depths", s.depths());
        m.put("groupWidths", s.groupWidths());
        m.put("seRatio", s.seRatio());
        m.put("bottleneckRatio", s.bottleneckRatio());
        m.put("classes", d.network().classes());
        m.put("head", d.network().head() == null ? List.of() : d.network().head().dims());
        m.put("prototypes", d.network().prototypes());
        m.put("params", cost.params());
        m.put("macs224", cost.macs());
        m.put("tensors", imported.tensors().size());
        m.put("skipped", imported.skipped());
        m.put("output", output.toString());
        return m;
    }

    private void print(PrintStream out, Map<String, Object> r) {
        if (json) {
            out.println(Json.write(r));
            return;
        }
        @SuppressWarnings("unchecked")
        List<String> skipped = (List<String>) r.get("skipped");
        @SuppressWarnings("unchecked")
        List<String> presets = (List<String>) r.get("presets");
        out.printf("%s: %s, %d tensors, %,d parameters, %.3f GMACs at 224x224%n", file, r.get("format"),
                r.get("tensors"), (Long) r.get("params"), (Long) r.get("macs224") / 1e9);
        out.printf("design: stem %s, widths %s, depths %s, group widths %s, %s%n", r.get("stemWidth"), r.get("widths"),
                r.get("depths"), r.get("groupWidths"), (Double) r.get("seRatio") > 0 ? "SE " + r.get("seRatio") : "no SE");
        out.println(presets.isEmpty() ? "matches no preset (use it through the stage lists, model.stages)"
                : "matches preset " + String.join(", ", presets));
        if ((Integer) r.get("classes") > 0) out.println("classifier: " + r.get("classes") + " classes (fc.*)");
        if ((Integer) r.get("prototypes") > 0) {
            out.println("SwAV head " + r.get("head") + ", " + r.get("prototypes") + " prototypes");
        }
        if (!skipped.isEmpty()) {
            out.println("skipped " + skipped.size() + " entries not imported, e.g. " + skipped.subList(0, Math.min(5, skipped.size())));
        }
        out.println("wrote " + output);
    }
}
