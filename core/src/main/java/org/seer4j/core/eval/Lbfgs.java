package org.seer4j.core.eval;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Limited-memory BFGS with a backtracking (Armijo) line search, for smooth convex objectives such as the
 * logistic-regression probe. Deterministic: no randomness, fixed operation order.
 */
final class Lbfgs {
    /** f(x) with its gradient written into g. */
    interface Objective {
        double valueAndGradient(double[] x, double[] g);
    }

    private final int memory;
    private final int maxIterations;
    private final double gradientTolerance;

    Lbfgs(int memory, int maxIterations, double gradientTolerance) {
        this.memory = memory;
        this.maxIterations = maxIterations;
        this.gradientTolerance = gradientTolerance;
    }

    /** Minimises from {@code x} (updated in place); returns the final objective value. */
    double minimise(Objective f, double[] x) {
        int n = x.length;
        double[] g = new double[n];
        double fx = f.valueAndGradient(x, g);
        Deque<double[]> sHist = new ArrayDeque<>();
        Deque<double[]> yHist = new ArrayDeque<>();
        double[] trial = new double[n];
        double[] gTrial = new double[n];
        for (int it = 0; it < maxIterations; it++) {
            double gNorm = Math.sqrt(dot(g, g));
            if (gNorm <= gradientTolerance) {
                break;
            }
            double[] d = direction(g, sHist, yHist);
            double slope = dot(g, d);
            if (slope >= 0) {
                // Not a descent direction (numerical trouble): forget the curvature and go downhill.
                sHist.clear();
                yHist.clear();
                for (int i = 0; i < n; i++) {
                    d[i] = -g[i];
                }
                slope = -gNorm * gNorm;
            }
            double step = sHist.isEmpty() ? Math.min(1, 1 / gNorm) : 1;
            double fTrial = Double.NaN;
            boolean accepted = false;
            for (int tries = 0; tries < 40; tries++) {
                for (int i = 0; i < n; i++) {
                    trial[i] = x[i] + step * d[i];
                }
                fTrial = f.valueAndGradient(trial, gTrial);
                if (fTrial <= fx + 1e-4 * step * slope) {
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted) {
                break;
            }
            double[] s = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = trial[i] - x[i];
                y[i] = gTrial[i] - g[i];
            }
            System.arraycopy(trial, 0, x, 0, n);
            System.arraycopy(gTrial, 0, g, 0, n);
            boolean flat = Math.abs(fx - fTrial) <= 1e-12 * Math.max(1, Math.abs(fx));
            fx = fTrial;
            if (dot(s, y) > 1e-12) {
                sHist.addLast(s);
                yHist.addLast(y);
                if (sHist.size() > memory) {
                    sHist.removeFirst();
                    yHist.removeFirst();
                }
            }
            if (flat) {
                break;
            }
        }
        return fx;
    }

    /** -H g by the two-loop recursion over the stored curvature pairs (oldest first in the deques). */
    private static double[] direction(double[] g, Deque<double[]> sHist, Deque<double[]> yHist) {
        int m = sHist.size();
        double[] q = g.clone();
        double[] alpha = new double[m];
        double[] rho = new double[m];
        double[][] s = sHist.toArray(new double[0][]);
        double[][] y = yHist.toArray(new double[0][]);
        for (int i = m - 1; i >= 0; i--) {
            rho[i] = 1 / dot(y[i], s[i]);
            alpha[i] = rho[i] * dot(s[i], q);
            axpy(-alpha[i], y[i], q);
        }
        if (m > 0) {
            double gamma = dot(s[m - 1], y[m - 1]) / dot(y[m - 1], y[m - 1]);
            for (int i = 0; i < q.length; i++) {
                q[i] *= gamma;
            }
        }
        for (int i = 0; i < m; i++) {
            double beta = rho[i] * dot(y[i], q);
            axpy(alpha[i] - beta, s[i], q);
        }
        for (int i = 0; i < q.length; i++) {
            q[i] = -q[i];
        }
        return q;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }
}
