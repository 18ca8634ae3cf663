package org.seer4j.core.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.seer4j.core.port.Features;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.StepResult;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.tensor.Tensor;

/**
 * A model of three trunk weights and one prototype weight. A step pulls every weight towards the batch mean m:
 * loss = sum_i (1 + i)(w_i - m)^2, heavy-ball momentum v = mu v + g, w -= lr v in float (the prototype is skipped
 * while frozen). Loss, weights and momentum depend on the exact batches and their order, so any change in data order,
 * learning rate or restored state shows up in the numbers.
 */
final class FakeSwavModel implements SwavModel {
    static final String TRUNK = "trunk.weight";
    static final String PROTOTYPES = "prototypes.weight";
    static final String MOMENTUM = "momentum";

    final float[] w = new float[4];
    final float[] v = new float[4];
    final double mu;
    final List<StepPlan> plans = new ArrayList<>();
    final List<Double> losses = new ArrayList<>();
    final List<Double> batchMeans = new ArrayList<>();
    private final FakeClock clock;
    private final long nanAtIteration;
    boolean closed;
    int inferred;
    boolean loaded;

    FakeSwavModel(long seed, double mu, FakeClock clock, long nanAtIteration) {
        for (int i = 0; i < 4; i++) {
            w[i] = (float) (0.1 * (i + 1) + 0.01 * seed);
        }
        this.mu = mu;
        this.clock = clock;
        this.nanAtIteration = nanAtIteration;
    }

    @Override
    public StepResult step(MultiCropBatch batch, StepPlan plan) {
        plans.add(plan);
        double m = mean(batch);
        batchMeans.add(m);
        double loss = 0;
        for (int i = 0; i < 4; i++) {
            loss += (1 + i) * (w[i] - m) * (w[i] - m);
        }
        for (int i = 0; i < 4; i++) {
            if (i == 3 && plan.freezePrototypes()) {
                continue;
            }
            float g = (float) (2 * (1 + i) * (w[i] - m));
            v[i] = (float) (mu * v[i] + g);
            w[i] -= (float) (plan.lr() * v[i]);
        }
        if (plan.iteration() == nanAtIteration) {
            loss = Double.NaN;
        }
        losses.add(loss);
        clock.advanceMillis(500);
        return new StepResult(loss, 1, 1, 1, 1);
    }

    static double mean(MultiCropBatch batch) {
        double s = 0;
        long n = 0;
        for (Tensor t : batch.groups()) {
            for (int i = 0; i < t.size(); i++) {
                s += t.get(i);
            }
            n += t.size();
        }
        return s / n;
    }

    @Override
    public LossAndGradients lossAndGradients(MultiCropBatch batch, StepPlan plan) {
        throw new UnsupportedOperationException();
    }

    /** Features of image rows: [N, 2] = (mean of the image, w0), so classes differ in angle too. */
    @Override
    public Features infer(Tensor images) {
        int n = images.dim(0);
        int per = images.size() / n;
        float[] out = new float[n * 2];
        for (int r = 0; r < n; r++) {
            double s = 0;
            for (int j = 0; j < per; j++) {
                s += images.get(r * per + j);
            }
            out[2 * r] = (float) (s / per);
            out[2 * r + 1] = w[0];
        }
        inferred += n;
        return new Features(Tensor.of(out, n, 2), null);
    }

    @Override
    public Map<String, Tensor> weights() {
        return Map.of(TRUNK, Tensor.of(new float[] {w[0], w[1], w[2]}, 3), PROTOTYPES, Tensor.of(new float[] {w[3]}, 1));
    }

    @Override
    public void loadWeights(Map<String, Tensor> weights) {
        Tensor trunk = weights.get(TRUNK);
        for (int i = 0; i < 3; i++) {
            w[i] = trunk.get(i);
        }
        w[3] = weights.get(PROTOTYPES).get(0);
        loaded = true;
    }

    @Override
    public Map<String, Tensor> trainingState() {
        return Map.of(MOMENTUM, Tensor.of(v.clone(), 4));
    }

    @Override
    public void loadTrainingState(Map<String, Tensor> state) {
        state.get(MOMENTUM).copyTo(v, 0);
    }

    @Override
    public void close() {
        closed = true;
    }
}
