package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** {@link ReluGradients} and {@link PaddedInputs}: the rewired gradients against values computed by hand. */
class BackwardRewiringTest {

    @Test
    void reluGradientsReadTheOutputAndMaskExactlyAsBefore() {
        float[] x = {-2f, -0.5f, 0f, 0.25f, 3f, -0f};
        float[] c = {1.5f, -2f, 4f, 0.5f, -1f, 7f};
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Operand<TFloat32> in = tf.constant(x);
            Operand<TFloat32> relu = tf.nn.relu(in);
            Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(relu, tf.constant(c)), tf.constant(0));
            Output<?>[] grad = g.addGradients("grads", new Output<?>[] {loss.asOutput()},
                    new Output<?>[] {in.asOutput()}, null);
            GraphOperation reluGrad = only(g, "ReluGrad");
            assertThat(reluGrad.input(1)).as("TensorFlow's own gradient reads the ReLU's input").isEqualTo(in.asOutput());

            assertThat(ReluGradients.readOutputs(g, "grads/")).isEqualTo(1);
            assertThat(reluGrad.input(1)).isEqualTo(relu.asOutput());
            assertThat(ReluGradients.readOutputs(g, "other/")).as("only gradients under the prefix").isZero();

            float[] dx = run(g, grad[0]);
            for (int i = 0; i < x.length; i++) {
                assertThat(dx[i]).as("dx[%d]", i).isEqualTo(x[i] > 0 ? c[i] : 0f);
            }
        }
    }

    @Test
    void aStridedConvolutionsFilterGradientReadsAPadMadeAfterTheUpstreamGradient() {
        int h = 5, w = 6, cin = 2, cout = 3, k = 3, stride = 2, p = 1;
        int oh = (h + 2 * p - k) / stride + 1, ow = (w + 2 * p - k) / stride + 1;
        Random rnd = new Random(7);
        float[] x = random(rnd, h * w * cin);
        float[] filter = random(rnd, k * k * cin * cout);
        float[] dy = random(rnd, oh * ow * cout);
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Operand<TFloat32> in = tf.constant(Shape.of(1, h, w, cin), DataBuffers.of(x));
            Operand<TFloat32> f = tf.constant(Shape.of(k, k, cin, cout), DataBuffers.of(filter));
            Operand<TFloat32> padded = tf.pad(in, tf.constant(new int[][] {{0, 0}, {p, p}, {p, p}, {0, 0}}),
                    tf.constant(0f));
            PaddedInputs pads = new PaddedInputs();
            pads.add(padded);
            Operand<TFloat32> out = tf.nn.conv2d(padded, f, List.of(1L, (long) stride, (long) stride, 1L), "VALID");
            Operand<TFloat32> upstream = tf.identity(tf.constant(Shape.of(1, oh, ow, cout), DataBuffers.of(dy)));
            Output<?>[] grads = g.addGradients("piece1", new Output<?>[] {out.asOutput()},
                    new Output<?>[] {in.asOutput(), f.asOutput()}, new Output<?>[] {upstream.asOutput()});

            assertThat(pads.padAgainInBackward(g, tf.withSubScope("piece1"), "piece1",
                    new Output<?>[] {upstream.asOutput()})).isEqualTo(1);
            GraphOperation filterGrad = only(g, "Conv2DBackpropFilter");
            GraphOperation again = (GraphOperation) filterGrad.input(0).op();
            assertThat(again).isNotEqualTo(padded.op());
            assertThat(again.type()).isEqualTo(padded.op().type());
            assertThat(again.controlInputs()).contains((GraphOperation) upstream.op());
            assertThat(pads.padAgainInBackward(g, tf, "piece2", new Output<?>[] {upstream.asOutput()}))
                    .as("filter gradients of another scope are left alone").isZero();

            float[] dFilter = run(g, grads[1]);
            for (int kh = 0; kh < k; kh++) {
                for (int kw = 0; kw < k; kw++) {
                    for (int ci = 0; ci < cin; ci++) {
                        for (int co = 0; co < cout; co++) {
                            double sum = 0;
                            for (int i = 0; i < oh; i++) {
                                for (int j = 0; j < ow; j++) {
                                    int r = stride * i + kh - p, s = stride * j + kw - p;
                                    if (r < 0 || r >= h || s < 0 || s >= w) continue;
                                    sum += (double) x[(r * w + s) * cin + ci] * dy[(i * ow + j) * cout + co];
                                }
                            }
                            assertThat((double) dFilter[((kh * k + kw) * cin + ci) * cout + co])
                                    .as("dW[%d,%d,%d,%d]", kh, kw, ci, co).isCloseTo(sum, within(1e-5));
                        }
                    }
                }
            }
            float[] dx = run(g, grads[0]);
            for (int r = 0; r < h; r++) {
                for (int s = 0; s < w; s++) {
                    for (int ci = 0; ci < cin; ci++) {
                        double sum = 0;
                        for (int i = 0; i < oh; i++) {
                            for (int j = 0; j < ow; j++) {
                                int kh = r + p - stride * i, kw = s + p - stride * j;
                                if (kh < 0 || kh >= k || kw < 0 || kw >= k) continue;
                                for (int co = 0; co < cout; co++) {
                                    sum += (double) filter[((kh * k + kw) * cin + ci) * cout + co]
                                            * dy[(i * ow + j) * cout + co];
                                }
                            }
                        }
                        assertThat((double) dx[(r * w + s) * cin + ci]).as("dx[%d,%d,%d]", r, s, ci)
                                .isCloseTo(sum, within(1e-5));
                    }
                }
            }
        }
    }

    private static GraphOperation only(Graph g, String type) {
        GraphOperation found = null;
        for (var it = g.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            if (op.type().equals(type)) {
                assertThat(found).as("one %s", type).isNull();
                found = op;
            }
        }
        assertThat(found).as(type).isNotNull();
        return found;
    }

    private static float[] run(Graph g, Output<?> fetch) {
        try (Session s = new Session(g); Result r = s.runner().fetch(fetch).run()) {
            TFloat32 t = (TFloat32) r.get(0);
            float[] out = new float[(int) t.size()];
            t.asRawTensor().data().asFloats().read(out);
            return out;
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }
}
