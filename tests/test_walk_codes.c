/* test_walk_codes.c: latent walks (issue 14): interpolation ends are the codes and decode to the
 * samples' reconstructions; slerp keeps to the great circle; the traversal's middle column is
 * the mean code and decodes to the decoded mean; the Gaussian fit recovers a known covariance
 * and its samples repeat with the seed and change with it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "rng.h"
#include "testlib.h"
#include "walk.h"

enum { L = 6 };

static void test_interpolate(void)
{
    float a[L] = {1, -2, 0.5f, 3, 0, 1e-3f}, b[L] = {-1, 4, 2, 0.25f, 7, -5};
    float out[9 * L];
    for (int sl = 0; sl < 2; sl++) {
        walk_interpolate(a, b, L, 9, sl, out);
        CHECK(!memcmp(out, a, sizeof a) && !memcmp(out + 8 * L, b, sizeof b),
              "slerp %d: the ends are not the codes", sl);
    }
    walk_interpolate(a, b, L, 9, 0, out); /* linear: the midpoint */
    int mid_ok = 1;
    for (int i = 0; i < L; i++) mid_ok &= fabsf(out[4 * L + i] - 0.5f * (a[i] + b[i])) < 1e-6f;
    CHECK(mid_ok, "linear midpoint is not the mean of the ends");
    /* slerp: the midpoint's norm is the mean of the norms, its direction halfway in angle */
    walk_interpolate(a, b, L, 9, 1, out);
    double na = 0, nb = 0, nm = 0, da = 0, db = 0;
    for (int i = 0; i < L; i++) {
        na += a[i] * a[i], nb += b[i] * b[i], nm += out[4 * L + i] * out[4 * L + i];
        da += a[i] * out[4 * L + i], db += b[i] * out[4 * L + i];
    }
    na = sqrt(na), nb = sqrt(nb), nm = sqrt(nm);
    CHECK(fabs(nm - 0.5 * (na + nb)) < 1e-4 * nm, "slerp midpoint norm %g, expected %g", nm,
          0.5 * (na + nb));
    CHECK(fabs(da / (na * nm) - db / (nb * nm)) < 1e-5, "slerp midpoint not halfway: %g vs %g",
          da / (na * nm), db / (nb * nm));
    /* parallel codes: slerp falls back to the line (no division by sin 0) */
    float c[L], d[L];
    for (int i = 0; i < L; i++) c[i] = a[i], d[i] = 2 * a[i];
    walk_interpolate(c, d, L, 3, 1, out);
    int fin = 1;
    for (int i = 0; i < 3 * L; i++) fin &= isfinite(out[i]);
    CHECK(fin && fabsf(out[L] - 1.5f * a[0]) < 1e-6f, "parallel slerp: %g", out[L]);
}

/* Codes with a known covariance: z = mu + A e. */
static float *known_codes(int n, const double A[L][L], const double mu[L], uint64_t seed)
{
    float *z = malloc(sizeof(float) * n * L);
    rng r;
    rng_seed(&r, seed);
    for (int s = 0; s < n; s++) {
        double e[L];
        for (int k = 0; k < L; k++) e[k] = rng_normal(&r);
        for (int i = 0; i < L; i++) {
            double v = mu[i];
            for (int k = 0; k < L; k++) v += A[i][k] * e[k];
            z[s * L + i] = (float)v;
        }
    }
    return z;
}

static void test_gauss(void)
{
    double A[L][L] = {{0}}, mu[L] = {1, -1, 2, 0, 0.5, 3};
    for (int i = 0; i < L; i++)
        for (int k = 0; k <= i; k++) A[i][k] = i == k ? 1.0 + 0.3 * i : 0.4 / (1 + i - k);
    int n = 20000;
    float *z = known_codes(n, A, mu, 7);
    walk_gauss g;
    ae_err err;
    CHECK(walk_gauss_fit(&g, z, n, L, &err) == 0, "fit: %s", err.msg);
    /* chol chol' against A A' */
    double worst = 0;
    for (int i = 0; i < L; i++)
        for (int j = 0; j < L; j++) {
            double want = 0, got = 0;
            for (int k = 0; k < L; k++) want += A[i][k] * A[j][k];
            for (int k = 0; k < L; k++) got += g.chol[i * L + k] * g.chol[j * L + k];
            double e = fabs(got - want) / (1 + fabs(want));
            if (e > worst) worst = e;
        }
    CHECK(worst < 0.05, "covariance off by %g", worst);
    double mworst = 0;
    for (int i = 0; i < L; i++)
        if (fabs(g.mean[i] - mu[i]) > mworst) mworst = fabs(g.mean[i] - mu[i]);
    CHECK(mworst < 0.05, "mean off by %g", mworst);
    /* seeded: the same seed the same samples, another seed others; their covariance right */
    int m = 20000;
    float *s1 = malloc(sizeof(float) * m * L), *s2 = malloc(sizeof(float) * m * L),
          *s3 = malloc(sizeof(float) * m * L);
    rng r;
    rng_seed(&r, 42);
    walk_gauss_sample(&g, &r, m, s1);
    rng_seed(&r, 42);
    walk_gauss_sample(&g, &r, m, s2);
    rng_seed(&r, 43);
    walk_gauss_sample(&g, &r, m, s3);
    CHECK(!memcmp(s1, s2, sizeof(float) * m * L), "same seed, different samples");
    CHECK(memcmp(s1, s3, sizeof(float) * L), "another seed, the same first sample");
    walk_gauss g2;
    CHECK(walk_gauss_fit(&g2, s1, m, L, &err) == 0, "refit: %s", err.msg);
    double w2 = 0;
    for (int i = 0; i < L * L; i++) {
        double e = fabs(g2.chol[i] - g.chol[i]);
        if (e > w2) w2 = e;
    }
    CHECK(w2 < 0.06, "samples' covariance factor off by %g", w2);
    walk_gauss_free(&g2);
    /* a dead unit (a constant coordinate): the ridge keeps the fit defined */
    for (int s = 0; s < n; s++) z[s * L + 2] = 0.25f;
    CHECK(walk_gauss_fit(&g2, z, n, L, &err) == 0, "dead unit: %s", err.msg);
    walk_gauss_free(&g2);
    CHECK(walk_gauss_fit(&g2, z, 1, L, &err) == -1 && strstr(err.msg, "at least 2"),
          "one code accepted: %s", err.msg);
    walk_gauss_free(&g);
    free(z), free(s1), free(s2), free(s3);
}

/* The traversal on a real decoder: the middle column is the mean code and decodes to the
 * decoded mean; other columns differ from it. */
static void test_traverse(const char *preset, net_shape in)
{
    net n;
    ae_err err;
    net_init(&n, in);
    int ok = model_build(&n, preset, L, &err) == 0 && net_finalize(&n, 4, 1, &err) == 0;
    CHECK(ok, "%s: %s", preset, err.msg);
    if (!ok) return;
    rng r;
    rng_seed(&r, 3);
    net_init_params(&n, &r, &err);
    int cnt = 50;
    double A[L][L] = {{0}}, mu[L] = {0.3, -0.2, 0.1, 0, 0.5, -0.4};
    for (int i = 0; i < L; i++) A[i][i] = 0.5 / (1 + i);
    float *z = known_codes(cnt, A, mu, 9);
    pca p;
    CHECK(pca_fit(&p, z, cnt, L, 3, &err) == 0, "pca: %s", err.msg);
    int rows = 3, steps = 7;
    long dim = net_shape_size(&in);
    float *codes = malloc(sizeof(float) * rows * steps * L);
    float *v = malloc(sizeof(float) * rows * steps * dim), *mean_out = malloc(sizeof(float) * dim);
    walk_traverse(&p, rows, steps, 3.0, codes);
    float mean[L];
    for (int i = 0; i < L; i++) { /* the mean computed here, not taken from the PCA */
        double s = 0;
        for (int k = 0; k < cnt; k++) s += z[k * L + i];
        mean[i] = (float)(s / cnt);
    }
    int code_ok = 1;
    for (int j = 0; j < rows; j++)
        code_ok &= !memcmp(codes + (j * steps + 3) * L, mean, sizeof mean);
    CHECK(code_ok, "%s: the middle column is not the mean code", preset);
    model_decode(&n, codes, rows * steps, v);
    model_decode(&n, mean, 1, mean_out);
    int dec_ok = 1, moved = 1;
    for (int j = 0; j < rows; j++) {
        dec_ok &= !memcmp(v + (j * steps + 3) * dim, mean_out, sizeof(float) * dim);
        moved &= memcmp(v + (j * steps + 0) * dim, mean_out, sizeof(float) * dim) != 0;
    }
    CHECK(dec_ok, "%s: traversal at 0 is not the decoded mean", preset);
    CHECK(moved, "%s: traversal at -3 sd decodes to the mean", preset);
    /* the step at -3 sd along axis 0: mean - 3 sd * component */
    double sd = sqrt(p.variance[0]), e = 0;
    for (int i = 0; i < L; i++)
        e = fmax(e, fabs(codes[i] - (p.mean[i] - 3 * sd * p.components[i])));
    CHECK(e < 1e-5, "%s: -3 sd code off by %g", preset, e);
    /* a sample's reconstruction is the decoding of its code, bit for bit */
    float *x = malloc(sizeof(float) * 3 * dim), *y = malloc(sizeof(float) * 3 * dim);
    float zc[3 * L], *yd = malloc(sizeof(float) * 4 * dim);
    for (long k = 0; k < 3 * dim; k++) x[k] = (float)rng_uniform(&r);
    model_apply(&n, x, 3, 0, y);
    model_apply(&n, x, 3, 1, zc);
    float ends[4 * L];
    walk_interpolate(zc + L, zc + 2 * L, L, 4, 0, ends);
    model_decode(&n, ends, 4, yd);
    CHECK(!memcmp(yd, y + dim, sizeof(float) * dim) &&
              !memcmp(yd + 3 * dim, y + 2 * dim, sizeof(float) * dim),
          "%s: interpolation ends are not the reconstructions", preset);
    free(x), free(y), free(yd);
    pca_free(&p);
    free(z), free(codes), free(v), free(mean_out);
    net_free(&n);
}

int main(void)
{
    test_interpolate();
    test_gauss();
    test_traverse("cnn", (net_shape){3, 8, 8, 1});
    test_traverse("lstm", (net_shape){2, 12, 1, 3});
    return test_done();
}
