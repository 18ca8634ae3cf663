package org.seer4j.core.regnet;

/** How a stage's bottleneck width is made a multiple of its group width; the two conventions give different nets. */
public enum Rounding {
    /** pycls / ClassyVision / VISSL / timm: nearest multiple of g (of lcm(g, b) when b > 1). */
    PYCLS {
        @Override
        int[] compatible(int width, double b, int groupWidth) {
            int wb = (int) Math.max(1, width * b);
            int g = Math.min(groupWidth, wb);
            // pycls calls np.lcm(g, b), which only accepts integral b: refuse what pycls cannot build.
            if (b > 1 && b != Math.rint(b)) {
                throw new IllegalArgumentException("pycls rounding needs an integral bottleneck ratio above 1, got " + b);
            }
            int m = b > 1 ? lcm(g, (int) b) : g;
            int rounded = Math.max(m, (int) (Math.rint((double) wb / m) * m));
            return new int[] {(int) (rounded / b), g};
        }
    },
    /** torchvision: max(g, floor((w_b + g/2) / g) * g), plus one more g if below 0.9 * w_b. */
    TORCHVISION {
        @Override
        int[] compatible(int width, double b, int groupWidth) {
            int wb = (int) (width * b);
            if (wb < 1) throw new IllegalArgumentException("bottleneck width of stage width " + width + " x " + b + " is 0");
            int g = Math.min(groupWidth, wb);
            int rounded = Math.max(g, (int) (wb + g / 2.0) / g * g);
            if (rounded < 0.9 * wb) rounded += g;
            return new int[] {(int) (rounded / b), g};
        }
    };

    /** Step 5 of the RegNet recipe: returns {adjusted stage width, group width actually used}. */
    abstract int[] compatible(int width, double bottleneckRatio, int groupWidth);

    private static int lcm(int a, int b) {
        int x = a, y = b;
        while (y != 0) {
            int t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }
}
