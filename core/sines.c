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
 * bytes, sample by sample. */
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

int sines_generate(int split, const ds_options *opt, dataset *out, ae_err *err)
{
    const double pi = 3.14159265358979323846;
    int n = opt->n, T = opt->t ? opt->t : 50, F = opt->f ? opt->f : 10;
    uint64_t seed = opt->seed ? opt->seed : SINES_SEED;
    if (n < 1) return ae_fail(err, "sines: %d samples asked for; at least 1 is needed", n);
    if (T < 2 || T > 100000) return ae_fail(err, "sines: %d time steps; need 2 to 100000", T);
    if (F < 1 || F > 100000) return ae_fail(err, "sines: %d features; need 1 to 100000", F);
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

    rng r;
    rng_seed_stream(&r, seed, split == DS_TEST ? 2 : 1);
    sha256_ctx sha;
    sha256_init(&sha);
    for (int i = 0; i < n; i++) {
        int c = (int)rng_below(&r, 4);
        double f = rng_range(&r, 1.0, 3.0);
        double p = rng_range(&r, 0.0, 2.0 * pi);
        double A = rng_range(&r, 0.5, 1.0);
        double b = rng_range(&r, -1.0, 1.0);
        out->labels[i] = (uint8_t)c;
        float *x = out->f32 + (size_t)i * out->dim;
        for (int k = 0; k < T; k++) {
            double t = (double)k / (T - 1);
            for (int j = 0; j < F; j++) {
                double g = F > 1 ? 1.0 - 0.4 * j / (F - 1) : 1.0;
                double s = sin(2.0 * pi * f * t + p + j * pi / F), pat;
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
                x[k * F + j] = (float)(v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v);
            }
        }
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
