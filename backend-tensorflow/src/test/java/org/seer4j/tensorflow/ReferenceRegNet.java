package org.seer4j.tensorflow;

import java.util.Map;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.regnet.BlockPlan;
import org.seer4j.core.tensor.Tensor;

/**
 * A plain-Java eval-mode RegNet forward in double precision, written from torchvision's definition (NCHW, OIHW,
 * zero padding k/2 on every side, grouped convolutions, BN with running statistics, SE, global average pool):
 * the independent oracle for the engine's inference graph.
 */
final class ReferenceRegNet {
    /** An activation: n x c x h x w doubles, row-major. */
    record Act(int n, int c, int h, int w, double[] v) {
        double at(int b, int ch, int y, int x) {
            return v[((b * c + ch) * h + y) * w + x];
        }
    }

    private final ModelDefinition def;
    private final Map<String, Tensor> weights;

    ReferenceRegNet(ModelDefinition def, Map<String, Tensor> weights) {
        this.def = def;
        this.weights = weights;
    }

    static Act of(Tensor images) {
        double[] v = new double[images.size()];
        for (int i = 0; i < v.length; i++) v[i] = images.get(i);
        return new Act(images.dim(0), images.dim(1), images.dim(2), images.dim(3), v);
    }

    /** Pooled trunk features [N][C]. */
    double[][] pooled(Tensor images) {
        Act x = stem(of(images));
        for (BlockPlan b : def.trunk().blocks()) x = block(x, b);
        double[][] out = new double[x.n()][x.c()];
        for (int b = 0; b < x.n(); b++) {
            for (int ch = 0; ch < x.c(); ch++) {
                double s = 0;
                for (int i = 0; i < x.h() * x.w(); i++) s += x.v()[(b * x.c() + ch) * x.h() * x.w() + i];
                out[b][ch] = s / (x.h() * x.w());
            }
        }
        return out;
    }

    /** The stem convolution alone (before BN), for checking batch statistics. */
    Act stemConv(Tensor images) {
        return conv(of(images), "stem.0.weight", def.stemStride(), 1);
    }

    private Act stem(Act x) {
        return relu(bn(conv(x, "stem.0.weight", def.stemStride(), 1), "stem.1"));
    }

    private Act block(Act in, BlockPlan b) {
        String p = b.prefix();
        Act x = relu(bn(conv(in, p + ".f.a.0.weight", 1, 1), p + ".f.a.1"));
        x = relu(bn(conv(x, p + ".f.b.0.weight", b.stride(), b.groups()), p + ".f.b.1"));
        if (b.hasSe()) x = se(x, p + ".f.se");
        x = bn(conv(x, p + ".f.c.0.weight", 1, 1), p + ".f.c.1");
        Act s = b.hasProjection() ? bn(conv(in, p + ".proj.0.weight", b.stride(), 1), p + ".proj.1") : in;
        double[] v = new double[x.v().length];
        for (int i = 0; i < v.length; i++) v[i] = Math.max(0, x.v()[i] + s.v()[i]);
        return new Act(x.n(), x.c(), x.h(), x.w(), v);
    }

    private Act se(Act x, String p) {
        Tensor w1 = weights.get(p + ".fc1.weight");
        Tensor b1 = weights.get(p + ".fc1.bias");
        Tensor w2 = weights.get(p + ".fc2.weight");
        Tensor b2 = weights.get(p + ".fc2.bias");
        int hidden = w1.dim(0);
        double[] v = x.v().clone();
        int hw = x.h() * x.w();
        for (int b = 0; b < x.n(); b++) {
            double[] mean = new double[x.c()];
            for (int ch = 0; ch < x.c(); ch++) {
                for (int i = 0; i < hw; i++) mean[ch] += x.v()[(b * x.c() + ch) * hw + i];
                mean[ch] /= hw;
            }
            double[] h = new double[hidden];
            for (int o = 0; o < hidden; o++) {
                double s = b1.get(o);
                for (int ch = 0; ch < x.c(); ch++) s += w1.get(o * x.c() + ch) * mean[ch];
                h[o] = Math.max(0, s);
            }
            for (int ch = 0; ch < x.c(); ch++) {
                double s = b2.get(ch);
                for (int o = 0; o < hidden; o++) s += w2.get(ch * hidden + o) * h[o];
                double gate = 1 / (1 + Math.exp(-s));
                for (int i = 0; i < hw; i++) v[(b * x.c() + ch) * hw + i] *= gate;
            }
        }
        return new Act(x.n(), x.c(), x.h(), x.w(), v);
    }

    Act conv(Act x, String name, int stride, int groups) {
        Tensor w = weights.get(name);
        int out = w.dim(0), inPerGroup = w.dim(1), k = w.dim(2), pad = k / 2;
        int outPerGroup = out / groups;
        int oh = (x.h() + 2 * pad - k) / stride + 1, ow = (x.w() + 2 * pad - k) / stride + 1;
        double[] v = new double[x.n() * out * oh * ow];
        for (int b = 0; b < x.n(); b++) {
            for (int o = 0; o < out; o++) {
                int g = o / outPerGroup;
                for (int y = 0; y < oh; y++) {
                    for (int xx = 0; xx < ow; xx++) {
                        double s = 0;
                        for (int i = 0; i < inPerGroup; i++) {
                            int ch = g * inPerGroup + i;
                            for (int ky = 0; ky < k; ky++) {
                                int iy = y * stride - pad + ky;
                                if (iy < 0 || iy >= x.h()) continue;
                                for (int kx = 0; kx < k; kx++) {
                                    int ix = xx * stride - pad + kx;
                                    if (ix < 0 || ix >= x.w()) continue;
                                    s += w.get(((o * inPerGroup + i) * k + ky) * k + kx) * x.at(b, ch, iy, ix);
                                }
                            }
                        }
                        v[((b * out + o) * oh + y) * ow + xx] = s;
                    }
                }
            }
        }
        return new Act(x.n(), out, oh, ow, v);
    }

    private Act bn(Act x, String p) {
        Tensor g = weights.get(p + ".weight"), be = weights.get(p + ".bias");
        Tensor m = weights.get(p + ".running_mean"), var = weights.get(p + ".running_var");
        double[] v = x.v().clone();
        int hw = x.h() * x.w();
        for (int b = 0; b < x.n(); b++) {
            for (int ch = 0; ch < x.c(); ch++) {
                double scale = g.get(ch) / Math.sqrt(var.get(ch) + 1e-5);
                for (int i = 0; i < hw; i++) {
                    int at = (b * x.c() + ch) * hw + i;
                    v[at] = (v[at] - m.get(ch)) * scale + be.get(ch);
                }
            }
        }
        return new Act(x.n(), x.c(), x.h(), x.w(), v);
    }

    private static Act relu(Act x) {
        double[] v = x.v().clone();
        for (int i = 0; i < v.length; i++) v[i] = Math.max(0, v[i]);
        return new Act(x.n(), x.c(), x.h(), x.w(), v);
    }
}
