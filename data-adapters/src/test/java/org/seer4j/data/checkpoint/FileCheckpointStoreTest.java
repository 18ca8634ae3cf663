package org.seer4j.data.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seer4j.core.port.Checkpoint;
import java.nio.FloatBuffer;
import java.util.List;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorChunks;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;
import org.seer4j.data.safetensors.Dtype;
import org.seer4j.data.safetensors.SafetensorsFile;

class FileCheckpointStoreTest {
    @TempDir
    Path dir;

    private static Checkpoint at(long step) {
        return new Checkpoint(step,
                Map.of("stem.0.weight", Tensor.of(new float[] {step, 2, 3, 4}, 1, 1, 2, 2),
                        "prototypes.weight", Tensor.of(new float[] {0.5f, -0.5f}, 2, 1)),
                Map.of("momentum.stem.0.weight", Tensor.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 1, 1, 2, 2),
                        "queue", Tensor.zeros(3, 2)),
                Map.of("seed", "42", "engine", "djl 0.36.0", "config", "{\"model\": \"regnety_200mf\"}",
                        "data.position", String.valueOf(step * 64)));
    }

    @Test
    void savesAndReadsBackTheLatestCheckpointWithItsMetadata() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir, 3);
        assertThat(store.latest()).isEmpty();
        store.save(at(10));
        store.save(at(20));
        Checkpoint c = store.latest().orElseThrow();
        assertThat(c.step()).isEqualTo(20);
        assertThat(c.weights().toMap()).isEqualTo(at(20).weights().toMap());
        assertThat(c.trainingState().toMap()).isEqualTo(at(20).trainingState().toMap());
        assertThat(c.metadata()).isEqualTo(at(20).metadata());
    }

    @Test
    void streamsACheckpointThroughChunksOfSevenAndResumesItIntoAModelChunkByChunk() throws IOException {
        // a "model" whose tensors are computed on demand and which records the loads it is given in chunks
        TensorReader model = new TensorReader() {
            @Override
            public List<TensorInfo> tensors() {
                return List.of(TensorInfo.of("z.weight", 5, 6), TensorInfo.of("a.bias", 11));
            }

            @Override
            public void read(String name, long offset, FloatBuffer into) {
                for (long i = offset; into.hasRemaining(); i++) {
                    into.put(name.charAt(0) == 'z' ? i + 0.5f : -3 * i);
                }
            }
        };
        FileCheckpointStore store = new FileCheckpointStore(dir, 2, new SafetensorsFile(Dtype.F32, 7));
        store.save(new Checkpoint(3, model, TensorReader.of(Map.of("m", Tensor.of(new float[] {9, 8}, 2))),
                Map.of("seed", "1")));

        Checkpoint c = store.latest().orElseThrow();
        // the files list tensors by name, so checkpoints are reproducible whatever the model's order
        assertThat(c.weights().tensors()).containsExactly(TensorInfo.of("a.bias", 11), TensorInfo.of("z.weight", 5, 6));
        float[] z = new float[30];
        TensorChunks.forEach(c.weights(), TensorInfo.of("z.weight", 5, 6), FloatBuffer.allocate(4),
                (offset, chunk) -> chunk.get(z, (int) offset, chunk.remaining()));
        for (int i = 0; i < 30; i++) {
            assertThat(z[i]).isEqualTo(i + 0.5f);
        }
        assertThat(c.weights().readTensor("a.bias").get(10)).isEqualTo(-30f);
        assertThat(c.trainingState().readTensor("m").toArray()).containsExactly(9f, 8f);
    }

    @Test
    void theWeightsFileIsAPlainSafetensorsFileCarryingTheProvenance() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir, 3);
        store.save(at(7));
        Path weights = store.pathOf(7).resolve("weights.safetensors");
        SafetensorsFile st = new SafetensorsFile();
        assertThat(st.read(weights)).containsOnlyKeys("stem.0.weight", "prototypes.weight");
        assertThat(st.metadata(weights)).containsEntry("seed", "42").containsEntry("engine", "djl 0.36.0");
    }

    @Test
    void keepsOnlyTheLastK() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir, 2);
        for (long s = 1; s <= 5; s++) {
            store.save(at(s));
        }
        assertThat(store.steps()).containsExactly(4L, 5L);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "step-000000000004", "step-000000000005");
        }
    }

    @Test
    void aCorruptLatestFallsBackToThePreviousOne() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir, 3);
        store.save(at(1));
        store.save(at(2));
        // flip one byte of the newest weights: same size, valid safetensors, wrong checksum
        Path w = store.pathOf(2).resolve("weights.safetensors");
        byte[] b = Files.readAllBytes(w);
        b[b.length - 1] ^= 1;
        Files.write(w, b);
        assertThat(store.latest().map(Checkpoint::step)).isEqualTo(Optional.of(1L));
    }

    @Test
    void aPartialCheckpointWithoutManifestOrWithAMissingFileIsSkipped() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir, 5);
        store.save(at(1));
        store.save(at(2));
        store.save(at(3));
        Files.delete(store.pathOf(3).resolve("checkpoint.json"));
        Files.delete(store.pathOf(2).resolve("state.safetensors"));
        assertThat(store.latest().orElseThrow().step()).isEqualTo(1);
    }

    @Test
    void everyCheckpointDamagedIsAnErrorNotAFreshStart() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir, 5);
        store.save(at(1));
        Files.writeString(store.pathOf(1).resolve("checkpoint.json"), "{not json");
        assertThatThrownBy(store::latest).hasMessageContaining("every checkpoint").hasMessageContaining("not valid JSON");
    }

    @Test
    void savingTheSameStepAgainReplacesItAndLeavesNoTemporaries() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir, 5);
        store.save(at(4));
        Checkpoint again = new Checkpoint(4, Map.of("w", Tensor.of(new float[] {9}, 1)), Map.of(), Map.of("k", "v"));
        store.save(again);
        assertThat(store.latest().orElseThrow().weights().toMap()).isEqualTo(again.weights().toMap());
        Files.createDirectory(dir.resolve(".saving-stale"));
        store.save(at(5));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }
}
