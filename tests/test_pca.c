/* test_pca.c: PCA against a decomposition known by construction, the randomized eigensolver
 * against the exact one, projection and reconstruction, the linear baseline, bad inputs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pca.h"
#include "rng.h"
#include "testlib.h"

enum { N = 8, D = 5 };

/* An orthonormal D x D matrix: a product of two Householder reflections of fixed vectors. */
static void rotation(double v[D][D])
{
    double a[D] = {1, 2, -1, 0.5, 3}, b[D] = {-2, 0.25, 1, 1, -1};
    double na = 0, nb = 0;
    for (int i = 0; i < D; i++) na += a[i] * a[i];
    for (int i = 0; i < D; i++)
        for (int j = 0; j < D; j++) v[i][j] = (i == j) - 2 * a[i] * a[j] / na;
    /* v = (I - 2bb'/|b|^2) v */
    for (int i = 0; i < D; i++) nb += b[i] * b[i];
    for (int j = 0; j < D; j++) {
        double s = 0;
        for (int i = 0; i < D; i++) s += b[i] * v[i][j];
        for (int i = 0; i < D; i++) v[i][j] -= 2 * b[i] * s / nb;
    }
}

int main(void)
{
    ae_err err = {{0}};
    /* X = mean + U S V' with U the centred, orthonormal columns 1..5 of the 8 x 8 Hadamard
     * matrix: the covariance's eigenvalues are s^2 / (N-1), its eigenvectors V's columns. */
    static const int h[8][8] = {{1, 1, 1, 1, 1, 1, 1, 1},     {1, -1, 1, -1, 1, -1, 1, -1},
                                {1, 1, -1, -1, 1, 1, -1, -1}, {1, -1, -1, 1, 1, -1, -1, 1},
                                {1, 1, 1, 1, -1, -1, -1, -1}, {1, -1, 1, -1, -1, 1, -1, 1},
                                {1, 1, -1, -1, -1, -1, 1, 1}, {1, -1, -1, 1, -1, 1, 1, -1}};
    double s[D] = {5, 3, 2, 1, 0.5}, mean[D] = {10, -3, 0.5, 7, 1}, v[D][D];
    rotation(v);
    float x[N * D];
    for (int r = 0; r < N; r++)
        for (int j = 0; j < D; j++) {
            double val = mean[j];
            for (int c = 0; c < D; c++) val += h[c + 1][r] / sqrt(8.0) * s[c] * v[j][c];
            x[r * D + j] = (float)val;
        }
    pca p;
    CHECK(pca_fit(&p, x, N, D, 3, &err) == 0, "%s", err.msg);
    double total = 0;
    for (int c = 0; c < D; c++) total += s[c] * s[c] / (N - 1);
    CHECK(fabs(p.total_variance - total) < 1e-4 * total, "total variance %g, expected %g",
          p.total_variance, total);
    for (int c = 0; c < 3; c++) {
        double want = s[c] * s[c] / (N - 1);
        CHECK(fabs(p.variance[c] - want) < 1e-4 * want, "variance %d: %g, expected %g", c,
              p.variance[c], want);
        CHECK(fabs(p.ratio[c] - want / total) < 1e-5, "ratio %d", c);
        /* The component is +-V[:,c]; the sign rule makes the largest loading positive. */
        double dot = 0;
        int big = 0;
        for (int j = 0; j < D; j++) {
            dot += p.components[c * D + j] * v[j][c];
            if (fabsf(p.components[c * D + j]) > fabsf(p.components[c * D + big])) big = j;
        }
        CHECK(fabs(fabs(dot) - 1) < 1e-5, "component %d: |<c, v>| = %g", c, fabs(dot));
        CHECK(p.components[c * D + big] > 0, "component %d: largest loading negative", c);
    }
    for (int j = 0; j < D; j++)
        CHECK(fabs(p.mean[j] - mean[j]) < 1e-5 * (1 + fabs(mean[j])), "mean %d", j);
    /* Projection: row r's code c is +-h[c+1][r]/sqrt(8) s_c. */
    float z[N * 3], rec[N * D];
    CHECK(pca_project(&p, x, N, z, &err) == 0, "%s", err.msg);
    for (int r = 0; r < N; r++)
        for (int c = 0; c < 3; c++)
            CHECK(fabs(fabs(z[r * 3 + c]) - s[c] / sqrt(8.0)) < 1e-4, "code %d,%d = %g", r, c,
                  z[r * 3 + c]);
    /* Reconstruction with 3 of 5 components loses exactly s4^2 + s5^2 in squared error. */
    pca_reconstruct(&p, z, N, rec, &err);
    double se = 0;
    for (int i = 0; i < N * D; i++) se += ((double)rec[i] - x[i]) * ((double)rec[i] - x[i]);
    CHECK(fabs(se - (s[3] * s[3] + s[4] * s[4])) < 1e-3, "residual %g, expected 1.25", se);
    pca_free(&p);
    pca_baseline_result br;
    CHECK(pca_baseline(x, N, x, N, D, 3, &br, &err) == 0, "%s", err.msg);
    CHECK(fabs(br.mse - 1.25 / (N * D)) < 1e-5, "baseline MSE %g, expected %g", br.mse,
          1.25 / (N * D));
    CHECK(fabs(br.explained - (25.0 + 9 + 4) / (25 + 9 + 4 + 1 + 0.25)) < 1e-5, "explained %g",
          br.explained);
    CHECK(pca_baseline(x, N, x, N, D, 5, &br, &err) == 0 && br.mse < 1e-9 && br.mae < 1e-4,
          "full-rank baseline MSE %g", br.mse);

    /* Randomized against exact: 1500 x 600 with a decaying spectrum, k = 40. */
    int n = 1500, d = 600, k = 40;
    float *big = malloc((size_t)n * d * sizeof *big);
    rng r;
    rng_seed(&r, 11);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++)
            big[(size_t)i * d + j] = (float)(rng_normal(&r) * 3.0 / (1.0 + 0.05 * j) + 0.1 * j);
    pca pe, pr;
    double t0 = test_now();
    CHECK(pca_fit_method(&pe, big, n, d, k, PCA_EXACT, &err) == 0, "%s", err.msg);
    double t1 = test_now();
    CHECK(pca_fit_method(&pr, big, n, d, k, PCA_RANDOMIZED, &err) == 0, "%s", err.msg);
    double t2 = test_now();
    printf("600-D, k=40: exact %.3f s, randomized %.3f s\n", t1 - t0, t2 - t1);
    double worst = 0, sum_e = 0, sum_r = 0;
    for (int c = 0; c < k; c++) {
        double rel = fabs(pr.variance[c] - pe.variance[c]) / pe.variance[c];
        if (rel > worst) worst = rel;
        sum_e += pe.variance[c];
        sum_r += pr.variance[c];
    }
    CHECK(worst < 1e-3, "randomized eigenvalues off by %g (relative)", worst);
    CHECK(fabs(sum_r - sum_e) < 1e-4 * sum_e, "captured variance %g vs %g", sum_r, sum_e);
    for (int c = 0; c < 10; c++) { /* the well-separated leading ones agree as vectors */
        double dot = 0;
        for (int j = 0; j < d; j++)
            dot += (double)pe.components[(size_t)c * d + j] * pr.components[(size_t)c * d + j];
        CHECK(dot > 0.999, "component %d: exact and randomized differ (dot %g)", c, dot);
    }
    /* Deterministic: the same fit twice gives the same bits. */
    pca pr2;
    pca_fit_method(&pr2, big, n, d, k, PCA_RANDOMIZED, &err);
    CHECK(!memcmp(pr.components, pr2.components, (size_t)k * d * sizeof(float)),
          "randomized fit not deterministic");
    pca_free(&pe);
    pca_free(&pr);
    pca_free(&pr2);
    free(big);

    /* Bad inputs. */
    CHECK(pca_fit(&p, x, 1, D, 1, &err) == -1 && strstr(err.msg, "2 rows"), "n = 1: %s", err.msg);
    CHECK(pca_fit(&p, x, N, D, 6, &err) == -1, "k > d accepted");
    CHECK(pca_fit(&p, x, N, D, 0, &err) == -1, "k = 0 accepted");
    x[13] = NAN;
    /* the message says what the value is and where (it used to print the flat index) */
    CHECK(pca_fit(&p, x, N, D, 2, &err) == -1 && strstr(err.msg, "row 2, column 3 is NaN"),
          "NaN: %s", err.msg);
    x[13] = -INFINITY;
    CHECK(pca_fit(&p, x, N, D, 2, &err) == -1 && strstr(err.msg, "is -infinity"), "-inf: %s",
          err.msg);
    /* Constant data: zero variance, no failure. */
    float flat[4 * 3] = {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3};
    CHECK(pca_fit(&p, flat, 4, 3, 2, &err) == 0 && p.variance[0] == 0 && p.ratio[0] == 0,
          "constant data: %s", err.msg);
    pca_free(&p);
    return test_done();
}
