/* noise.c: corruptions for denoising (see noise.h). */
#include "noise.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

static const char *const names[] = {"", "gaussian", "mask", "saltpepper"};

int noise_parse(const char *s, noise_spec *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    if (!s || !*s || !strcmp(s, "none")) return 0;
    const char *colon = strchr(s, ':');
    int kind = 0;
    for (int k = 1; k <= NOISE_SALTPEPPER && colon; k++)
        if ((size_t)(colon - s) == strlen(names[k]) && !strncmp(s, names[k], colon - s)) kind = k;
    if (!kind)
        return ae_fail(err, "noise '%s': expected gaussian:SIGMA, mask:P or saltpepper:P", s);
    char *end;
    double v = strtod(colon + 1, &end);
    if (!colon[1] || *end || !isfinite(v))
        return ae_fail(err, "noise '%s': '%s' is not a number", s, colon + 1);
    if (kind == NOISE_GAUSSIAN ? !(v > 0 && v <= 10) : !(v > 0 && v < 1))
        return ae_fail(err, "noise '%s': %g is out of range (%s)", s, v,
                       kind == NOISE_GAUSSIAN ? "SIGMA above 0, at most 10" : "P above 0, below 1");
    out->kind = kind, out->level = v;
    return 0;
}

void noise_format(const noise_spec *ns, char *buf, int len)
{
    if (ns->kind <= NOISE_NONE || ns->kind > NOISE_SALTPEPPER)
        snprintf(buf, len, "%s", "");
    else
        snprintf(buf, len, "%s:%g", names[ns->kind], ns->level);
}

int noise_check(const noise_spec *ns, int images, ae_err *err)
{
    if (ns->kind == NOISE_SALTPEPPER && !images)
        return ae_fail(err, "noise saltpepper sets values to 0 or 1: it is for images in [0, 1], "
                            "not sequences (use gaussian or mask)");
    return 0;
}

/* splitmix64's finaliser: mixes a key into a stream number */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void noise_apply(const noise_spec *ns, float *x0, long rows, long cols, long stride, int clip,
                 uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    if (ns->kind == NOISE_NONE) return;
    rng r;
    rng_seed_stream(&r, seed, mix(mix(mix(a + 0x6e6f697365ULL) ^ b) ^ c));
    const double lv = ns->level;
    for (long row = 0; row < rows; row++) {
        float *x = x0 + row * stride;
        for (long i = 0; i < cols; i++) {
            if (ns->kind == NOISE_GAUSSIAN) {
                float v = (float)(x[i] + lv * rng_normal(&r));
                if (clip) v = v < 0 ? 0 : v > 1 ? 1 : v;
                x[i] = v;
            } else {
                double u = rng_uniform(&r);
                if (u >= lv) continue;
                x[i] = ns->kind == NOISE_MASK ? 0.0f : (u < lv / 2 ? 0.0f : 1.0f);
            }
        }
    }
}

double noise_psnr(double mse)
{
    return mse > 0 ? 10 * log10(1 / mse) : INFINITY;
}
