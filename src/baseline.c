/* baseline.c: the PCA linear baseline, computed lean or read from the store's cache (see
 * baseline.h). */
#include "baseline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blas.h"
#include "checkpoint.h"
#include "dataset.h"
#include "dspec.h"
#include "model.h"
#include "pca.h"

enum { EVAL_ROWS = 512 }; /* test rows converted and reconstructed at a time */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int baseline_default_n(const char *dataset, int *train, int *test)
{
    int kind = ds_kind_of(dataset);
    *train = *test = 0;
    if (!kind) return 0;
    for (const model_preset *p = model_presets; p->name; p++)
        if (p->kind == kind) {
            *train = p->train_n;
            *test = p->test_n;
            return 1;
        }
    return 0;
}

/* Fits PCA on the first tr->n samples of tr, which it frees on the way (images: the bytes go
 * before the fit). */
static int fit(dataset *tr, int k, pca *p, ae_err *err)
{
    int n = tr->n, d = tr->dim;
    float *x = malloc((size_t)n * d * sizeof *x);
    if (!x) {
        ds_free(tr);
        return ae_fail(err, "baseline: out of memory for %d x %d floats", n, d);
    }
    for (int i = 0; i < n; i++) ds_sample(tr, i, x + (size_t)i * d);
    ds_free(tr);
    int rc = pca_fit(p, x, n, d, k, err);
    free(x);
    return rc;
}

/* Reconstruction errors of te's samples through p, EVAL_ROWS at a time. */
static int evaluate(const pca *p, const dataset *te, double *mse, double *mae, ae_err *err)
{
    int d = te->dim, k = p->k, rows = te->n < EVAL_ROWS ? te->n : EVAL_ROWS;
    float *x = malloc((size_t)rows * d * sizeof *x);
    float *rec = malloc((size_t)rows * d * sizeof *rec);
    float *z = malloc((size_t)rows * k * sizeof *z);
    int rc = -1;
    if (!x || !rec || !z) {
        ae_fail(err, "baseline: out of memory");
        goto out;
    }
    double se = 0, ae = 0;
    for (int i0 = 0; i0 < te->n; i0 += rows) {
        int m = te->n - i0 < rows ? te->n - i0 : rows;
        for (int i = 0; i < m; i++) ds_sample(te, i0 + i, x + (size_t)i * d);
        if (pca_project(p, x, m, z, err) || pca_reconstruct(p, z, m, rec, err)) goto out;
        for (size_t i = 0; i < (size_t)m * d; i++) {
            double e = (double)rec[i] - x[i];
            se += e * e;
            ae += fabs(e);
        }
    }
    *mse = se / ((double)te->n * d);
    *mae = ae / ((double)te->n * d);
    rc = 0;
out:
    free(x);
    free(rec);
    free(z);
    return rc;
}

/* Your own data, both splits as a run on it saw them (its scaling when given). */
static int load_own(const baseline_req *rq, dataset *tr, dataset *te, ae_err *err)
{
    ds_spec spec;
    ds_spec_init(&spec);
    snprintf(spec.name, sizeof spec.name, "%.31s", rq->dataset);
    if (ds_spec_from_text(rq->data_spec, &spec, err)) return -1;
    ds_scaling fixed = {0};
    if (rq->scaling_from && rq->scaling_from[0] && ckpt_scaling_read(rq->scaling_from, &fixed, err))
        return -1;
    ds_load_req lr = {.ntrain = rq->train,
                      .ntest = rq->test,
                      .fixed = fixed.n ? &fixed : NULL,
                      .threads = rq->threads > 0 ? rq->threads : 1};
    int rc = ds_spec_load(&spec, &lr, tr, te, err);
    ds_scaling_free(&fixed);
    return rc;
}

int baseline_get(const baseline_req *rq, store *st, baseline_res *res, ae_err *err)
{
    double t0 = now_s();
    memset(res, 0, sizeof *res);
    int own = rq->data_spec && rq->data_spec[0];
    if (!rq->dataset || (!own && !ds_known(rq->dataset)))
        return ae_fail(err, "unknown dataset '%s'", rq->dataset ? rq->dataset : "");
    if (rq->train < 2 && !(own && rq->train == 0))
        return ae_fail(err, "PCA needs at least 2 training samples");
    if (rq->test < 1 && !(own && rq->test == 0))
        return ae_fail(err, "at least 1 test sample is needed");
    if (rq->latent < 1) return ae_fail(err, "the latent size must be at least 1");

    dataset tr, te;
    memset(&tr, 0, sizeof tr);
    memset(&te, 0, sizeof te);
    if (own) {
        if (load_own(rq, &tr, &te, err)) return -1;
    } else {
        ds_options o = {.data_dir = rq->data_dir && rq->data_dir[0] ? rq->data_dir : NULL,
                        .n = rq->train};
        if (ds_load_classes(rq->dataset, &o, rq->classes, &tr, NULL, 0, err)) return -1;
        o.n = rq->test;
        o.anomalies = rq->anomalies;
        if (ds_load(rq->dataset, DS_TEST, &o, &te, err)) {
            ds_free(&tr);
            return -1;
        }
    }
    if (ds_same_shape(&tr, &te, err) || tr.n < 2) {
        if (tr.n < 2)
            ae_fail(err, "PCA needs at least 2 training samples, %s has %d", rq->dataset, tr.n);
        ds_free(&tr);
        ds_free(&te);
        return -1;
    }
    int rc = -1;
    res->dim = tr.dim;
    if (rq->latent > tr.dim) {
        ae_fail(err, "latent size %d is more than the %d values of a %s sample", rq->latent, tr.dim,
                rq->dataset);
        goto out;
    }
    store_baseline *b = &res->b;
    snprintf(b->dataset, sizeof b->dataset, "%s", rq->dataset);
    snprintf(b->data_sha256, sizeof b->data_sha256, "%s", tr.sha256);
    snprintf(b->test_sha256, sizeof b->test_sha256, "%s", te.sha256);
    b->train = tr.n, b->test = te.n, b->latent = rq->latent;

    if (st && !rq->recompute) {
        store_baseline c;
        ae_err e2 = {{0}};
        int found = store_baseline_get(st, b->dataset, b->data_sha256, b->train, b->test, b->latent,
                                       &c, &e2);
        if (found < 0)
            snprintf(res->warning, sizeof res->warning, "%s", e2.msg);
        else if (found && (!c.test_sha256[0] || !strcmp(c.test_sha256, te.sha256))) {
            *b = c;
            res->cached = 1;
            res->seconds = now_s() - t0;
            rc = 0;
            goto out;
        }
    }

    if (rq->threads > 0) blas_set_threads(rq->threads);
    pca p;
    double t1 = now_s();
    if (fit(&tr, rq->latent, &p, err)) { /* frees tr */
        rc = -2;
        goto out;
    }
    double t2 = now_s();
    if (evaluate(&p, &te, &b->mse, &b->mae, err)) {
        pca_free(&p);
        rc = -2;
        goto out;
    }
    b->explained = 0;
    for (int t = 0; t < p.k; t++) b->explained += p.ratio[t];
    pca_free(&p);
    res->fit_s = t2 - t1;
    res->eval_s = now_s() - t2;
    b->seconds = now_s() - t0;
    if (st && !rq->no_cache_write && !store_readonly(st)) {
        ae_err e2 = {{0}};
        if (store_baseline_put(st, b, &e2))
            snprintf(res->warning, sizeof res->warning, "not cached: %.480s", e2.msg);
    }
    res->seconds = now_s() - t0;
    rc = 0;
out:
    ds_free(&tr);
    ds_free(&te);
    return rc;
}
