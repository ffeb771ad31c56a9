/* bench_tsne.c: speed and quality of t-SNE on 10 Gaussian clusters in 32 dimensions.
 *
 *   bench_tsne [reps [iterations [threads]]]      (defaults 3, 1000, 2)
 *
 * Data: $AETUI_SHARED_DATA/embedding/gmm10_d32_n10000.npy and its _labels.npy; the first
 * 5,000 rows and all 10,000. For each size:
 *   - the library run (tsne_create + tsne_run: neighbours, P, optimisation), best and worst
 *     of `reps` runs;
 *   - the whole `aetui embed --method tsne` command when $AETUI_BIN is set (best and worst);
 *   - the exact KL divergence of the layout: Q normalised over all n(n-1) ordered pairs,
 *     KL = sum_ij P_ij log(P_ij / Q_ij) with the run's own sparse P (tsne_kl_exact);
 *   - trustworthiness at 10 neighbours, as scikit-learn defines it: for each point, the ranks
 *     r(i,j) in the input space (Euclidean, 1 = nearest, the point itself excluded) of its 10
 *     nearest neighbours in the layout; T = 1 - 2/(n k (2n - 3k - 1)) sum max(0, r(i,j) - k);
 *   - the fraction of each point's 10 layout neighbours with the same label.
 * Targets (issue 6): 5k in <= 5 s, 10k in <= 15 s with 2 threads; KL within 2% of
 * scikit-learn's (~2.06 at 5k, ~2.66 at 10k); trustworthiness >= 0.975.
 * Export OPENBLAS_CORETYPE=SkylakeX on this machine. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "testlib.h"
#include "tsne.h"

/* The k nearest layout neighbours of point i (brute force), into nb. */
static void layout_knn(const float *y, int n, int i, int k, int *nb)
{
    double bd[16];
    int m = 0;
    for (int j = 0; j < n; j++) {
        if (j == i) continue;
        double dx = (double)y[2 * i] - y[2 * j], dy = (double)y[2 * i + 1] - y[2 * j + 1];
        double d = dx * dx + dy * dy;
        if (m == k && d >= bd[k - 1]) continue;
        int p = m < k ? m++ : k - 1;
        while (p > 0 && bd[p - 1] > d) {
            bd[p] = bd[p - 1];
            nb[p] = nb[p - 1];
            p--;
        }
        bd[p] = d;
        nb[p] = j;
    }
}

static double trustworthiness(const float *x, int n, int d, const float *y, int k,
                              const int32_t *labels, double *purity)
{
    double *din = malloc((size_t)n * sizeof *din);
    double pen = 0;
    long same = 0;
    int nb[16];
    for (int i = 0; i < n; i++) {
        const float *xi = x + (size_t)i * d;
        for (int j = 0; j < n; j++) {
            const float *xj = x + (size_t)j * d;
            double s = 0;
            for (int q = 0; q < d; q++) {
                double e = (double)xi[q] - xj[q];
                s += e * e;
            }
            din[j] = s;
        }
        din[i] = INFINITY;
        layout_knn(y, n, i, k, nb);
        long rank[16] = {0};
        for (int l = 0; l < n; l++) {
            if (l == i) continue;
            for (int t = 0; t < k; t++)
                if (din[l] < din[nb[t]] || (din[l] == din[nb[t]] && l < nb[t])) rank[t]++;
        }
        for (int t = 0; t < k; t++) {
            long r = rank[t] + 1;
            if (r > k) pen += r - k;
            if (labels && labels[nb[t]] == labels[i]) same++;
        }
    }
    free(din);
    if (purity) *purity = (double)same / ((double)n * k);
    return 1.0 - pen * 2.0 / ((double)n * k * (2.0 * n - 3.0 * k - 1.0));
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 3, iters = argc > 2 ? atoi(argv[2]) : 1000;
    int threads = argc > 3 ? atoi(argv[3]) : 2;
    if (reps < 1) reps = 1;
    char xp[1024], lp[1024], tmp[1024];
    if (!test_shared("embedding/gmm10_d32_n10000.npy", xp, sizeof xp) ||
        !test_shared("embedding/gmm10_d32_n10000_labels.npy", lp, sizeof lp)) {
        printf("gmm10_d32_n10000 not found under $AETUI_SHARED_DATA\n");
        return 1;
    }
    ae_err err = {{0}};
    npy_array X, L;
    if (npy_read(xp, NPY_FLOAT, &X, &err) || npy_read(lp, NPY_LABELS, &L, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    int d = (int)X.shape[1];
    const char *bin = getenv("AETUI_BIN");
    test_tmpdir("bench_tsne", tmp, sizeof tmp);
    printf("t-SNE, %d iterations, %d threads, best/worst of %d\n", iters, threads, reps);
    int sizes[] = {5000, 10000};
    for (int si = 0; si < 2; si++) {
        int n = sizes[si];
        const float *x = X.data;
        tsne_params p;
        memset(&p, 0, sizeof p);
        p.iterations = iters;
        p.threads = threads;
        double best = 1e9, worst = 0, kl_est = 0;
        float *y = malloc((size_t)2 * n * sizeof *y);
        double *yd = malloc((size_t)2 * n * sizeof *yd);
        double kl = 0;
        for (int rep = 0; rep < reps; rep++) {
            double t0 = test_now();
            tsne *t = tsne_create(x, n, d, &p, &err);
            if (!t || tsne_run(t, &err)) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
            }
            double dt = test_now() - t0;
            if (dt < best) best = dt;
            if (dt > worst) worst = dt;
            if (rep == 0) {
                tsne_status st;
                tsne_snapshot(t, y, &st);
                kl_est = st.kl;
                for (int i = 0; i < 2 * n; i++) yd[i] = y[i];
                kl = tsne_kl_exact(tsne_affinity_matrix(t), yd);
            }
            tsne_free(t);
        }
        double purity;
        double tw = trustworthiness(x, n, d, y, 10, L.data, &purity);
        printf("n=%5d  library run  best %.2f s  worst %.2f s\n", n, best, worst);
        printf("n=%5d  KL exact %.4f (Barnes-Hut estimate %.4f)  trustworthiness(10) %.4f  "
               "same-label neighbours %.4f\n",
               n, kl, kl_est, tw, purity);
        if (bin) {
            char in[1200], lab[1200], out[1200], cmd[4096];
            snprintf(in, sizeof in, "%s/x%d.npy", tmp, n);
            snprintf(lab, sizeof lab, "%s/l%d.npy", tmp, n);
            snprintf(out, sizeof out, "%s/y%d.csv", tmp, n);
            int64_t shx[2] = {n, d}, shl[1] = {n};
            uint8_t *l8 = malloc(n);
            for (int i = 0; i < n; i++) l8[i] = (uint8_t)((int32_t *)L.data)[i];
            if (npy_write_f32(in, x, 2, shx, &err) || npy_write_u8(lab, l8, 1, shl, &err)) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
            }
            free(l8);
            snprintf(cmd, sizeof cmd,
                     "'%s' embed --input '%s' --labels '%s' --method tsne --iterations %d "
                     "--threads %d --out '%s' 2>/dev/null",
                     bin, in, lab, iters, threads, out);
            double cb = 1e9, cw = 0;
            for (int rep = 0; rep < reps; rep++) {
                double t0 = test_now();
                int rc = system(cmd);
                double dt = test_now() - t0;
                if (rc != 0) {
                    printf("command failed (%d): %s\n", rc, cmd);
                    break;
                }
                if (dt < cb) cb = dt;
                if (dt > cw) cw = dt;
            }
            printf("n=%5d  aetui embed  best %.2f s  worst %.2f s\n", n, cb, cw);
        }
        free(y);
        free(yd);
    }
    npy_free(&X);
    npy_free(&L);
    return 0;
}
