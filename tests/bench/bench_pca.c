/* bench_pca.c: how fast PCA is at the sizes aetui uses, and the CIFAR-10 linear baseline.
 *
 * 1. PCA of 10,000 x 128 (random data with a decaying spectrum), k = 2 and k = 32: target 20 ms.
 * 2. The baseline on CIFAR-10 (first 8000 images of data_batch_1.bin .. for training, first
 *    2000 of test_batch.bin for testing, pixels scaled to [0,1]) at k = 32, 64, 128:
 *    target <= 2 s each, MSE about 0.0123 (k = 32) and 0.0082 (k = 64).
 *    Also the exact eigensolver at k = 32 once, to show what the randomized path saves and
 *    that it loses nothing in the error.
 * Each timing is the best of `reps` runs (argv[1], default 3), with the spread.
 * Export OPENBLAS_CORETYPE=SkylakeX on this machine (the program will do it itself). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pca.h"
#include "rng.h"
#include "testlib.h"

static int load_cifar(const char *path, int n, float *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    unsigned char rec[3073];
    for (int i = 0; i < n; i++) {
        if (fread(rec, 1, sizeof rec, f) != sizeof rec) {
            fclose(f);
            return -1;
        }
        for (int j = 0; j < 3072; j++) out[(size_t)i * 3072 + j] = rec[1 + j] / 255.0f;
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 3;
    if (reps < 1) reps = 1;
    ae_err err = {{0}};

    /* 1. 10,000 x 128. */
    int n = 10000, d = 128;
    float *x = malloc((size_t)n * d * sizeof *x);
    rng r;
    rng_seed(&r, 7);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) x[(size_t)i * d + j] = (float)(rng_normal(&r) / (1 + 0.1 * j));
    int ks[] = {2, 32};
    for (int t = 0; t < 2; t++) {
        double best = 1e9, worst = 0;
        for (int rep = 0; rep < reps + 1; rep++) { /* one warm-up */
            pca p;
            double t0 = test_now();
            if (pca_fit(&p, x, n, d, ks[t], &err)) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
            }
            double dt = test_now() - t0;
            pca_free(&p);
            if (rep == 0) continue;
            if (dt < best) best = dt;
            if (dt > worst) worst = dt;
        }
        printf("pca 10000 x 128, k=%-3d  best %.1f ms  worst %.1f ms  (target 20 ms)\n", ks[t],
               best * 1e3, worst * 1e3);
    }
    free(x);

    /* 2. CIFAR-10 baseline. */
    char tr[1024], te[1024];
    if (!test_shared("cifar-10-batches-bin/data_batch_1.bin", tr, sizeof tr) ||
        !test_shared("cifar-10-batches-bin/test_batch.bin", te, sizeof te)) {
        printf("CIFAR-10 not found under $AETUI_SHARED_DATA: baseline skipped\n");
        return 0;
    }
    int ntr = 8000, nte = 2000;
    float *xtr = malloc((size_t)ntr * 3072 * sizeof *xtr);
    float *xte = malloc((size_t)nte * 3072 * sizeof *xte);
    if (load_cifar(tr, ntr, xtr) || load_cifar(te, nte, xte)) {
        printf("cannot read CIFAR-10\n");
        return 1;
    }
    int bk[] = {32, 64, 128};
    for (int t = 0; t < 3; t++) {
        double best = 1e9, worst = 0;
        pca_baseline_result res;
        for (int rep = 0; rep < reps; rep++) {
            double t0 = test_now();
            if (pca_baseline(xtr, ntr, xte, nte, 3072, bk[t], &res, &err)) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
            }
            double dt = test_now() - t0;
            if (dt < best) best = dt;
            if (dt > worst) worst = dt;
        }
        printf("baseline cifar10 8000/2000 k=%-3d  MSE %.5f  MAE %.5f  explained %.4f  "
               "best %.2f s (fit %.2f s)  worst %.2f s  (target 2 s)\n",
               bk[t], res.mse, res.mae, res.explained, best, res.fit_s, worst);
    }
    /* The exact solver at k = 32, once, for comparison. */
    pca pe, pr;
    double t0 = test_now();
    if (pca_fit_method(&pe, xtr, ntr, 3072, 32, PCA_EXACT, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    double te_s = test_now() - t0;
    t0 = test_now();
    pca_fit_method(&pr, xtr, ntr, 3072, 32, PCA_RANDOMIZED, &err);
    double tr_s = test_now() - t0;
    double maxrel = 0;
    for (int i = 0; i < 32; i++) {
        double rel = fabs(pr.variance[i] - pe.variance[i]) / pe.variance[i];
        if (rel > maxrel) maxrel = rel;
    }
    printf("k=32 fit: exact (dsyevr) %.2f s, randomized %.2f s, max relative eigenvalue "
           "difference %.2e\n",
           te_s, tr_s, maxrel);
    pca_free(&pe);
    pca_free(&pr);
    free(xtr);
    free(xte);
    return 0;
}
