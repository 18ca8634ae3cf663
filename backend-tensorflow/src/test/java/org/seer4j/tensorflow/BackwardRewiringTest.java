package org.seer4j.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
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
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** {@link ReluGradients} and {@link BackwardRecompute}: the rewired gradients against values computed by hand. */
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
            Operand<TInt32> paddings = tf.constant(new int[][] {{0, 0}, {p, p}, {p, p}, {0, 0}});
            Operand<TFloat32> zero = tf.constant(0f);
            Operand<TFloat32> padded = tf.pad(in, paddings, zero);
            BackwardRecompute pads = new BackwardRecompute();
            pads.add(padded, (t, again) -> t.pad(again.apply(in), paddings, zero));
            Operand<TFloat32> out = tf.nn.conv2d(padded, f, List.of(1L, (long) stride, (long) stride, 1L), "VALID");
            Operand<TFloat32> upstream = tf.identity(tf.constant(Shape.of(1, oh, ow, cout), DataBuffers.of(dy)));
            Output<?>[] grads = g.addGradients("piece1", new Output<?>[] {out.asOutput()},
                    new Output<?>[] {in.asOutput(), f.asOutput()}, new Output<?>[] {upstream.asOutput()});

            assertThat(pads.rewire(g, tf.withSubScope("piece1"), "piece1",
                    new Output<?>[] {upstream.asOutput()})).as("the filter gradient's input").isEqualTo(1);
            GraphOperation filterGrad = only(g, "Conv2DBackpropFilter");
            GraphOperation again = (GraphOperation) filterGrad.input(0).op();
            assertThat(again).isNotEqualTo(padded.op());
            assertThat(again.type()).isEqualTo(padded.op().type());
            assertThat(again.controlInputs()).contains((GraphOperation) upstream.op());
            assertThat(pads.rewire(g, tf, "piece2", new Output<?>[] {upstream.asOutput()}))
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

    @Test
    void aRecipeReadingAnotherRecordedTensorGetsItComputedAgainOnceAndTheGradientsStayTheSame() {
        Random rnd = new Random(11);
        float[] x = random(rnd, 2 * 6 * 6 * 3);
        float[] filter = random(rnd, 3 * 3 * 3 * 4);
        float[] dy = random(rnd, 2 * 3 * 3 * 4);
        float[][] plain = bnReluPadConvGradients(x, filter, dy, false);
        float[][] recomputed = bnReluPadConvGradients(x, filter, dy, true);
        for (int k = 0; k < plain.length; k++) {
            for (int i = 0; i < plain[k].length; i++) {
                assertThat(recomputed[k][i]).as("gradient %d [%d]", k, i).isCloseTo(plain[k][i], within(1e-6f));
            }
        }
    }

    /**
     * Gradients of x (NHWC [2, 6, 6, 3]) and the filter through training-mode BN, ReLU, a pad of 1 and a stride-2
     * 3x3 convolution fed {@code dy}; with {@code recompute} the ReLU output and the padded tensor are computed
     * again in backward.
     */
    private static float[][] bnReluPadConvGradients(float[] x, float[] filter, float[] dy, boolean recompute) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Operand<TFloat32> in = tf.constant(Shape.of(2, 6, 6, 3), DataBuffers.of(x));
            Operand<TFloat32> f = tf.constant(Shape.of(3, 3, 3, 4), DataBuffers.of(filter));
            Operand<TFloat32> gamma = tf.constant(new float[] {1.5f, 0.5f, -1f});
            Operand<TFloat32> beta = tf.constant(new float[] {0.1f, -0.2f, 0.3f});
            Operand<TFloat32> empty = tf.constant(Shape.of(0), DataBuffers.ofFloats(0));
            Function<Ops, Operand<TFloat32>> bnRelu = t -> t.nn.relu(t.nn.fusedBatchNorm(in, gamma,
                    beta, empty, empty, FusedBatchNorm.epsilon(1e-5f), FusedBatchNorm.isTraining(true),
                    FusedBatchNorm.dataFormat("NHWC")).y());
            Operand<TFloat32> relu = bnRelu.apply(tf);
            Operand<TInt32> paddings = tf.constant(new int[][] {{0, 0}, {1, 1}, {1, 1}, {0, 0}});
            Operand<TFloat32> zero = tf.constant(0f);
            Operand<TFloat32> padded = tf.pad(relu, paddings, zero);
            Operand<TFloat32> out = tf.nn.conv2d(padded, f, List.of(1L, 2L, 2L, 1L), "VALID");
            Operand<TFloat32> upstream = tf.identity(tf.constant(Shape.of(2, 3, 3, 4), DataBuffers.of(dy)));
            Output<?>[] grads = g.addGradients("piece1", new Output<?>[] {out.asOutput()},
                    new Output<?>[] {in.asOutput(), f.asOutput()}, new Output<?>[] {upstream.asOutput()});
            if (recompute) {
                BackwardRecompute again = new BackwardRecompute();
                again.add(relu, (t, a) -> bnRelu.apply(t));
                again.add(padded, (t, a) -> t.pad(a.apply(relu), paddings, zero));
                ReluGradients.readOutputs(g, "piece1/");
                assertThat(again.rewire(g, tf.withSubScope("piece1"), "piece1",
                        new Output<?>[] {upstream.asOutput()})).as("ReluGrad and the filter gradient").isEqualTo(2);
                for (GraphOperation c : ((GraphOperation) relu.op()).consumers(0)) {
                    if (List.of("Shape", "Rank").contains(c.type())) continue; // they read the shape only
                    assertThat(c.name()).as("the forward ReLU output is read by forward ops only")
                            .doesNotStartWith("piece1/");
                }
                int relus = 0;
                for (var it = g.operations(); it.hasNext(); ) {
                    GraphOperation op = it.next();
                    if (op.type().equals("Relu") && op.name().contains("again")) relus++;
                }
                assertThat(relus).as("the ReLU output computed again once, for the pad and ReluGrad").isEqualTo(1);
            }
            return new float[][] {run(g, grads[0]), run(g, grads[1])};
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
