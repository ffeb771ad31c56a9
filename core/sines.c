/* sines.c: the synthetic `sines` sequences for the LSTM autoencoder (sines_generate, see
 * dataset.h).
 *
 * For each sequence, drawn in this order from the split's own stream:
 *   class c in {sine, damped, trend, square}, uniform;  frequency f ~ U(1,3) cycles per window;
 *   phase p ~ U(0, 2pi);  amplitude A ~ U(0.5, 1);  slope b ~ U(-1, 1) (drawn for every class,
 *   used by trend only, so the stream position does not depend on the class);
 * then T*F standard normal noise values in [t][j] order. With t_k = k/(T-1), the phase offset
 * j*pi/F and gain g_j = 1 - 0.4*j/(F-1) (g_0 = 1 when F = 1) of feature j, and
 * s = sin(2*pi*f*t + p + j*pi/F), the pattern is
 *   sine: s;  damped: s*exp(-2.5t);  trend: 0.4*s + b*(2t-1);  square: tanh(3s)
 * and the value is clip(0.5 + 0.4*A*g_j*pattern + 0.05*noise, 0, 1), stored as float32.
 *
 * The seed is opt->seed, or 2024 when that is 0. The training split uses stream 1 of the seed
 * and the test split stream 2, so no test sequence repeats a training one; the first n of a
 * split are the same whatever n is. The SHA-256 covers the float32 values as little-endian
 * bytes, sample by sample.
 *
 * Injected anomalies (opt->anomalies = FRAC > 0, test split only), for tests and demos of
 * anomaly detection. They draw from stream 3 of the seed, the same number of values for every
 * sequence, so the normal sequences are exactly those generated without anomalies and the
 * first n of the split stay the same whatever n is. For each sequence: u ~ U(0,1) (anomalous
 * when u < FRAC, so about FRAC of them are), kind uniform over the four below, onset
 * t0 = floor(U(0.2, 0.8) * (T-1)), duration fraction d ~ U(0.15, 0.35), magnitude m ~ U(0.5, 1),
 * sign s = +-1. The kinds, on every feature:
 *   spike:      steps t0 and t0+1 move by 0.5*m towards the far side of 0.5 (a glitch);
 *   shift:      from t0 on, the values move by s*(0.15 + 0.1*m) (a level shift);
 *   frequency:  from t0 on, the frequency is (2 + 2m) times f, phase continuous;
 *   flat-line:  from t0 for max(2, d*T) steps, every value holds its value at t0 (a stuck sensor);
 * then the same clip to [0, 1]. ds->anomaly holds the kind of each sequence. */
#include "dataset.h"
#include "rng.h"
#include "sha256.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SINES_SEED       2024
#define SINES_MAX_VALUES (1ull << 28) /* 1 GiB of float32 */

static const char *const sines_names[4] = {"sine", "damped", "trend", "square"};
const char *const ds_anomaly_names[DS_ANOM_KINDS] = {"normal", "spike", "shift", "frequency",
                                                     "flat-line"};

typedef struct injected {
    int kind, t0, len;
    double m, sign, fmul;
} injected;

static injected draw_anomaly(rng *r, double frac, int T)
{
    injected a;
    double u = rng_uniform(r);
    int kind = 1 + (int)rng_below(r, 4);
    a.t0 = (int)(rng_range(r, 0.2, 0.8) * (T - 1));
    double d = rng_range(r, 0.15, 0.35);
    a.m = rng_range(r, 0.5, 1.0);
    a.sign = rng_uniform(r) < 0.5 ? -1.0 : 1.0;
    a.kind = u < frac ? kind : DS_ANOM_NONE;
    a.len = (int)(d * T) > 2 ? (int)(d * T) : 2;
    a.fmul = 2.0 + 2.0 * a.m;
    return a;
}

int sines_generate(int split, const ds_options *opt, dataset *out, ae_err *err)
{
    const double pi = 3.14159265358979323846;
    int n = opt->n, T = opt->t ? opt->t : 50, F = opt->f ? opt->f : 10;
    uint64_t seed = opt->seed ? opt->seed : SINES_SEED;
    if (n < 1) return ae_fail(err, "sines: %d samples asked for; at least 1 is needed", n);
    if (T < 2 || T > 100000) return ae_fail(err, "sines: %d time steps; need 2 to 100000", T);
    if (F < 1 || F > 100000) return ae_fail(err, "sines: %d features; need 1 to 100000", F);
    double frac = split == DS_TEST ? opt->anomalies : 0.0;
    if (!(opt->anomalies >= 0.0 && opt->anomalies <= 0.5))
        return ae_fail(err, "sines: anomalies %g: the fraction must be 0 to 0.5", opt->anomalies);
    if ((unsigned long long)n * T * F > SINES_MAX_VALUES)
        return ae_fail(err, "sines: %d sequences of %dx%d are too many (at most %llu values)", n, T,
                       F, SINES_MAX_VALUES);

    snprintf(out->name, sizeof out->name, "sines");
    out->split = split;
    out->kind = DS_SEQUENCES;
    out->t = T;
    out->f = F;
    out->dim = T * F;
    out->f32 = malloc(sizeof(float) * (size_t)n * out->dim);
    out->labels = malloc((size_t)n);
    if (!out->f32 || !out->labels)
        return ae_fail(err, "sines: out of memory for %d sequences of %dx%d", n, T, F);
    out->nclasses = 4;
    for (int k = 0; k < 4; k++)
        snprintf(out->class_names[k], sizeof out->class_names[k], "%s", sines_names[k]);

    if (frac > 0 && !(out->anomaly = calloc((size_t)n, 1)))
        return ae_fail(err, "sines: out of memory for %d sequences", n);
    rng r, ra;
    rng_seed_stream(&r, seed, split == DS_TEST ? 2 : 1);
    rng_seed_stream(&ra, seed, 3);
    sha256_ctx sha;
    sha256_init(&sha);
    for (int i = 0; i < n; i++) {
        int c = (int)rng_below(&r, 4);
        double f = rng_range(&r, 1.0, 3.0);
        double p = rng_range(&r, 0.0, 2.0 * pi);
        double A = rng_range(&r, 0.5, 1.0);
        double b = rng_range(&r, -1.0, 1.0);
        injected a = {0};
        if (frac > 0) a = draw_anomaly(&ra, frac, T), out->anomaly[i] = (uint8_t)a.kind;
        out->labels[i] = (uint8_t)c;
        float *x = out->f32 + (size_t)i * out->dim;
        double t_on = (double)a.t0 / (T - 1);
        for (int k = 0; k < T; k++) {
            double t = (double)k / (T - 1);
            /* cycles so far: f*t, or with a frequency change f*t0 + fmul*f*(t - t0) */
            double cyc =
                a.kind == DS_ANOM_FREQ && k > a.t0 ? f * t_on + a.fmul * f * (t - t_on) : f * t;
            for (int j = 0; j < F; j++) {
                double g = F > 1 ? 1.0 - 0.4 * j / (F - 1) : 1.0;
                double s = sin(2.0 * pi * cyc + p + j * pi / F), pat;
                switch (c) {
                case 0:
                    pat = s;
                    break;
                case 1:
                    pat = s * exp(-2.5 * t);
                    break;
                case 2:
                    pat = 0.4 * s + b * (2.0 * t - 1.0);
                    break;
                default:
                    pat = tanh(3.0 * s);
                    break;
                }
                double v = 0.5 + 0.4 * A * g * pat + 0.05 * rng_normal(&r);
                if (a.kind == DS_ANOM_SPIKE && (k == a.t0 || k == a.t0 + 1))
                    v += v > 0.5 ? -0.5 * a.m : 0.5 * a.m;
                else if (a.kind == DS_ANOM_SHIFT && k >= a.t0)
                    v += a.sign * (0.15 + 0.1 * a.m);
                x[k * F + j] = (float)(v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v);
            }
        }
        if (a.kind == DS_ANOM_FLAT)
            for (int k = a.t0 + 1; k < T && k < a.t0 + a.len; k++)
                memcpy(x + k * F, x + a.t0 * F, sizeof(float) * F);
        /* hash as little-endian bytes whatever the machine */
        uint8_t le[4096];
        size_t nle = 0;
        for (int k = 0; k < out->dim; k++) {
            uint32_t u;
            memcpy(&u, &x[k], 4);
            le[nle++] = (uint8_t)u;
            le[nle++] = (uint8_t)(u >> 8);
            le[nle++] = (uint8_t)(u >> 16);
            le[nle++] = (uint8_t)(u >> 24);
            if (nle == sizeof le) {
                sha256_update(&sha, le, nle);
                nle = 0;
            }
        }
        sha256_update(&sha, le, nle);
    }
    sha256_hex(&sha, out->sha256);
    out->n = n;
    out->nfiles = 0;
    return 0;
}
