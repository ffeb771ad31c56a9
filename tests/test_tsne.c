/* test_tsne.c: t-SNE's pieces and the whole: exact neighbours, P (symmetric, sums to 1, each
 * row at its perplexity), the Barnes-Hut gradient against the exact one, clusters that come
 * out separated, the same layout bit for bit with 1 and 2 threads, snapshots and cancellation
 * from another thread, bad inputs, and the `aetui embed` command. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "knn.h"
#include "npy.h"
#include "quadtree.h"
#include "rng.h"
#include "testlib.h"
#include "tsne.h"

/* n points in d dimensions around c cluster centres (labels in lab). */
static float *clusters(int n, int d, int c, double spread, uint64_t seed, int *lab)
{
    rng r;
    rng_seed(&r, seed);
    double *cent = malloc((size_t)c * d * sizeof *cent);
    for (int i = 0; i < c * d; i++) cent[i] = rng_normal(&r) * 10;
    float *x = malloc((size_t)n * d * sizeof *x);
    for (int i = 0; i < n; i++) {
        int k = i % c;
        if (lab) lab[i] = k;
        for (int j = 0; j < d; j++)
            x[(size_t)i * d + j] = (float)(cent[k * d + j] + rng_normal(&r) * spread);
    }
    free(cent);
    return x;
}

/* Fraction of each point's m nearest layout neighbours with its label. */
static double purity(const float *y, int n, const int *lab, int m)
{
    long same = 0;
    for (int i = 0; i < n; i++) {
        double bd[16];
        int bi[16], cnt = 0;
        for (int j = 0; j < n; j++) {
            if (j == i) continue;
            double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1],
                   dd = dx * dx + dy * dy;
            if (cnt == m && dd >= bd[m - 1]) continue;
            int p = cnt < m ? cnt++ : m - 1;
            while (p > 0 && bd[p - 1] > dd) {
                bd[p] = bd[p - 1];
                bi[p] = bi[p - 1];
                p--;
            }
            bd[p] = dd;
            bi[p] = j;
        }
        for (int t = 0; t < m; t++) same += lab[bi[t]] == lab[i];
    }
    return (double)same / ((double)n * m);
}

static void test_knn(void)
{
    int n = 400, d = 7, k = 12;
    float *x = clusters(n, d, 3, 2.0, 5, NULL);
    int32_t *idx = malloc((size_t)n * k * sizeof *idx);
    double *d2 = malloc((size_t)n * k * sizeof *d2);
    ae_err err = {{0}};
    CHECK(knn_exact(x, n, d, k, 2, idx, d2, NULL, &err) == 0, "%s", err.msg);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        /* Brute force in double: the k-th distance and the ranks must agree. */
        double *all = malloc((size_t)n * sizeof *all);
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int q = 0; q < d; q++) {
                double e = (double)x[i * d + q] - x[j * d + q];
                s += e * e;
            }
            all[j] = j == i ? INFINITY : s;
        }
        for (int t = 0; t < k; t++) {
            int j = idx[i * k + t];
            int closer = 0;
            for (int l = 0; l < n; l++) closer += all[l] < all[j];
            if (j == i || closer != t || fabs(all[j] - d2[i * k + t]) > 1e-9 * (1 + all[j])) bad++;
        }
        free(all);
    }
    CHECK(bad == 0, "%d wrong neighbours", bad);
    CHECK(knn_exact(x, n, d, n, 1, idx, d2, NULL, &err) == -1, "k = n accepted");
    free(x);
    free(idx);
    free(d2);
}

static void test_affinities(void)
{
    int n = 600, d = 10;
    double perp = 15;
    float *x = clusters(n, d, 4, 3.0, 1, NULL);
    tsne_P P;
    double *rp = malloc((size_t)n * sizeof *rp);
    ae_err err = {{0}};
    CHECK(tsne_affinities(x, n, d, perp, &P, rp, &err) == 0, "%s", err.msg);
    double sum = 0;
    int asym = 0, neg = 0, self = 0;
    for (int i = 0; i < n; i++)
        for (int64_t e = P.row[i]; e < P.row[i + 1]; e++) {
            int j = P.col[e];
            sum += P.val[e];
            neg += !(P.val[e] > 0);
            self += j == i;
            /* P_ji must exist and be the same bits. */
            int found = 0;
            for (int64_t f = P.row[j]; f < P.row[j + 1]; f++)
                if (P.col[f] == i) found = P.val[f] == P.val[e];
            asym += !found;
        }
    CHECK(fabs(sum - 1) < 1e-12, "P sums to %.15f", sum);
    CHECK(asym == 0, "%d entries without an equal transpose", asym);
    CHECK(neg == 0 && self == 0, "%d non-positive entries, %d on the diagonal", neg, self);
    double worst = 0;
    for (int i = 0; i < n; i++)
        if (fabs(rp[i] - perp) > worst) worst = fabs(rp[i] - perp);
    CHECK(worst < 1e-3 * perp, "a row's perplexity is off by %g", worst);
    tsne_P_free(&P);
    /* Far-away data (large distances) does not underflow. */
    for (int i = 0; i < n * d; i++) x[i] *= 1e4f;
    CHECK(tsne_affinities(x, n, d, perp, &P, rp, &err) == 0, "%s", err.msg);
    worst = 0;
    for (int i = 0; i < n; i++)
        if (fabs(rp[i] - perp) > worst) worst = fabs(rp[i] - perp);
    CHECK(worst < 1e-3 * perp, "scaled data: a row's perplexity is off by %g", worst);
    tsne_P_free(&P);
    free(rp);
    free(x);
}

static double rel_err(const double *a, const double *b, int m)
{
    double num = 0, den = 0;
    for (int i = 0; i < m; i++) {
        num += (a[i] - b[i]) * (a[i] - b[i]);
        den += b[i] * b[i];
    }
    return sqrt(num / den);
}

static void test_gradient(void)
{
    int n = 1500, d = 8;
    float *x = clusters(n, d, 5, 2.0, 3, NULL);
    tsne_P P;
    ae_err err = {{0}};
    CHECK(tsne_affinities(x, n, d, 20, &P, NULL, &err) == 0, "%s", err.msg);
    /* A non-converged layout: loose clusters plus noise. */
    rng r;
    rng_seed(&r, 9);
    double *y = malloc((size_t)2 * n * sizeof *y);
    for (int i = 0; i < n; i++) {
        y[2 * i] = (i % 5) * 4.0 + rng_normal(&r) * 3;
        y[2 * i + 1] = (i % 3) * 3.0 + rng_normal(&r) * 3;
    }
    double *ge = malloc((size_t)2 * n * sizeof *ge), *gb = malloc((size_t)2 * n * sizeof *gb);
    tsne_gradient_exact(&P, y, 1.0, ge);
    double th[3] = {0.2, 0.5, 0.8}, lim[3] = {0.005, 0.02, 0.06};
    for (int t = 0; t < 3; t++) {
        CHECK(tsne_gradient_bh(&P, y, th[t], 1.0, gb, &err) == 0, "%s", err.msg);
        double e = rel_err(gb, ge, 2 * n);
        printf("theta %.1f: Barnes-Hut gradient relative error %.2e\n", th[t], e);
        CHECK(e < lim[t], "theta %.1f: relative error %g", th[t], e);
    }
    /* With exaggeration too. */
    tsne_gradient_exact(&P, y, 12.0, ge);
    tsne_gradient_bh(&P, y, 0.5, 12.0, gb, &err);
    CHECK(rel_err(gb, ge, 2 * n) < 0.02, "exaggerated: %g", rel_err(gb, ge, 2 * n));
    /* The per-point traversal of the tree agrees with the per-leaf one used in the run. */
    quadtree qt;
    memset(&qt, 0, sizeof qt);
    qt_scratch sc;
    memset(&sc, 0, sizeof sc);
    double *r1 = malloc((size_t)3 * n * sizeof *r1), *r2 = malloc((size_t)3 * n * sizeof *r2);
    CHECK(quadtree_build(&qt, y, n, &err) == 0, "%s", err.msg);
    quadtree_repulsion(&qt, 0.5, 0, n, r1, r1 + 2 * n);
    CHECK(quadtree_repulsion_leaves(&qt, 0.5, 0, qt.nleaves, r2, r2 + 2 * n, &sc) == 0, "leaves");
    CHECK(rel_err(r2, r1, 3 * n) < 0.02, "per-point vs per-leaf repulsion: %g",
          rel_err(r2, r1, 3 * n));
    /* Coincident points: a leaf at the deepest level, no NaN. */
    for (int i = 0; i < 2 * n; i++) y[i] = 1.0;
    CHECK(quadtree_build(&qt, y, n, &err) == 0, "%s", err.msg);
    CHECK(quadtree_repulsion_leaves(&qt, 0.5, 0, qt.nleaves, r2, r2 + 2 * n, &sc) == 0, "leaves");
    CHECK(r2[2 * n] == n - 1 && r2[0] == 0, "coincident: z %g, force %g", r2[2 * n], r2[0]);
    qt_scratch_free(&sc);
    quadtree_free(&qt);
    free(r1);
    free(r2);
    tsne_P_free(&P);
    free(y);
    free(ge);
    free(gb);
    free(x);
}

typedef struct watch {
    int calls, with_layout, cancel_at;
    uint64_t last_version;
    int monotone;
    tsne *t;
} watch;

static void on_publish(void *user, const tsne_status *st, const float *xy)
{
    watch *w = user;
    w->calls++;
    if (xy) w->with_layout++;
    if (st->version <= w->last_version) w->monotone = 0;
    w->last_version = st->version;
    if (w->cancel_at && st->iteration >= w->cancel_at) tsne_cancel(w->t);
}

static void test_run(void)
{
    int n = 1000, d = 12, *lab = malloc(1000 * sizeof *lab);
    float *x = clusters(n, d, 6, 1.5, 7, lab);
    ae_err err = {{0}};
    tsne_params p;
    memset(&p, 0, sizeof p);
    p.iterations = 500;
    p.threads = 2;
    p.publish_s = 0.001;
    watch w = {0, 0, 0, 0, 1, NULL};
    p.on_publish = on_publish;
    p.user = &w;
    tsne *t = tsne_create(x, n, d, &p, &err);
    CHECK(t != NULL, "%s", err.msg);
    if (!t) return;
    CHECK(tsne_perplexity(t) == 30, "default perplexity %g", tsne_perplexity(t));
    double t0 = test_now();
    CHECK(tsne_run(t, &err) == 0, "%s", err.msg);
    printf("t-SNE of %d points, %d iterations, 2 threads: %.2f s\n", n, p.iterations,
           test_now() - t0);
    float *y2 = malloc((size_t)2 * n * sizeof *y2), *y1 = malloc((size_t)2 * n * sizeof *y1);
    tsne_status st;
    tsne_snapshot(t, y2, &st);
    CHECK(st.phase == TSNE_DONE && st.iteration == p.iterations, "final status %d at %d", st.phase,
          st.iteration);
    CHECK(w.calls > 10 && w.with_layout > 10 && w.monotone, "%d publications (%d with layout)",
          w.calls, w.with_layout);
    double pur = purity(y2, n, lab, 10);
    CHECK(pur > 0.99, "clusters not separated: neighbour purity %g", pur);
    double *yd = malloc((size_t)2 * n * sizeof *yd);
    for (int i = 0; i < 2 * n; i++) yd[i] = y2[i];
    double kl = tsne_kl_exact(tsne_affinity_matrix(t), yd);
    CHECK(fabs(kl - st.kl) < 0.02 * kl, "exact KL %g vs estimate %g", kl, st.kl);
    CHECK(kl > 0 && kl < 2, "KL %g", kl);
    tsne_free(t);
    /* The same input with 1 thread: the same bits. */
    p.threads = 1;
    p.on_publish = NULL;
    t = tsne_create(x, n, d, &p, &err);
    CHECK(t && tsne_run(t, &err) == 0, "%s", err.msg);
    tsne_snapshot(t, y1, NULL);
    CHECK(!memcmp(y1, y2, (size_t)2 * n * sizeof *y1), "1 and 2 threads give different layouts");
    tsne_free(t);
    /* Cancelled from the callback. */
    p.threads = 2;
    p.iterations = 1000;
    watch wc = {0, 0, 40, 0, 1, NULL};
    p.on_publish = on_publish;
    p.user = &wc;
    t = tsne_create(x, n, d, &p, &err);
    wc.t = t;
    CHECK(tsne_run(t, &err) == 1, "cancel: not reported");
    tsne_snapshot(t, NULL, &st);
    CHECK(st.phase == TSNE_CANCELLED && st.iteration >= 40 && st.iteration < 60,
          "cancel: phase %d at iteration %d", st.phase, st.iteration);
    tsne_free(t);
    free(yd);
    free(y1);
    free(y2);
    free(lab);
    free(x);
}

/* A worker thread runs t-SNE while this thread polls snapshots and cancels. */
typedef struct job {
    tsne *t;
    int rc;
    ae_err err;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    j->rc = tsne_run(j->t, &j->err);
    return NULL;
}

static void test_thread(void)
{
    int n = 2000, d = 10;
    float *x = clusters(n, d, 5, 2.0, 21, NULL);
    ae_err err = {{0}};
    tsne_params p;
    memset(&p, 0, sizeof p);
    p.iterations = 100000; /* far more than it will get */
    job j = {tsne_create(x, n, d, &p, &err), 0, {{0}}};
    CHECK(j.t != NULL, "%s", err.msg);
    if (!j.t) return;
    pthread_t th;
    pthread_create(&th, NULL, worker, &j);
    float *xy = malloc((size_t)2 * n * sizeof *xy);
    tsne_status st;
    uint64_t last = 0;
    int updates = 0, bad = 0;
    double t0 = test_now(), gap = 0, prev = t0;
    while (test_now() - t0 < 3.0) {
        uint64_t v = tsne_snapshot(j.t, xy, &st);
        if (v != last) {
            double now = test_now();
            if (st.phase == TSNE_OPTIMISING && st.iteration > 1 && now - prev > gap)
                gap = now - prev;
            prev = now;
            last = v;
            updates++;
            for (int i = 0; i < 2 * n && st.phase == TSNE_OPTIMISING; i++) bad += !isfinite(xy[i]);
        }
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    tsne_cancel(j.t);
    pthread_join(th, NULL);
    CHECK(j.rc == 1, "worker returned %d (%s)", j.rc, j.err.msg);
    CHECK(updates > 20 && bad == 0, "%d updates seen, %d non-finite values", updates, bad);
    printf("worker thread: %d snapshots in 3 s, longest gap while optimising %.0f ms\n", updates,
           gap * 1e3);
    tsne_free(j.t);
    free(xy);
    free(x);
}

static void test_bad_inputs(void)
{
    ae_err err = {{0}};
    float x[30];
    for (int i = 0; i < 30; i++) x[i] = (float)i;
    tsne_params p;
    memset(&p, 0, sizeof p);
    CHECK(tsne_create(x, 1, 3, &p, &err) == NULL && strstr(err.msg, "at least 2"), "n = 1: %s",
          err.msg);
    x[7] = NAN;
    CHECK(tsne_create(x, 10, 3, &p, &err) == NULL && strstr(err.msg, "NaN"), "NaN: %s", err.msg);
    x[7] = INFINITY;
    CHECK(tsne_create(x, 10, 3, &p, &err) == NULL && strstr(err.msg, "infinite"), "inf: %s",
          err.msg);
    x[7] = 7;
    p.perplexity = 5;
    CHECK(tsne_create(x, 10, 3, &p, &err) == NULL && strstr(err.msg, "perplexity"),
          "perplexity 5 for 10 points: %s", err.msg);
    p.perplexity = -1;
    CHECK(tsne_create(x, 10, 3, &p, &err) == NULL, "negative perplexity accepted");
    p.perplexity = 0;
    p.theta = 1.5;
    CHECK(tsne_create(x, 10, 3, &p, &err) == NULL && strstr(err.msg, "theta"), "theta 1.5");
    p.theta = 0;
    /* Default perplexity capped for small n, and tiny inputs run. */
    tsne *t = tsne_create(x, 10, 3, &p, &err);
    CHECK(t && tsne_perplexity(t) == 3, "default perplexity for 10 points: %g",
          t ? tsne_perplexity(t) : -1);
    CHECK(t && tsne_run(t, &err) == 0, "10 points: %s", err.msg);
    tsne_free(t);
    t = tsne_create(x, 2, 3, &p, &err);
    CHECK(t && tsne_run(t, &err) == 0, "2 points: %s", err.msg);
    float xy[4];
    if (t) {
        tsne_snapshot(t, xy, NULL);
        CHECK(isfinite(xy[0]) && isfinite(xy[3]), "2 points: non-finite layout");
    }
    tsne_free(t);
    /* Every point the same: random start, finite result. */
    float same[40];
    for (int i = 0; i < 40; i++) same[i] = 1.0f;
    t = tsne_create(same, 20, 2, &p, &err);
    CHECK(t && tsne_run(t, &err) == 0, "identical points: %s", err.msg);
    if (t) {
        float yy[40];
        tsne_snapshot(t, yy, NULL);
        int fin = 1;
        for (int i = 0; i < 40; i++) fin &= isfinite(yy[i]) != 0;
        CHECK(fin, "identical points: non-finite layout");
    }
    tsne_free(t);
}

/* `aetui embed` end to end on a small file. */
static void test_cli(void)
{
    const char *bin = getenv("AETUI_BIN");
    char dir[1024];
    if (!bin || !test_tmpdir("test_tsne", dir, sizeof dir)) {
        printf("AETUI_BIN not set: CLI part skipped\n");
        return;
    }
    int n = 300, d = 6, lab[300];
    float *x = clusters(n, d, 3, 1.0, 4, lab);
    char in[1200], lp[1200], out[1200], cmd[4096];
    snprintf(in, sizeof in, "%s/x.npy", dir);
    snprintf(lp, sizeof lp, "%s/l.npy", dir);
    snprintf(out, sizeof out, "%s/y.csv", dir);
    int64_t sh[2] = {n, d}, sl[1] = {n};
    uint8_t l8[300];
    for (int i = 0; i < n; i++) l8[i] = (uint8_t)lab[i];
    ae_err err = {{0}};
    CHECK(npy_write_f32(in, x, 2, sh, &err) == 0 && npy_write_u8(lp, l8, 1, sl, &err) == 0, "%s",
          err.msg);
    const char *methods[2] = {"tsne --iterations 300 --perplexity 20", "pca"};
    for (int m = 0; m < 2; m++) {
        snprintf(cmd, sizeof cmd,
                 "'%s' embed --input '%s' --labels '%s' --method %s --out '%s' 2>/dev/null", bin,
                 in, lp, methods[m], out);
        CHECK(system(cmd) == 0, "failed: %s", cmd);
        FILE *f = fopen(out, "r");
        char line[256];
        int rows = 0, ok = 1;
        if (f && fgets(line, sizeof line, f)) {
            CHECK(!strcmp(line, "x,y,label\n"), "header '%s'", line);
            while (fgets(line, sizeof line, f)) {
                double a, b;
                int l;
                if (sscanf(line, "%lf,%lf,%d", &a, &b, &l) != 3 || l != lab[rows] || !isfinite(a))
                    ok = 0;
                rows++;
            }
        }
        if (f) fclose(f);
        CHECK(rows == n && ok, "%s: %d rows, well-formed %d", methods[m], rows, ok);
    }
    /* No labels: the column is empty. */
    snprintf(cmd, sizeof cmd, "'%s' embed --input '%s' --method pca --out '%s' 2>/dev/null", bin,
             in, out);
    CHECK(system(cmd) == 0, "no labels");
    FILE *f = fopen(out, "r");
    char line[256] = "";
    if (f) {
        if (fgets(line, sizeof line, f)) { /* header */
        }
        if (!fgets(line, sizeof line, f)) line[0] = 0;
        fclose(f);
    }
    CHECK(strlen(line) > 2 && line[strlen(line) - 2] == ',', "unlabelled row '%s'", line);
    /* Bad usage and bad input: status 2. */
    const char *bad[] = {"--method tsne --out /dev/null",
                         "--input '%s' --method umap --out /dev/null",
                         "--input '%s' --method tsne --perplexity 200 --out /dev/null",
                         "--input /nonexistent.npy --method pca --out /dev/null",
                         "--input '%s' --labels '%s' --method pca --out /dev/null",
                         "RUN1 --method pca --out /dev/null"};
    for (int b = 0; b < 6; b++) {
        char args[3000];
        snprintf(args, sizeof args, bad[b], in, in);
        snprintf(cmd, sizeof cmd, "'%s' embed %s 2>/dev/null", bin, args);
        int rc = system(cmd);
        CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 2, "expected status 2: %s", cmd);
    }
    free(x);
}

int main(void)
{
    test_knn();
    test_affinities();
    test_gradient();
    test_run();
    test_thread();
    test_bad_inputs();
    test_cli();
    return test_done();
}
