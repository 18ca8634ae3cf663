package org.seer4j.tensorflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.SwavObjective;
import org.seer4j.core.tensor.Tensor;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The SwAV objective with the same graph ops the training step uses ({@link SwavLossGraph}), on port tensors.
 * Each call builds a small graph of its own; gradients come back under {@code scores.<crop>}, one [B, K] per crop.
 */
final class TfSwavObjective implements SwavObjective {

    static String gradientName(int crop) {
        return "scores." + crop;
    }

    @Override
    public Tensor codes(Tensor scores, Tensor queueScores, double epsilon, int iterations) {
        check(scores, "scores");
        if (queueScores != null && (queueScores.rank() != 2 || queueScores.dim(1) != scores.dim(1))) {
            throw new IllegalArgumentException("queue scores must be [Q, " + scores.dim(1) + "], got " + queueScores);
        }
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> s = tf.placeholder(TFloat32.class);
            Placeholder<TFloat32> q = queueScores == null ? null : tf.placeholder(TFloat32.class);
            Operand<TFloat32> codes = SwavLossGraph.codes(tf, s, q, scores.dim(0), scores.dim(1), epsilon, iterations);
            try (Session session = new Session(g); TFloat32 ts = TfTensors.toTf(scores);
                 TFloat32 tq = queueScores == null ? null : TfTensors.toTf(queueScores)) {
                Session.Runner runner = session.runner().feed(s, ts).fetch(codes);
                if (q != null) runner.feed(q, tq);
                try (Result r = runner.run()) {
                    return TfTensors.fromTf(r.get(0));
                }
            }
        }
    }

    @Override
    public LossAndGradients loss(List<Tensor> scores, List<Integer> assignCrops, double temperature, double epsilon,
                                 int iterations) {
        if (scores.size() < 2) throw new IllegalArgumentException("SwAV needs at least 2 crops, got " + scores.size());
        int batch = scores.get(0).dim(0);
        int k = scores.get(0).dim(1);
        for (Tensor t : scores) {
            check(t, "scores");
            if (t.dim(0) != batch || t.dim(1) != k) {
                throw new IllegalArgumentException("every crop's scores must be [" + batch + ", " + k + "], got " + t);
            }
        }
        for (int c : assignCrops) {
            if (c < 0 || c >= scores.size()) throw new IllegalArgumentException("no crop " + c + " to assign from");
        }
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            List<Placeholder<TFloat32>> feeds = new ArrayList<>();
            List<Operand<TFloat32>> parts = new ArrayList<>();
            for (int c = 0; c < scores.size(); c++) {
                Placeholder<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(TfTensors.shape(batch, k)));
                feeds.add(p);
                parts.add(p);
            }
            Operand<TFloat32> all = tf.concat(parts, tf.constant(0));
            List<Operand<TFloat32>> codes = new ArrayList<>();
            for (int c : assignCrops) {
                codes.add(SwavLossGraph.codes(tf, SwavLossGraph.crop(tf, all, c, batch), null, batch, k, epsilon,
                        iterations));
            }
            Operand<TFloat32> loss = SwavLossGraph.loss(tf, all, scores.size(), batch, k, assignCrops, codes,
                    temperature);
            Output<?>[] xs = feeds.stream().map(Placeholder::asOutput).toArray(Output<?>[]::new);
            Output<?>[] grads = g.addGradients("grad", new Output<?>[] {loss.asOutput()}, xs, null);
            List<TFloat32> fed = new ArrayList<>();
            try (Session session = new Session(g)) {
                Session.Runner runner = session.runner().fetch(loss);
                for (int c = 0; c < scores.size(); c++) {
                    TFloat32 t = TfTensors.toTf(scores.get(c));
                    fed.add(t);
                    runner.feed(feeds.get(c), t);
                    runner.fetch(grads[c]);
                }
                try (Result r = runner.run()) {
                    Map<String, Tensor> out = new LinkedHashMap<>();
                    for (int c = 0; c < scores.size(); c++) out.put(gradientName(c), TfTensors.fromTf(r.get(c + 1)));
                    return new LossAndGradients(TfTensors.scalar(r.get(0)), out);
                }
            } finally {
                fed.forEach(TFloat32::close);
            }
        }
    }

    private static void check(Tensor t, String what) {
        if (t.rank() != 2) throw new IllegalArgumentException(what + " must be [B, K], got " + t);
    }
}
