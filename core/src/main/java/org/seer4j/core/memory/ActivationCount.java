package org.seer4j.core.memory;

import org.seer4j.core.model.HeadSpec;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.regnet.BlockPlan;

/**
 * The values autograd keeps from a training forward pass for backward, per image of one resolution, counted from
 * the RegNet block plan. Each tensor is counted once, by its producer:
 * <ul>
 *   <li>every convolution keeps its input (shared with whoever else keeps the same tensor);</li>
 *   <li>every training-mode BN keeps its input (the convolution's output); its output only feeds a ReLU or the
 *       residual add and is freed;</li>
 *   <li>every ReLU keeps its output (which is also the next convolution's input);</li>
 *   <li>SE keeps the excited tensor (f.b's ReLU output times the gates: the input of f.c); the pooled vector and
 *       the gates are C values per image and counted too;</li>
 *   <li>the residual add keeps nothing; the input images are held by the engine for the step.</li>
 * </ul>
 * A block with input side h, output side h', bottleneck wb and out channels w keeps
 * {@code 2 wb h^2 (f.a conv out, f.a ReLU out) + 3 wb h'^2 (f.b conv out, ReLU out, SE product) + 2 w h'^2
 * (f.c conv out, block ReLU out) [+ w h'^2 projection conv out]}. The head keeps each linear's input and output,
 * the ReLU outputs, the normalised embedding and the prototype scores.
 *
 * <p>{@link #largestTensor} is the biggest single activation, which sets the size of backward's transient
 * gradient buffers.
 */
public record ActivationCount(long trunkValues, long headValues, long imageValues, long[] stageValues,
                              long[] stageInputValues, long largestTensor) {

    /** Per image of {@code resolution} x {@code resolution} pixels. */
    public static ActivationCount of(ModelDefinition model, int resolution) {
        int stages = model.trunk().stages().size();
        long[] stage = new long[stages];
        long[] stageInput = new long[stages];
        int stem = model.trunk().stemWidth();
        int h = side(resolution, 3, model.stemStride());
        long stemValues = 2L * stem * h * h; // conv out (BN input), ReLU out
        long largest = (long) stem * h * h;
        int previousStage = 0;
        for (BlockPlan b : model.trunk().blocks()) {
            int s = b.stage() - 1;
            if (b.stage() != previousStage) {
                stageInput[s] = (long) b.inWidth() * h * h;
                previousStage = b.stage();
            }
            int out = side(h, 3, b.stride());
            long wb = b.bottleneckWidth();
            long inArea = (long) h * h;
            long outArea = (long) out * out;
            long v = 2 * wb * inArea + 3 * wb * outArea + 2L * b.outWidth() * outArea;
            if (b.hasProjection()) v += (long) b.outWidth() * outArea;
            if (b.hasSe()) v += 2 * wb + b.seWidth();
            stage[s] += v;
            largest = Math.max(largest, Math.max(wb * inArea, (long) b.outWidth() * outArea));
            h = out;
        }
        long trunk = stemValues;
        for (long v : stage) trunk += v;
        long head = 0;
        HeadSpec spec = model.head();
        if (spec != null) {
            long in = spec.inWidth();
            head += in; // pooled features
            for (int i = 0; i < spec.dims().size(); i++) {
                long d = spec.dims().get(i);
                boolean last = i == spec.dims().size() - 1;
                head += d; // linear output (BN input, or the embedding)
                if (!last) head += spec.batchNorm() ? 2 * d : d; // [BN output,] ReLU output
                in = d;
            }
            head += in + 2L * model.prototypes(); // normalised embedding, scores, their log-softmax
        }
        long image = 3L * resolution * resolution;
        return new ActivationCount(trunk, head, image, stage, stageInput, largest);
    }

    /** Output side of a k x k convolution with padding k / 2. */
    static int side(int h, int k, int stride) {
        return (h + 2 * (k / 2) - k) / stride + 1;
    }

    /** Everything kept when every activation is stored. */
    public long totalValues() {
        return imageValues + trunkValues + headValues;
    }

    /**
     * With activation checkpointing: only each stage's input (and the stem, the head) is kept during forward; a
     * stage's activations are recomputed one stage at a time in backward ({@link #largestStageValues}).
     */
    public long checkpointedValues() {
        long v = imageValues + headValues + (trunkValues - sum(stageValues));
        // stage 1's input is the stem's ReLU output, already in the trunk's remainder
        for (int s = 1; s < stageInputValues.length; s++) v += stageInputValues[s];
        return v;
    }

    /** The largest stage's activations: what backward rebuilds at once under activation checkpointing. */
    public long largestStageValues() {
        long m = 0;
        for (long v : stageValues) m = Math.max(m, v);
        return m;
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) s += x;
        return s;
    }
}
