package org.seer4j.core.model;

import java.util.Random;
import org.seer4j.core.regnet.RegNetSpec;
import org.seer4j.core.regnet.Rounding;

/** Random design-space points that both rounding conventions can build (integral b > 1 only under pycls). */
final class RandomSpecs {
    private static final double[] SHRINKING = {1.0, 0.5, 0.25};
    private static final double[] ANY_PYCLS = {1.0, 0.5, 0.25, 2.0, 4.0};

    private RandomSpecs() {
    }

    static RegNetSpec next(Random r) {
        Rounding rounding = r.nextBoolean() ? Rounding.PYCLS : Rounding.TORCHVISION;
        double[] ratios = rounding == Rounding.PYCLS ? ANY_PYCLS : SHRINKING;
        double wa = r.nextInt(5) == 0 ? 0 : r.nextDouble() * 300;
        double se = switch (r.nextInt(3)) {
            case 0 -> 0;
            case 1 -> 0.25;
            default -> r.nextDouble() * 0.5;
        };
        return new RegNetSpec(1 + r.nextInt(30), 8 * (1 + r.nextInt(64)), wa, 1.05 + r.nextDouble() * 2.5,
                1 + r.nextInt(300), ratios[r.nextInt(ratios.length)], se, 8 + r.nextInt(57), rounding);
    }
}
