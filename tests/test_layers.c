/* test_layers.c: every layer's backward against finite differences, conv-transpose as the
 * adjoint of conv, the SGEMM path against naive loops (also from two threads at once), the
 * LSTM's repeated-input path against the materialised repeat, and one Adam step by hand. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "layers.h"
#include "optim.h"
#include "rng.h"
#include "testlib.h"

static rng R;

static void fill(float *a, long n, double lo, double hi)
{
    for (long i = 0; i < n; i++) a[i] = (float)rng_range(&R, lo, hi);
}

/* A layer under test: y = f(x, w); backward gives dx, dw from dy (dw accumulated). */
typedef struct gcase {
    const char *name;
    long nx, nw, ny;
    void (*fwd)(struct gcase *c, const float *x, const float *w, float *y);
    void (*bwd)(struct gcase *c, const float *x, const float *w, const float *y, float *dy,
                float *dx, float *dw);
    int B, H, W, C, OC, act, T, rep;
    float *ws;
} gcase;

static double objective(gcase *c, const float *x, const float *w, const float *r, float *y)
{
    c->fwd(c, x, w, y);
    double s = 0;
    for (long i = 0; i < c->ny; i++) s += (double)r[i] * y[i];
    return s;
}

/* Compares analytic and central-difference gradients on up to 40 coordinates each of x, w. */
static void gradcheck(gcase *c, double xlo, double xhi)
{
    float *x = malloc(sizeof(float) * c->nx), *w = malloc(sizeof(float) * (c->nw + 1));
    float *y = malloc(sizeof(float) * c->ny), *r = malloc(sizeof(float) * c->ny);
    float *dy = malloc(sizeof(float) * c->ny), *dx = malloc(sizeof(float) * c->nx);
    float *dw = calloc(c->nw + 1, sizeof(float));
    fill(x, c->nx, xlo, xhi), fill(w, c->nw, -0.5, 0.5), fill(r, c->ny, -1, 1);
    c->fwd(c, x, w, y);
    memcpy(dy, r, sizeof(float) * c->ny);
    c->bwd(c, x, w, y, dy, dx, dw);
    const float eps = 2e-3f;
    double worst = 0;
    for (int pass = 0; pass < 2; pass++) {
        float *v = pass ? w : x, *g = pass ? dw : dx;
        long n = pass ? c->nw : c->nx;
        for (int k = 0; k < 40 && n; k++) {
            long j = (long)rng_below(&R, (uint64_t)n);
            float keep = v[j];
            v[j] = keep + eps;
            double lp = objective(c, x, w, r, y);
            v[j] = keep - eps;
            double lm = objective(c, x, w, r, y);
            v[j] = keep;
            double num = (lp - lm) / (2 * eps);
            double e = fabs(num - g[j]) / (fabs(num) + fabs(g[j]) + 1e-2);
            if (e > worst) worst = e;
        }
    }
    CHECK(worst < 2e-2, "%s (act %d): worst relative gradient error %.3g", c->name, c->act, worst);
    free(x), free(w), free(y), free(r), free(dy), free(dx), free(dw);
}

/* ---- cases ---- */
static void conv_f(gcase *c, const float *x, const float *w, float *y)
{
    long nk = 9L * c->C * c->OC;
    conv3_forward(y, x, w, w + nk, c->B, c->H, c->W, c->C, c->OC, c->ws, 9L * c->H * c->W * 8);
    bias_act_forward(y, NULL, (long)c->B * c->H * c->W, c->OC, c->act);
}
static void conv_b(gcase *c, const float *x, const float *w, const float *y, float *dy,
                   float *dx, float *dw)
{
    long nk = 9L * c->C * c->OC;
    bias_act_backward(dy, dw + nk, y, (long)c->B * c->H * c->W, c->OC, c->act);
    conv3_backward(dx, dw, NULL, dy, x, w, c->B, c->H, c->W, c->C, c->OC, c->ws,
                   9L * c->H * c->W * 8);
}
static void convt_f(gcase *c, const float *x, const float *w, float *y)
{
    long nk = 9L * c->C * c->OC;
    convt3_forward(y, x, w, w + nk, c->B, c->H, c->W, c->C, c->OC, c->ws, 9L * c->H * c->W * 8);
    bias_act_forward(y, NULL, (long)c->B * c->H * c->W, c->OC, c->act);
}
static void convt_b(gcase *c, const float *x, const float *w, const float *y, float *dy,
                    float *dx, float *dw)
{
    long nk = 9L * c->C * c->OC;
    bias_act_backward(dy, dw + nk, y, (long)c->B * c->H * c->W, c->OC, c->act);
    convt3_backward(dx, dw, NULL, dy, x, w, c->B, c->H, c->W, c->C, c->OC, c->ws,
                    9L * c->H * c->W * 8);
}
static int pool_arg[4096];
static void pool_f(gcase *c, const float *x, const float *w, float *y)
{
    maxpool2_forward(y, pool_arg, x, c->B, c->H, c->W, c->C);
}
static void pool_b(gcase *c, const float *x, const float *w, const float *y, float *dy, float *dx,
                   float *dw)
{
    maxpool2_backward(dx, dy, pool_arg, c->B, c->H, c->W, c->C);
}
static void up_f(gcase *c, const float *x, const float *w, float *y)
{
    upsample2_forward(y, x, c->B, c->H, c->W, c->C);
}
static void up_b(gcase *c, const float *x, const float *w, const float *y, float *dy, float *dx,
                 float *dw)
{
    upsample2_backward(dx, dy, c->B, c->H, c->W, c->C);
}
static void gap_f(gcase *c, const float *x, const float *w, float *y)
{
    gap_forward(y, x, c->B, c->H * c->W, c->C);
}
static void gap_b(gcase *c, const float *x, const float *w, const float *y, float *dy, float *dx,
                  float *dw)
{
    gap_backward(dx, dy, c->B, c->H * c->W, c->C);
}
static void dense_f(gcase *c, const float *x, const float *w, float *y)
{
    dense_forward(y, x, w, w + (long)c->C * c->OC, c->B, c->C, c->OC);
    bias_act_forward(y, NULL, c->B, c->OC, c->act);
}
static void dense_b(gcase *c, const float *x, const float *w, const float *y, float *dy,
                    float *dx, float *dw)
{
    bias_act_backward(dy, dw + (long)c->C * c->OC, y, c->B, c->OC, c->act);
    dense_backward(dx, dw, NULL, dy, x, w, c->B, c->C, c->OC);
}
/* LSTM: x (T,B,C) or (B,C) repeated; w = wx (C,4H) | wh (H,4H) | b (4H); y = h (T,B,H) */
static float lstm_buf[4][4096];
static lstm_cache lstm_c(void)
{
    return (lstm_cache){lstm_buf[0], lstm_buf[1], lstm_buf[2], lstm_buf[3]};
}
static void lstm_f(gcase *c, const float *x, const float *w, float *y)
{
    lstm_cache k = lstm_c();
    int H = c->OC;
    lstm_forward(&k, x, c->rep, w, w + 4L * c->C * H, w + 4L * c->C * H + 4L * H * H, c->T, c->B,
                 c->C, H);
    memcpy(y, k.h, sizeof(float) * c->ny);
}
static void lstm_b(gcase *c, const float *x, const float *w, const float *y, float *dy, float *dx,
                   float *dw)
{
    lstm_cache k = lstm_c();
    int H = c->OC;
    lstm_f(c, x, w, (float *)y); /* re-run: objective() calls overwrote the cache */
    lstm_backward(dx, dw, dw + 4L * c->C * H, dw + 4L * c->C * H + 4L * H * H, dy, &k, x, c->rep,
                  w, w + 4L * c->C * H, c->T, c->B, c->C, H, c->ws);
}

static void test_gradients(void)
{
    float *ws = malloc(sizeof(float) * 200000);
    int acts[] = {ACT_NONE, ACT_RELU, ACT_SIGMOID, ACT_TANH};
    for (int a = 0; a < 4; a++) {
        gcase c = {"conv3", 0, 0, 0, conv_f, conv_b, 2, 5, 4, 3, 4, acts[a], 0, 0, ws};
        c.nx = 2 * 5 * 4 * 3, c.nw = 9 * 3 * 4 + 4, c.ny = 2 * 5 * 4 * 4;
        gradcheck(&c, -1, 1);
        gcase t = {"convt3", 0, 0, 0, convt_f, convt_b, 2, 4, 5, 3, 2, acts[a], 0, 0, ws};
        t.nx = 2 * 4 * 5 * 3, t.nw = 9 * 3 * 2 + 2, t.ny = 2 * 4 * 5 * 2;
        gradcheck(&t, -1, 1);
        gcase d = {"dense", 0, 0, 0, dense_f, dense_b, 3, 1, 1, 5, 4, acts[a], 0, 0, ws};
        d.nx = 15, d.nw = 24, d.ny = 12;
        gradcheck(&d, -1, 1);
    }
    gcase p = {"maxpool2", 2 * 4 * 6 * 3, 0, 2 * 2 * 3 * 3, pool_f, pool_b, 2, 4, 6, 3, 0, 0, 0, 0, NULL};
    gradcheck(&p, -1, 1);
    gcase u = {"upsample2", 2 * 3 * 2 * 3, 0, 2 * 6 * 4 * 3, up_f, up_b, 2, 3, 2, 3, 0, 0, 0, 0, NULL};
    gradcheck(&u, -1, 1);
    gcase g = {"gap", 2 * 3 * 4 * 5, 0, 2 * 5, gap_f, gap_b, 2, 3, 4, 5, 0, 0, 0, 0, NULL};
    gradcheck(&g, -1, 1);
    for (int rep = 0; rep < 2; rep++) {
        int T = 4, B = 2, C = 3, H = 5;
        gcase l = {rep ? "lstm (repeated input)" : "lstm", 0, 0, 0, lstm_f, lstm_b, B, 0, 0, C,
                   H, 0, T, rep, ws};
        l.nx = rep ? B * C : T * B * C;
        l.nw = 4L * H * (C + H + 1);
        l.ny = (long)T * B * H;
        gradcheck(&l, -1, 1);
    }
    free(ws);
}

/* <conv(x), y> = <x, convT(y)> with the same weights read as conv (9C,OC) and as the
 * transpose's (OC, 9C)-shaped adjoint: convt3 from OC to C channels takes w^T. */
static void test_adjoint(void)
{
    int B = 2, H = 6, W = 5, C = 3, OC = 4;
    long nx = (long)B * H * W * C, ny = (long)B * H * W * OC;
    float *x = malloc(sizeof(float) * nx), *y = malloc(sizeof(float) * ny);
    float *cx = malloc(sizeof(float) * ny), *ty = malloc(sizeof(float) * nx);
    float *w = malloc(sizeof(float) * 9 * C * OC), *wt = malloc(sizeof(float) * 9 * C * OC);
    float *ws = malloc(sizeof(float) * 100000);
    fill(x, nx, -1, 1), fill(y, ny, -1, 1), fill(w, 9 * C * OC, -1, 1);
    /* conv weight w[(k*C + c)*OC + o]; the transpose from OC to C channels wants
     * wt[o][k*C + c] = w[(k*C + c)*OC + o] */
    for (int k = 0; k < 9 * C; k++)
        for (int o = 0; o < OC; o++) wt[(long)o * 9 * C + k] = w[(long)k * OC + o];
    conv3_forward(cx, x, w, NULL, B, H, W, C, OC, ws, 100000);
    convt3_forward(ty, y, wt, NULL, B, H, W, OC, C, ws, 100000);
    double a = 0, b = 0, mag = 0;
    for (long i = 0; i < ny; i++) a += (double)cx[i] * y[i], mag += fabs(cx[i] * y[i]);
    for (long i = 0; i < nx; i++) b += (double)x[i] * ty[i];
    CHECK(fabs(a - b) < 1e-5 * mag, "<conv x, y> = %.9g, <x, convT y> = %.9g", a, b);
    /* chunked and unchunked give the same result */
    float *cx2 = malloc(sizeof(float) * ny);
    conv3_forward(cx2, x, w, NULL, B, H, W, C, OC, ws, 9L * C * H * W); /* one image a chunk */
    CHECK(!memcmp(cx, cx2, sizeof(float) * ny), "chunked conv differs from one-chunk conv");
    free(x), free(y), free(cx), free(ty), free(w), free(wt), free(ws), free(cx2);
}

/* The repeated-input LSTM equals the LSTM over the materialised repetition. */
static void test_lstm_repeat(void)
{
    int T = 6, B = 3, C = 4, H = 5;
    float x[3 * 4], xs[6 * 3 * 4], w[4 * 5 * (4 + 5 + 1)];
    float h1[6 * 3 * 5];
    fill(x, B * C, -1, 1), fill(w, 4 * H * (C + H + 1), -0.5, 0.5);
    for (int t = 0; t < T; t++) memcpy(xs + t * B * C, x, sizeof x);
    lstm_cache k = lstm_c();
    const float *wx = w, *wh = w + 4 * C * H, *b = wh + 4 * H * H;
    lstm_forward(&k, x, 1, wx, wh, b, T, B, C, H);
    memcpy(h1, k.h, sizeof h1);
    lstm_forward(&k, xs, 0, wx, wh, b, T, B, C, H);
    double d = 0;
    for (int i = 0; i < T * B * H; i++) d = fmax(d, fabs(h1[i] - k.h[i]));
    CHECK(d < 1e-6, "repeated-input LSTM differs by %g", d);
}

static void naive(int ta, int tb, int m, int n, int k, const float *a, const float *b, float *c)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int p = 0; p < k; p++)
                s += (double)(ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
            c[i * n + j] = (float)s;
        }
}

typedef struct gemm_job {
    int ta, tb, m, n, k, bad;
} gemm_job;

static void *gemm_thread(void *arg)
{
    gemm_job *j = arg;
    float *a = malloc(sizeof(float) * j->m * j->k), *b = malloc(sizeof(float) * j->k * j->n);
    float *c = malloc(sizeof(float) * j->m * j->n), *r = malloc(sizeof(float) * j->m * j->n);
    for (int rep = 0; rep < 20; rep++) {
        for (int i = 0; i < j->m * j->k; i++) a[i] = (float)((i * 7 + rep) % 13) / 13 - 0.5f;
        for (int i = 0; i < j->k * j->n; i++) b[i] = (float)((i * 5 + rep) % 11) / 11 - 0.5f;
        blas_sgemm(j->ta, j->tb, j->m, j->n, j->k, 1, a, j->ta ? j->m : j->k, b,
                   j->tb ? j->k : j->n, 0, c, j->n);
        naive(j->ta, j->tb, j->m, j->n, j->k, a, b, r);
        for (int i = 0; i < j->m * j->n; i++)
            if (fabsf(c[i] - r[i]) > 1e-4f * (1 + fabsf(r[i]))) j->bad++;
    }
    free(a), free(b), free(c), free(r);
    return NULL;
}

static void test_sgemm(void)
{
    ae_err err;
    CHECK(blas_verify(&err) == 0, "blas_verify: %s", err.msg);
    /* the engine's threads call SGEMM concurrently with OpenBLAS single-threaded */
    blas_set_threads(1);
    gemm_job jobs[2] = {{0, 1, 64, 96, 80, 0}, {1, 0, 70, 50, 120, 0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, gemm_thread, &jobs[i]);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    CHECK(jobs[0].bad == 0 && jobs[1].bad == 0, "concurrent SGEMM wrong in %d, %d values",
          jobs[0].bad, jobs[1].bad);
}

static void test_adam(void)
{
    adam a;
    adam_init(&a, 1e-3);
    float p[2] = {1.0f, -2.0f}, g[2] = {0.5f, -0.1f}, m[2] = {0}, v[2] = {0};
    adam_step(&a, p, g, m, v, 2, 0);
    /* step 1: m = 0.1 g, v = 0.001 g^2, lr_t = 1e-3 sqrt(0.001)/0.1;
     * p -= lr_t * m / (sqrt(v) + 1e-7) = 1e-3 * sign(g) * |g|/(|g| + 1e-7/sqrt(.001)) */
    double e0 = 1e-3 * 0.5 / (0.5 + 1e-7 / sqrt(0.001));
    double e1 = 1e-3 * 0.1 / (0.1 + 1e-7 / sqrt(0.001));
    CHECK(fabs(p[0] - (1.0 - e0)) < 1e-7, "adam p0 %.9f want %.9f", p[0], 1.0 - e0);
    CHECK(fabs(p[1] - (-2.0 + e1)) < 1e-7, "adam p1 %.9f want %.9f", p[1], -2.0 + e1);
    CHECK(fabsf(m[0] - 0.05f) < 1e-8f && fabsf(v[0] - 0.00025f) < 1e-9f, "adam moments m %g v %g",
          m[0], v[0]);
    /* step 2 with clipping: gradient norm 5 clipped to 1 */
    float g2[2] = {3.0f, 4.0f};
    double norm = adam_step(&a, p, g2, m, v, 2, 1.0);
    CHECK(fabs(norm - 5.0) < 1e-6, "adam clip norm %g", norm);
    CHECK(fabsf(m[0] - (0.9f * 0.05f + 0.1f * 0.6f)) < 1e-7f, "clipped moment %g", m[0]);
}

static void test_init(void)
{
    float w[8 * 32];
    CHECK(init_orthogonal(w, 8, 32, &R) == 0, "orthogonal init failed");
    double worst = 0; /* rows orthonormal */
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++) {
            double s = 0;
            for (int k = 0; k < 32; k++) s += (double)w[i * 32 + k] * w[j * 32 + k];
            worst = fmax(worst, fabs(s - (i == j)));
        }
    CHECK(worst < 1e-5, "orthogonal rows: worst deviation %g", worst);
    float u[1000];
    init_glorot_uniform(u, 1000, 10, 20, &R);
    double lim = sqrt(6.0 / 30), mx = 0;
    for (int i = 0; i < 1000; i++) mx = fmax(mx, fabs(u[i]));
    CHECK(mx <= lim && mx > 0.9 * lim, "glorot max %g, limit %g", mx, lim);
}

int main(void)
{
    rng_seed(&R, 7);
    test_gradients();
    test_adjoint();
    test_lstm_repeat();
    test_sgemm();
    test_adam();
    test_init();
    return test_done();
}
