package org.seer4j.core.model;

import static org.seer4j.core.model.ParameterSpec.Kind.BN_BIAS;
import static org.seer4j.core.model.ParameterSpec.Kind.BN_RUNNING_MEAN;
import static org.seer4j.core.model.ParameterSpec.Kind.BN_RUNNING_VAR;
import static org.seer4j.core.model.ParameterSpec.Kind.BN_WEIGHT;
import static org.seer4j.core.model.ParameterSpec.Kind.CONV_BIAS;
import static org.seer4j.core.model.ParameterSpec.Kind.CONV_WEIGHT;
import static org.seer4j.core.model.ParameterSpec.Kind.LINEAR_BIAS;
import static org.seer4j.core.model.ParameterSpec.Kind.LINEAR_WEIGHT;
import static org.seer4j.core.model.ParameterSpec.Kind.PROTOTYPES;

import java.util.ArrayList;
import java.util.List;
import org.seer4j.core.regnet.BlockPlan;

/**
 * Every tensor of a model, named and ordered as torchvision's {@code state_dict()} lists them (without
 * {@code num_batches_tracked}), then the SwAV head and the prototypes. Engines build from this list and
 * read and write weights by these names.
 */
public final class ParameterLayout {
    private final List<ParameterSpec> specs = new ArrayList<>();

    private ParameterLayout() {
    }

    public static List<ParameterSpec> of(ModelDefinition model) {
        ParameterLayout l = new ParameterLayout();
        l.convBn("stem", model.trunk().stemWidth(), 3, 3, 1);
        for (BlockPlan b : model.trunk().blocks()) {
            String p = b.prefix();
            // torchvision registers the projection before the transform f.
            if (b.hasProjection()) l.convBn(p + ".proj", b.outWidth(), b.inWidth(), 1, 1);
            int wb = b.bottleneckWidth();
            l.convBn(p + ".f.a", wb, b.inWidth(), 1, 1);
            l.convBn(p + ".f.b", wb, wb, 3, b.groups());
            if (b.hasSe()) {
                l.add(p + ".f.se.fc1.weight", CONV_WEIGHT, b.seWidth(), wb, 1, 1);
                l.add(p + ".f.se.fc1.bias", CONV_BIAS, b.seWidth());
                l.add(p + ".f.se.fc2.weight", CONV_WEIGHT, wb, b.seWidth(), 1, 1);
                l.add(p + ".f.se.fc2.bias", CONV_BIAS, wb);
            }
            l.convBn(p + ".f.c", b.outWidth(), wb, 1, 1);
        }
        if (model.classes() > 0) l.linear("fc", model.trunk().outWidth(), model.classes());
        HeadSpec head = model.head();
        if (head != null) {
            int in = head.inWidth();
            int index = 0;
            for (int i = 0; i < head.dims().size(); i++) {
                int out = head.dims().get(i);
                l.linear("head." + index, in, out);
                boolean last = i == head.dims().size() - 1;
                if (!last && head.batchNorm()) l.bn("head." + (index + 1), out);
                index += head.batchNorm() ? 3 : 2; // Linear [, BN], ReLU
                in = out;
            }
            if (model.prototypes() > 0) l.add("prototypes.weight", PROTOTYPES, model.prototypes(), in);
        }
        return List.copyOf(l.specs);
    }

    private void convBn(String prefix, int out, int in, int k, int groups) {
        add(prefix + ".0.weight", CONV_WEIGHT, out, in / groups, k, k);
        bn(prefix + ".1", out);
    }

    private void bn(String prefix, int width) {
        add(prefix + ".weight", BN_WEIGHT, width);
        add(prefix + ".bias", BN_BIAS, width);
        add(prefix + ".running_mean", BN_RUNNING_MEAN, width);
        add(prefix + ".running_var", BN_RUNNING_VAR, width);
    }

    private void linear(String prefix, int in, int out) {
        add(prefix + ".weight", LINEAR_WEIGHT, out, in);
        add(prefix + ".bias", LINEAR_BIAS, out);
    }

    private void add(String name, ParameterSpec.Kind kind, int... shape) {
        specs.add(new ParameterSpec(name, shape, kind));
    }
}
