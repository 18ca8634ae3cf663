package org.seer4j.core.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.seer4j.core.config.RunConfig;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.port.TensorFile;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorReader;
import org.seer4j.core.usecase.EmbedUseCase;

/**
 * Pooled trunk features for every image of the configured data, written to a {@code .safetensors} file
 * ({@code features} [N, C], {@code labels} [N] with -1 for unlabelled; image ids in the metadata, one per line)
 * or a {@code .csv} file ({@code id,label,f0,...}). Both are written atomically.
 */
public final class EmbedService implements EmbedUseCase {
    private final ModelLoader models;
    private final ImageSources sources;
    private final TensorFile tensors;

    public EmbedService(Engine engine, ImageSources sources, CheckpointReader checkpoints, TensorFile tensors) {
        this.models = new ModelLoader(engine, checkpoints);
        this.sources = sources;
        this.tensors = tensors;
    }

    @Override
    public Result embed(Command command) {
        String name = command.output().getFileName().toString().toLowerCase(Locale.ROOT);
        boolean csv = name.endsWith(".csv");
        if (!csv && !name.endsWith(".safetensors")) {
            throw new IllegalArgumentException("the output " + command.output()
                    + " must end in .safetensors or .csv (the format follows the name)");
        }
        RunConfig config = command.config();
        FeatureExtractor.Extracted e;
        try (SwavModel model = models.open(config, command.checkpoint(), command.checkpoint() == null)) {
            e = FeatureExtractor.of(model, ModelLoader.images(config))
                    .extract(sources.images(config), config.train().seed());
        }
        try {
            if (csv) {
                writeCsv(command.output(), e);
            } else {
                writeSafetensors(command.output(), e, command);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + command.output() + ": " + ex.getMessage(), ex);
        }
        long skipped = e.skipped().values().stream().mapToLong(Long::longValue).sum();
        return new Result(e.rows(), skipped, e.cols());
    }

    private void writeSafetensors(Path out, FeatureExtractor.Extracted e, Command command) throws IOException {
        float[] labels = new float[e.rows()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = e.labels()[i];
        }
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("features", Tensor.of(e.features(), e.rows(), e.cols()));
        t.put("labels", Tensor.of(labels, e.rows()));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("ids", String.join("\n", e.ids()));
        meta.put("checkpoint", command.checkpoint() == null ? "random-init" : command.checkpoint().toString());
        meta.put("data", sources.images(command.config()).describe());
        tensors.write(out, TensorReader.of(t), meta);
    }

    private static void writeCsv(Path out, FeatureExtractor.Extracted e) throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                StringBuilder line = new StringBuilder("id,label");
                for (int c = 0; c < e.cols(); c++) {
                    line.append(",f").append(c);
                }
                w.write(line.append('\n').toString());
                for (int r = 0; r < e.rows(); r++) {
                    line.setLength(0);
                    line.append(csvField(e.ids().get(r))).append(',').append(e.labels()[r]);
                    for (int c = 0; c < e.cols(); c++) {
                        line.append(',').append(e.features()[r * e.cols() + c]);
                    }
                    w.write(line.append('\n').toString());
                }
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Quotes ids holding commas, quotes or line breaks (RFC 4180). */
    static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
