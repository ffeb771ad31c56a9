/* lstm.c: the LSTM layer, time-major, Keras semantics (see layers.h).
 *
 * Forward: the input projection of all T steps is one SGEMM (or one B-row SGEMM when the input
 * is the same at every step, as behind RepeatVector); each step adds h(t-1) @ wh with one SGEMM
 * into its 4H gate block and finishes with one fused pass over the gates.
 * Backward: walks the steps in reverse with one SGEMM per step (dh(t-1) += dz(t) @ wh^T), turns
 * the cached gate block into dz in place, and finishes with large SGEMMs for the weight
 * gradients over all steps at once. */
#include <math.h>
#include <string.h>

#include "blas.h"
#include "fastmath.h"
#include "layers.h"

/* One sample's gates at one step: z (4H) pre-activations in, activated gates out; the new
 * cell state, its tanh and the hidden state. Two loop bodies so that each vectorises. */
static void cell_forward(float *restrict z, const float *restrict cprev, float *restrict c,
                         float *restrict tc, float *restrict h, int H)
{
    float *zi = z, *zf = z + H, *zg = z + 2 * H, *zo = z + 3 * H;
    if (cprev) {
        for (int j = 0; j < H; j++) {
            float ig = ae_sigmoidf(zi[j]), fg = ae_sigmoidf(zf[j]);
            float gg = ae_tanhf(zg[j]), og = ae_sigmoidf(zo[j]);
            float cv = ig * gg + fg * cprev[j], tcv = ae_tanhf(cv);
            c[j] = cv, tc[j] = tcv, h[j] = og * tcv;
            zi[j] = ig, zf[j] = fg, zg[j] = gg, zo[j] = og;
        }
    } else {
        for (int j = 0; j < H; j++) {
            float ig = ae_sigmoidf(zi[j]), fg = ae_sigmoidf(zf[j]);
            float gg = ae_tanhf(zg[j]), og = ae_sigmoidf(zo[j]);
            float cv = ig * gg, tcv = ae_tanhf(cv);
            c[j] = cv, tc[j] = tcv, h[j] = og * tcv;
            zi[j] = ig, zf[j] = fg, zg[j] = gg, zo[j] = og;
        }
    }
}

/* The same step backward: gates in z become d(pre-activation); dcarry is dc from the step
 * after, replaced by dc for the step before. cprev NULL at the first step. */
static void cell_backward(float *restrict z, const float *restrict cprev,
                          const float *restrict tc, const float *restrict dh,
                          float *restrict dcarry, int H)
{
    float *zi = z, *zf = z + H, *zg = z + 2 * H, *zo = z + 3 * H;
    for (int j = 0; j < H; j++) {
        float ig = zi[j], fg = zf[j], gg = zg[j], og = zo[j], tcv = tc[j];
        float dct = dh[j] * og * (1 - tcv * tcv) + dcarry[j];
        float dog = dh[j] * tcv;
        float dfg = cprev ? dct * cprev[j] : 0.0f;
        dcarry[j] = dct * fg;
        zi[j] = dct * gg * ig * (1 - ig);
        zf[j] = dfg * fg * (1 - fg);
        zg[j] = dct * ig * (1 - gg * gg);
        zo[j] = dog * og * (1 - og);
    }
}

void lstm_forward(lstm_cache *cache, const float *x, int x_repeated, const float *wx,
                  const float *wh, const float *b, int T, int B, int IN, int H)
{
    const int G = 4 * H;
    const long step = (long)B * G;
    float *gates = cache->gates;
    if (!x_repeated) {
        blas_sgemm(0, 0, T * B, G, IN, 1.0f, x, IN, wx, G, 0.0f, gates, G);
        bias_act_forward(gates, b, (long)T * B, G, ACT_NONE);
    } else {
        blas_sgemm(0, 0, B, G, IN, 1.0f, x, IN, wx, G, 0.0f, gates, G);
        bias_act_forward(gates, b, B, G, ACT_NONE);
        for (int t = 1; t < T; t++) memcpy(gates + t * step, gates, sizeof(float) * step);
    }
    for (int t = 0; t < T; t++) {
        float *z = gates + t * step;
        float *c = cache->c + (long)t * B * H, *tc = cache->tc + (long)t * B * H;
        float *h = cache->h + (long)t * B * H;
        const float *cprev = t ? c - (long)B * H : NULL;
        if (t) blas_sgemm(0, 0, B, G, H, 1.0f, h - (long)B * H, H, wh, G, 1.0f, z, G);
        for (int bb = 0; bb < B; bb++)
            cell_forward(z + (long)bb * G, cprev ? cprev + (long)bb * H : NULL, c + (long)bb * H,
                         tc + (long)bb * H, h + (long)bb * H, H);
    }
}

void lstm_backward(float *dx, float *dwx, float *dwh, float *db, float *dh, const lstm_cache *cache,
                   const float *x, int x_repeated, const float *wx, const float *wh, int T, int B,
                   int IN, int H, float *ws)
{
    const int G = 4 * H;
    const long step = (long)B * G, hstep = (long)B * H;
    float *dz = cache->gates; /* the gate cache becomes d(pre-activation) step by step */
    float *dcarry = ws;       /* dc flowing to the previous step, (B,H) */
    memset(dcarry, 0, sizeof(float) * hstep);
    for (int t = T - 1; t >= 0; t--) {
        float *z = dz + t * step;
        const float *c = cache->c + t * hstep, *tc = cache->tc + t * hstep;
        const float *cprev = t ? c - hstep : NULL;
        const float *dht = dh + t * hstep;
        for (int bb = 0; bb < B; bb++)
            cell_backward(z + (long)bb * G, cprev ? cprev + (long)bb * H : NULL,
                          tc + (long)bb * H, dht + (long)bb * H, dcarry + (long)bb * H, H);
        /* dh(t-1) += dz(t) @ wh^T */
        if (t) blas_sgemm(0, 1, B, H, G, 1.0f, z, G, wh, G, 1.0f, dh + (t - 1) * hstep, H);
    }
    /* dwh (H,G) += sum_t h(t-1)^T dz(t), h(-1) = 0 */
    if (T > 1) blas_sgemm(1, 0, H, G, (T - 1) * B, 1.0f, cache->h, H, dz + step, G, 1.0f, dwh, G);
    bias_backward(db, dz, (long)T * B, G);
    if (!x_repeated) {
        blas_sgemm(1, 0, IN, G, T * B, 1.0f, x, IN, dz, G, 1.0f, dwx, G);
        if (dx) blas_sgemm(0, 1, T * B, IN, G, 1.0f, dz, G, wx, G, 0.0f, dx, IN);
        return;
    }
    float *dzs = ws + hstep; /* sum over steps of dz, (B,G) */
    memcpy(dzs, dz, sizeof(float) * step);
    for (int t = 1; t < T; t++) {
        const float *zt = dz + t * step;
        for (long i = 0; i < step; i++) dzs[i] += zt[i];
    }
    blas_sgemm(1, 0, IN, G, B, 1.0f, x, IN, dzs, G, 1.0f, dwx, G);
    if (dx) blas_sgemm(0, 1, B, IN, G, 1.0f, dzs, G, wx, G, 0.0f, dx, IN);
}
