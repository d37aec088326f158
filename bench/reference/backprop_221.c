/*
 * The project's C reference: a 2-2-1 sigmoid network trained on XOR, online, no momentum.
 *
 * It is the yardstick the engine's compiled fast path is timed against (bench/engine.py)
 * and checked against (tests/cli/test_cli_commands.py). It computes the derivation's
 * equations (docs/derivation.md) in the same order of operations as app/engine/kernels.py,
 * with no fused multiply-add (build with -ffp-contract=off), so the weights agree bit for
 * bit. It also does the per-epoch work the engine does: the divergence check and the
 * convergence test, so the speed ratio compares like with like.
 *
 * Converged (the project's one criterion): after an epoch's pass, with the weights as
 * they are then, every pattern's |e| < 0.1. The next epoch's first forward pass is
 * pattern 0's with those weights: it is done once for both, and the other patterns are
 * tried only when pattern 0 passes (as the engine does).
 *
 *   backprop_221 EPOCHS ETA v00 v01 v02 v10 v11 v12 w0 w1 w2
 *
 * v[j] = hidden neuron j's weights (input 0, input 1, bias); w = the output neuron's
 * weights (hidden 0, hidden 1, bias). Prints one JSON object: the epochs trained, the
 * epoch (counted from 1) after which the net was judged converged and stayed so (null
 * when it is not converged at the end), the final weights in the engine's nested
 * layout, the seconds of the loop and epochs/s.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PATTERNS 4
#define HIDDEN 2
#define CONVERGENCE_ERROR 0.1 /* converged: every pattern's |e| below this */

static const double SIGNAL[PATTERNS][2] = {{0.0, 0.0}, {0.0, 1.0}, {1.0, 0.0}, {1.0, 1.0}};
static const double DESIRED[PATTERNS] = {0.0, 1.0, 1.0, 0.0}; /* XOR */

static double sigma(double x) { return 1.0 / (1.0 + exp(-x)); }

/* The forward pass for signal s: hidden outputs h and the response r. */
static double respond(double v[HIDDEN][3], const double w[3], const double s[2],
                      double h[HIDDEN]) {
    for (int j = 0; j < HIDDEN; j++) {
        double b = v[j][0] * s[0] + v[j][1] * s[1] + v[j][2]; /* weighted input b */
        h[j] = sigma(b);
    }
    double a = w[0] * h[0] + w[1] * h[1] + w[2]; /* weighted input a */
    return sigma(a);
}

/* One pattern's backward pass and update, after its forward pass (h, r). Returns e. */
static double learn(double v[HIDDEN][3], double w[3], const double s[2], const double h[HIDDEN],
                    double r, double d, double eta) {
    double e = d - r;
    double delta_o = e * r * (1.0 - r);
    double delta_h[HIDDEN];
    for (int j = 0; j < HIDDEN; j++) {
        delta_h[j] = h[j] * (1.0 - h[j]) * delta_o * w[j]; /* with w before its update */
    }
    for (int j = 0; j < HIDDEN; j++) { /* Δv = η·δ_h·s, the bias's input is 1 */
        double g = eta * delta_h[j];
        v[j][0] += g * s[0];
        v[j][1] += g * s[1];
        v[j][2] += g;
    }
    double g = eta * delta_o; /* Δw = η·δ_o·h */
    w[0] += g * h[0];
    w[1] += g * h[1];
    w[2] += g;
    return e;
}

/* Do patterns first..3 all have |e| < 0.1 with these weights? */
static int close_from(double v[HIDDEN][3], const double w[3], int first) {
    double h[HIDDEN];
    for (int p = first; p < PATTERNS; p++) {
        if (!(fabs(DESIRED[p] - respond(v, w, SIGNAL[p], h)) < CONVERGENCE_ERROR)) return 0;
    }
    return 1;
}

static int finite_weights(double v[HIDDEN][3], const double w[3]) {
    for (int j = 0; j < HIDDEN; j++) {
        for (int i = 0; i < 3; i++) {
            if (!isfinite(v[j][i])) return 0;
        }
    }
    return isfinite(w[0]) && isfinite(w[1]) && isfinite(w[2]);
}

int main(int argc, char **argv) {
    if (argc != 12) {
        fprintf(stderr, "usage: %s EPOCHS ETA v00 v01 v02 v10 v11 v12 w0 w1 w2\n", argv[0]);
        return 2;
    }
    long long epochs = atoll(argv[1]);
    double eta = strtod(argv[2], NULL);
    double v[HIDDEN][3], w[3];
    for (int k = 0; k < 6; k++) v[k / 3][k % 3] = strtod(argv[3 + k], NULL);
    for (int k = 0; k < 3; k++) w[k] = strtod(argv[9 + k], NULL);

    struct timespec began, ended;
    clock_gettime(CLOCK_MONOTONIC, &began);
    long long done = 0, converged = -1;
    double h0[HIDDEN], r0 = 0.0; /* pattern 0's forward pass with the weights after a pass */
    int primed = 0;
    for (long long epoch = 0; epoch < epochs; epoch++) {
        for (int p = 0; p < PATTERNS; p++) {
            double h[HIDDEN], r;
            if (p == 0 && primed) {
                r = r0;
                h[0] = h0[0];
                h[1] = h0[1];
            } else {
                r = respond(v, w, SIGNAL[p], h);
            }
            learn(v, w, SIGNAL[p], h, r, DESIRED[p], eta);
        }
        done = epoch + 1;
        if (!finite_weights(v, w)) {
            converged = -1;
            break;
        }
        r0 = respond(v, w, SIGNAL[0], h0);
        primed = 1;
        int close = fabs(DESIRED[0] - r0) < CONVERGENCE_ERROR && close_from(v, w, 1);
        if (!close) converged = -1;
        else if (converged < 0) converged = done;
    }
    clock_gettime(CLOCK_MONOTONIC, &ended);
    double seconds = (double)(ended.tv_sec - began.tv_sec)
                     + 1e-9 * (double)(ended.tv_nsec - began.tv_nsec);

    printf("{\"epochs\": %lld, \"converged_epoch\": ", done);
    if (converged < 0) printf("null"); else printf("%lld", converged);
    printf(", \"seconds\": %.9g, \"epochs_per_second\": %.9g, ", seconds,
           seconds > 0 ? (double)done / seconds : 0.0);
    printf("\"weights\": [[[%.17g, %.17g, %.17g], [%.17g, %.17g, %.17g]], "
           "[[%.17g, %.17g, %.17g]]]}\n",
           v[0][0], v[0][1], v[0][2], v[1][0], v[1][1], v[1][2], w[0], w[1], w[2]);
    return 0;
}
