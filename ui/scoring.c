/* scoring.c: a run's reconstruction errors as anomaly scores (see scoring.h). */
#include "scoring.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blas.h"
#include "checkpoint.h"
#include "model.h"
#include "net.h"
#include "pca.h"
#include "run_data.h"
#include "samples.h"
#include "workers.h"

const char *const score_metric_names[3] = {"mse", "mae", "max"};

enum { SCORE_BATCH = 64 };

int score_metric_parse(const char *name)
{
    for (int m = 0; m < 3; m++)
        if (name && !strcmp(name, score_metric_names[m])) return m;
    return -1;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int scoring_src_get(store *st, int64_t run, const char *weights, scoring_src *src, ae_err *err)
{
    memset(src, 0, sizeof *src);
    src->run = run, src->st = st;
    store_run r;
    if (store_run_get(st, run, &r, err)) return -1;
    store_param *p;
    int np;
    if (store_params_get(st, run, &p, &np, err)) return -1;
    const store_param *name = samples_param(p, np, "dataset"),
                      *dir = samples_param(p, np, "data_dir"), *tr = samples_param(p, np, "train"),
                      *te = samples_param(p, np, "test"), *lat = samples_param(p, np, "latent"),
                      *cls = samples_param(p, np, "train_classes"),
                      *an = samples_param(p, np, "anomalies");
    if (!name || !name->is_text || !tr || tr->is_text || !(tr->num >= 1) || tr->num > 1e8 || !te ||
        te->is_text || !(te->num >= 1) || te->num > 1e8 || !lat || lat->is_text) {
        free(p);
        return ae_fail(err, "run %lld: its parameters do not say which data it saw",
                       (long long)run);
    }
    snprintf(src->model, sizeof src->model, "%s", r.model);
    snprintf(src->store_uuid, sizeof src->store_uuid, "%s", store_uuid(st));
    snprintf(src->run_uuid, sizeof src->run_uuid, "%s", r.uuid);
    snprintf(src->dataset, sizeof src->dataset, "%.31s", name->text);
    if (dir && dir->is_text) snprintf(src->data_dir, sizeof src->data_dir, "%s", dir->text);
    if (cls && cls->is_text)
        snprintf(src->train_classes, sizeof src->train_classes, "%.255s", cls->text);
    if (an && !an->is_text && an->num > 0 && an->num <= 0.5) src->anomalies = an->num;
    src->train_n = (int)tr->num, src->test_n = (int)te->num, src->latent = (int)lat->num;
    free(p);
    int best = weights && !strcmp(weights, "best");
    char rdir[4096];
    if (store_run_dir(st, run, rdir, sizeof rdir, err)) return -1;
    snprintf(src->ckpt, sizeof src->ckpt, "%.4000s/%s", rdir,
             best ? "best.safetensors" : "last.safetensors");
    if (samples_is_file(src->ckpt)) return 0;
    if (!best && r.checkpoint[0] && samples_is_file(r.checkpoint)) {
        snprintf(src->ckpt, sizeof src->ckpt, "%s", r.checkpoint);
        return 0;
    }
    return ae_fail(err, "run %lld has no %s checkpoint (%s)", (long long)run,
                   best ? "best" : "last", src->ckpt);
}

void scoring_free(scoring *s)
{
    if (!s) return;
    free(s->train_score), free(s->score), free(s->pca_train_score), free(s->pca_score);
    free(s->label), free(s->cls), free(s->kind_of);
    free(s);
}

float score_of(const float *x, const float *y, int dim, int metric)
{
    double acc = 0;
    for (int i = 0; i < dim; i++) {
        double d = (double)y[i] - x[i];
        if (metric == SCORE_MSE)
            acc += d * d;
        else if (metric == SCORE_MAE)
            acc += fabs(d);
        else if (fabs(d) > acc)
            acc = fabs(d);
    }
    return (float)(metric == SCORE_MAX ? acc : acc / dim);
}

void score_map(const scoring *s, const float *x, const float *y, float *map)
{
    if (s->kind == DS_IMAGES) {
        for (int p = 0; p < s->h * s->w; p++) {
            double a = 0;
            for (int c = 0; c < s->c; c++) a += fabs((double)y[p * s->c + c] - x[p * s->c + c]);
            map[p] = (float)(a / s->c);
        }
    } else {
        for (int t = 0; t < s->t; t++) {
            double a = 0;
            for (int j = 0; j < s->f; j++) {
                double d = (double)y[t * s->f + j] - x[t * s->f + j];
                a += d * d;
            }
            map[t] = (float)(a / s->f);
        }
    }
}

static int load_model(const scoring_src *src, int threads, net *n, ae_err *err)
{
    ckpt_info info;
    net_init(n, (net_shape){0});
    if (ckpt_info_read(src->ckpt, &info, err) ||
        ckpt_ident_check(src->ckpt, info.store_uuid, info.run_uuid, src->store_uuid, src->run_uuid,
                         src->run, err))
        return -1;
    net_init(n, info.input);
    if (model_build(n, info.model, info.latent, err) ||
        net_finalize(n, SCORE_BATCH, threads, err) || ckpt_load(src->ckpt, n, info.model, err)) {
        ae_wrap(err, "%s", src->ckpt);
        return -1;
    }
    return 0;
}

/* A split as the run saw it (run_data_load: built-in sets with their classes and injected
 * anomalies, your own data with the run's scaling); your own data's training split cut to the
 * run's classes here. */
static int load_split(const scoring_src *src, int split, dataset *ds, ae_err *err)
{
    if (run_data_load(src->st, src->run, split, ds, err)) return -1;
    if (split == DS_TRAIN && src->train_classes[0] && !ds_known(src->dataset)) {
        uint8_t mask[DS_MAX_CLASSES];
        char norm[256];
        if (ds_class_list(ds, src->train_classes, mask, norm, sizeof norm, err) ||
            ds_keep_classes(ds, mask, ds->n, err))
            return ae_wrap(err, "training classes");
    }
    return 0;
}

/* ---- inference on worker threads ---------------------------------------------------- */

typedef struct infer_job {
    net *n;
    const dataset *ds;
    int nthreads, metric;
    float **xbuf;
    float *out;     /* scores, ds->n */
    float *recon;   /* NULL, or reconstructions sample-major (scoring_samples) */
    const int *idx; /* NULL: all samples in order */
    int count;
} infer_job;

static void infer_part(void *ctx, int part)
{
    infer_job *j = ctx;
    const dataset *ds = j->ds;
    int dim = ds->dim, seq = ds->kind == DS_SEQUENCES, T = ds->t, F = ds->f;
    int idx[SCORE_BATCH];
    float *xb = j->xbuf[part];
    for (int b0 = part * SCORE_BATCH; b0 < j->count; b0 += j->nthreads * SCORE_BATCH) {
        int B = j->count - b0 < SCORE_BATCH ? j->count - b0 : SCORE_BATCH;
        for (int k = 0; k < B; k++) idx[k] = j->idx ? j->idx[b0 + k] : b0 + k;
        ds_gather(ds, idx, B, xb);
        const float *y = net_forward(j->n, part, xb, B, j->n->nlayers - 1);
        for (int k = 0; k < B; k++) {
            float xs[4096], ys[4096]; /* one sample back in [t][f] order, in slices */
            double acc = 0;
            if (!seq) {
                if (j->recon)
                    memcpy(j->recon + (size_t)(b0 + k) * dim, y + (size_t)k * dim,
                           sizeof(float) * dim);
                float s = score_of(xb + (size_t)k * dim, y + (size_t)k * dim, dim, j->metric);
                j->out[b0 + k] = s;
                continue;
            }
            /* sequences are time-major [t][B][f]: score step by step */
            for (int t = 0; t < T; t++) {
                const float *xt = xb + ((size_t)t * B + k) * F, *yt = y + ((size_t)t * B + k) * F;
                if (j->recon)
                    memcpy(j->recon + (size_t)(b0 + k) * dim + (size_t)t * F, yt,
                           sizeof(float) * F);
                for (int f0 = 0; f0 < F; f0 += 4096) {
                    int m = F - f0 < 4096 ? F - f0 : 4096;
                    memcpy(xs, xt + f0, sizeof(float) * m), memcpy(ys, yt + f0, sizeof(float) * m);
                    double s = score_of(xs, ys, m, j->metric);
                    if (j->metric == SCORE_MAX)
                        acc = s > acc ? s : acc;
                    else
                        acc += s * m;
                }
            }
            j->out[b0 + k] = (float)(j->metric == SCORE_MAX ? acc : acc / dim);
        }
    }
}

static int infer(net *n, workers *wk, int nthreads, const dataset *ds, int metric, const int *idx,
                 int count, float *out, float *recon, ae_err *err)
{
    infer_job j = {n, ds, nthreads, metric, NULL, out, recon, idx, count};
    j.xbuf = calloc((size_t)nthreads, sizeof *j.xbuf);
    int rc = -1;
    if (!j.xbuf) return ae_fail(err, "out of memory");
    for (int t = 0; t < nthreads; t++)
        if (!(j.xbuf[t] = malloc(sizeof(float) * SCORE_BATCH * (size_t)ds->dim))) {
            ae_fail(err, "out of memory for a batch of %d samples", SCORE_BATCH);
            goto out;
        }
    workers_run(wk, infer_part, &j);
    rc = 0;
out:
    for (int t = 0; t < nthreads; t++) free(j.xbuf[t]);
    free(j.xbuf);
    return rc;
}

/* ---- the PCA baseline ---------------------------------------------------------------- */

static int pca_scores(const dataset *tr, const dataset *ev, int k, int metric, float *tr_out,
                      float *ev_out, ae_err *err)
{
    int dim = tr->dim, rc = -1;
    if (k > dim) k = dim;
    float *x = malloc(sizeof(float) * (size_t)tr->n * dim);
    if (!x) return ae_fail(err, "PCA: out of memory for %d training samples", tr->n);
    for (int i = 0; i < tr->n; i++) ds_sample(tr, i, x + (size_t)i * dim);
    pca p = {0};
    if (pca_fit(&p, x, tr->n, dim, k, err)) {
        free(x);
        return -1;
    }
    free(x);
    enum { BLK = 256 };
    float *xb = malloc(sizeof(float) * BLK * (size_t)dim), *yb = malloc(sizeof(float) * BLK * dim),
          *z = malloc(sizeof(float) * BLK * (size_t)k);
    if (!xb || !yb || !z) {
        ae_fail(err, "PCA: out of memory");
        goto out;
    }
    for (int which = 0; which < 2; which++) {
        const dataset *ds = which ? ev : tr;
        float *o = which ? ev_out : tr_out;
        for (int s = 0; s < ds->n; s += BLK) {
            int B = ds->n - s < BLK ? ds->n - s : BLK;
            for (int i = 0; i < B; i++) ds_sample(ds, s + i, xb + (size_t)i * dim);
            if (pca_project(&p, xb, B, z, err) || pca_reconstruct(&p, z, B, yb, err)) goto out;
            for (int i = 0; i < B; i++)
                o[s + i] = score_of(xb + (size_t)i * dim, yb + (size_t)i * dim, dim, metric);
        }
    }
    rc = 0;
out:
    free(xb), free(yb), free(z);
    pca_free(&p);
    return rc;
}

/* ---- the whole thing ----------------------------------------------------------------- */

static int labels_of(const scoring_src *src, const dataset *ev, scoring *s, ae_err *err)
{
    s->cls = malloc((size_t)ev->n);
    if (!s->cls) return ae_fail(err, "out of memory");
    memcpy(s->cls, ev->labels, (size_t)ev->n);
    if (ev->anomaly) {
        s->label = malloc((size_t)ev->n), s->kind_of = malloc((size_t)ev->n);
        if (!s->label || !s->kind_of) return ae_fail(err, "out of memory");
        memcpy(s->kind_of, ev->anomaly, (size_t)ev->n);
        for (int i = 0; i < ev->n; i++) s->label[i] = ev->anomaly[i] != DS_ANOM_NONE;
    } else if (src->train_classes[0]) {
        uint8_t mask[DS_MAX_CLASSES];
        char norm[256];
        if (ds_class_list(ev, src->train_classes, mask, norm, sizeof norm, err)) return -1;
        if (!(s->label = malloc((size_t)ev->n))) return ae_fail(err, "out of memory");
        for (int i = 0; i < ev->n; i++) s->label[i] = !mask[ev->labels[i]];
    }
    return 0;
}

int scoring_compute(const scoring_src *src, int split, int metric, int pca, int threads,
                    scoring **out, ae_err *err)
{
    *out = NULL;
    if (metric < 0 || metric > 2) return ae_fail(err, "unknown score metric %d", metric);
    if (threads < 1) threads = 1;
    double t0 = now_s();
    dataset tr = {0}, ev = {0};
    net n;
    memset(&n, 0, sizeof n);
    workers *wk = NULL;
    scoring *s = calloc(1, sizeof *s);
    int rc = -1;
    if (!s) return ae_fail(err, "out of memory");
    if (load_split(src, DS_TRAIN, &tr, err)) goto out;
    if (split == DS_TEST && (load_split(src, DS_TEST, &ev, err) || ds_same_shape(&tr, &ev, err)))
        goto out;
    const dataset *e = split == DS_TEST ? &ev : &tr;
    if (load_model(src, threads, &n, err)) goto out;
    if (net_shape_size(&n.input) != tr.dim) {
        ae_fail(err, "%s: the model takes %ld values per sample, the data has %d", src->ckpt,
                net_shape_size(&n.input), tr.dim);
        goto out;
    }
    s->kind = tr.kind, s->h = tr.h, s->w = tr.w, s->c = tr.c, s->t = tr.t, s->f = tr.f;
    s->dim = tr.dim, s->latent = net_latent_size(&n), s->split = split, s->metric = metric;
    s->n_train = tr.n, s->n = e->n, s->nclasses = e->nclasses;
    memcpy(s->class_names, e->class_names, sizeof s->class_names);
    snprintf(s->dataset, sizeof s->dataset, "%s", src->dataset);
    snprintf(s->model, sizeof s->model, "%s", src->model);
    s->train_score = malloc(sizeof(float) * (size_t)tr.n);
    s->score = malloc(sizeof(float) * (size_t)e->n);
    if (!s->train_score || !s->score) {
        ae_fail(err, "out of memory for %d scores", tr.n + e->n);
        goto out;
    }
    if (labels_of(src, e, s, err)) goto out;
    double t1 = now_s();
    s->load_s = t1 - t0;
    blas_set_threads(1); /* parallel over batches, one BLAS thread each */
    if (!(wk = workers_start(threads, err))) goto out;
    if (infer(&n, wk, threads, &tr, metric, NULL, tr.n, s->train_score, NULL, err)) goto out;
    if (split == DS_TEST && infer(&n, wk, threads, &ev, metric, NULL, ev.n, s->score, NULL, err))
        goto out;
    if (split == DS_TRAIN) memcpy(s->score, s->train_score, sizeof(float) * (size_t)tr.n);
    s->infer_samples = tr.n + (split == DS_TEST ? ev.n : 0);
    double t2 = now_s();
    s->infer_s = t2 - t1;
    if (pca) {
        blas_set_threads(threads);
        s->pca_train_score = malloc(sizeof(float) * (size_t)tr.n);
        s->pca_score = malloc(sizeof(float) * (size_t)e->n);
        if (!s->pca_train_score || !s->pca_score) {
            ae_fail(err, "out of memory for the PCA scores");
            goto out;
        }
        if (pca_scores(&tr, e, s->latent, metric, s->pca_train_score, s->pca_score, err)) {
            ae_wrap(err, "PCA baseline");
            goto out;
        }
        s->pca_s = now_s() - t2;
    }
    rc = 0;
out:
    workers_stop(wk);
    net_free(&n);
    ds_free(&tr);
    ds_free(&ev);
    if (rc)
        scoring_free(s);
    else
        *out = s;
    return rc;
}

int scoring_samples(const scoring_src *src, int split, const int *idx, int k, float *x, float *y,
                    ae_err *err)
{
    dataset ds = {0};
    net n;
    memset(&n, 0, sizeof n);
    workers *wk = NULL;
    float *tmp = NULL;
    int rc = -1;
    if (load_split(src, split, &ds, err)) goto out;
    for (int i = 0; i < k; i++)
        if (idx[i] < 0 || idx[i] >= ds.n) {
            ae_fail(err, "sample %d: the split has %d", idx[i], ds.n);
            goto out;
        }
    for (int i = 0; i < k; i++) ds_sample(&ds, idx[i], x + (size_t)i * ds.dim);
    if (!y) {
        rc = 0;
        goto out;
    }
    if (load_model(src, 1, &n, err) || !(wk = workers_start(1, err))) goto out;
    if (!(tmp = malloc(sizeof(float) * (size_t)(k > 0 ? k : 1)))) {
        ae_fail(err, "out of memory");
        goto out;
    }
    rc = infer(&n, wk, 1, &ds, SCORE_MSE, idx, k, tmp, y, err);
out:
    free(tmp);
    workers_stop(wk);
    net_free(&n);
    ds_free(&ds);
    return rc;
}
