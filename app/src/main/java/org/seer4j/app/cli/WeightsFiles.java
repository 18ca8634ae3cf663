package org.seer4j.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.seer4j.app.UserException;
import org.seer4j.core.model.DesignInference;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.data.safetensors.SafetensorsFile;
import org.seer4j.data.weights.RegNetImport;
import org.seer4j.data.weights.TorchCheckpoint;

/**
 * The weights a command is given, whatever the file: interchange-named safetensors, or anything
 * {@code seer4j import} reads (torch.save files: torchvision state dicts, wrapped or DDP-prefixed, VISSL/SEER
 * checkpoints), translated on the fly.
 */
final class WeightsFiles {
    private WeightsFiles() {
    }

    /** Interchange-named tensors of {@code file}; errors name the option and the file and exit 2. */
    static Map<String, Tensor> read(Path file, String option) {
        if (!Files.isRegularFile(file)) throw new UserException(option + " " + file + ": no such file");
        try {
            if (TorchCheckpoint.looksLike(file)) {
                try (RegNetImport imported = RegNetImport.open(file, 2)) {
                    return imported.readAll();
                }
            }
            return new SafetensorsFile().read(file);
        } catch (IOException | RuntimeException e) {
            throw new UserException(option + " " + e.getMessage(), e);
        }
    }

    /** The network a weights file describes, from its shapes alone (no tensor data is read). */
    static ModelDefinition designOf(Path file) {
        if (!Files.isRegularFile(file)) throw new UserException(file + ": no such file");
        try {
            if (TorchCheckpoint.looksLike(file)) {
                try (RegNetImport imported = RegNetImport.open(file, 2)) {
                    return imported.design().network();
                }
            }
            Map<String, int[]> shapes = new LinkedHashMap<>();
            for (SafetensorsFile.Entry e : new SafetensorsFile().header(file).entries()) shapes.put(e.name(), e.shape());
            return DesignInference.infer(shapes, 2).network();
        } catch (IOException | RuntimeException e) {
            throw new UserException(file + ": " + e.getMessage(), e);
        }
    }

    /** The network the weights' shapes describe (stem stride is not in weights: the caller's). */
    static DesignInference.Inferred design(Map<String, Tensor> weights, int stemStride, String what) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        weights.forEach((k, v) -> shapes.put(k, v.shape()));
        try {
            return DesignInference.infer(shapes, stemStride);
        } catch (IllegalArgumentException e) {
            throw new UserException(what + ": " + e.getMessage());
        }
    }
}
