package org.seer4j.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.seer4j.core.tensor.Tensor;

/**
 * Port tensors reach the engine with their values in place, in the engine's own memory: no Java direct buffer is
 * left for the garbage collector to free (image batches of every step used to pile up there between collections).
 */
class ConvertTest {

    @Test
    void imageBatchGoesChannelsLastWithEveryValueWhereItWas() {
        int n = 2, c = 3, h = 4, w = 5;
        float[] values = new float[n * c * h * w];
        for (int i = 0; i < values.length; i++) values[i] = i * 0.5f - 7;
        long direct = directBytes();
        try (PtNDManager m = (PtNDManager) NDManager.newBaseManager()) {
            PtNDArray x = Convert.toChannelsLast(m, Tensor.of(values, n, c, h, w));
            assertThat(x.getShape().getShape()).containsExactly(n, c, h, w);
            assertThat(directBytes()).isEqualTo(direct);
            // the logical (NCHW) values are the source's, whatever the memory order
            assertThat(Convert.toTensor(x).toArray()).containsExactly(values);
        }
    }

    @Test
    void tensorsArriveInTheRequestedTypeWithoutDirectBuffers() {
        float[] values = {1.5f, -2.25f, 3e-3f, 4096f, 0f, -0f};
        long direct = directBytes();
        try (PtNDManager m = (PtNDManager) NDManager.newBaseManager()) {
            PtNDArray f = Convert.toArray(m, Tensor.of(values, 2, 3), DataType.FLOAT32);
            assertThat(f.toFloatArray()).containsExactly(values);
            PtNDArray d = Convert.toArray(m, Tensor.of(values, 3, 2), DataType.FLOAT64);
            assertThat(d.getShape().getShape()).containsExactly(3, 2);
            double[] wide = d.toDoubleArray();
            for (int i = 0; i < values.length; i++) assertThat(wide[i]).isEqualTo((double) values[i]);
            assertThat(Convert.toArray(m, Tensor.of(new float[0], 0, 4), DataType.FLOAT32).getShape().getShape())
                    .containsExactly(0, 4);
            assertThat(directBytes()).isEqualTo(direct);
        }
    }

    private static long directBytes() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }
}
