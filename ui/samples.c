/* samples.c: a run's test samples with reconstructions, errors and latents (see samples.h).
 *
 * One forward pass per batch gives both the reconstruction (the net's output) and the latent
 * vector (the latent layer's output, still in the workspace after the pass). Sequences come
 * back time-major [t][b][f] and are turned to [b][t][f] here. */
#include "samples.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checkpoint.h"
#include <math.h>
#include "model.h"

void samples_free(samples *s)
{
    if (!s) return;
    free(s->x), free(s->y), free(s->mse), free(s->z), free(s->labels);
    free(s);
}

int samples_compute(net *n, int ws, const dataset *ds, int nmax, samples **out, ae_err *err)
{
    *out = NULL;
    int N = ds->n < nmax ? ds->n : nmax, L = net_latent_size(n), dim = ds->dim;
    int seq = ds->kind == DS_SEQUENCES, T = ds->t, F = ds->f, cap = n->batch_cap;
    if (N < 1 || L < 1 || cap < 1) return ae_fail(err, "no samples to show");
    if (net_shape_size(&n->input) != dim)
        return ae_fail(err, "the model takes %ld values per sample, the data has %d",
                       net_shape_size(&n->input), dim);
    samples *s = calloc(1, sizeof *s);
    float *xb = malloc(sizeof(float) * (size_t)cap * dim);
    int *idx = malloc(sizeof(int) * (size_t)cap);
    if (s) {
        s->x = malloc(sizeof(float) * (size_t)N * dim);
        s->y = malloc(sizeof(float) * (size_t)N * dim);
        s->mse = malloc(sizeof(float) * (size_t)N);
        s->z = malloc(sizeof(float) * (size_t)N * L);
        s->labels = malloc((size_t)N);
    }
    if (!s || !xb || !idx || !s->x || !s->y || !s->mse || !s->z || !s->labels) {
        samples_free(s), free(xb), free(idx);
        return ae_fail(err, "out of memory for %d samples", N);
    }
    s->kind = ds->kind, s->h = ds->h, s->w = ds->w, s->c = ds->c, s->t = T, s->f = F;
    s->dim = dim, s->n = N, s->latent = L, s->nclasses = ds->nclasses;
    memcpy(s->class_names, ds->class_names, sizeof s->class_names);
    snprintf(s->dataset, sizeof s->dataset, "%s", ds->name);
    memcpy(s->labels, ds->labels, (size_t)N);
    for (int b0 = 0; b0 < N; b0 += cap) {
        int B = N - b0 < cap ? N - b0 : cap;
        for (int k = 0; k < B; k++) idx[k] = b0 + k;
        ds_gather(ds, idx, B, xb);
        const float *y = net_forward(n, ws, xb, B, n->nlayers - 1);
        const float *z = net_output(n, ws, n->latent_layer);
        memcpy(s->z + (size_t)b0 * L, z, sizeof(float) * (size_t)B * L);
        for (int k = 0; k < B; k++) {
            float *xo = s->x + (size_t)(b0 + k) * dim, *yo = s->y + (size_t)(b0 + k) * dim;
            if (seq)
                for (int t = 0; t < T; t++) {
                    memcpy(xo + (size_t)t * F, xb + ((size_t)t * B + k) * F, sizeof(float) * F);
                    memcpy(yo + (size_t)t * F, y + ((size_t)t * B + k) * F, sizeof(float) * F);
                }
            else {
                memcpy(xo, xb + (size_t)k * dim, sizeof(float) * dim);
                memcpy(yo, y + (size_t)k * dim, sizeof(float) * dim);
            }
            double se = 0;
            for (int i = 0; i < dim; i++) {
                double d = (double)yo[i] - xo[i];
                se += d * d;
            }
            s->mse[b0 + k] = (float)(se / dim);
        }
    }
    free(xb), free(idx);
    *out = s;
    return 0;
}

static const store_param *param_find(const store_param *p, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(p[i].name, name)) return &p[i];
    return NULL;
}

static int is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

int samples_src_get(store *st, const char *db_path, int64_t run, samples_src *src, ae_err *err)
{
    memset(src, 0, sizeof *src);
    src->run = run;
    store_run r;
    if (store_run_get(st, run, &r, err)) return -1;
    store_param *p;
    int np;
    if (store_params_get(st, run, &p, &np, err)) return -1;
    const store_param *name = param_find(p, np, "dataset"), *dir = param_find(p, np, "data_dir");
    const store_param *count = param_find(p, np, "test");
    if (!name || !name->is_text || !count || count->is_text || !(count->num >= 1)) {
        free(p);
        return ae_fail(err, "run %lld: its parameters do not say which data it saw",
                       (long long)run);
    }
    snprintf(src->model, sizeof src->model, "%s", r.model);
    snprintf(src->store_uuid, sizeof src->store_uuid, "%s", store_uuid(st));
    snprintf(src->run_uuid, sizeof src->run_uuid, "%s", r.uuid);
    snprintf(src->dataset, sizeof src->dataset, "%.31s", name->text);
    if (dir && dir->is_text) snprintf(src->data_dir, sizeof src->data_dir, "%s", dir->text);
    src->test_n = (int)count->num;
    free(p);
    (void)db_path;
    char rdir[4096];
    if (store_run_dir(st, run, rdir, sizeof rdir, err)) return -1;
    snprintf(src->ckpt, sizeof src->ckpt, "%.4000s/last.safetensors", rdir);
    if (is_file(src->ckpt)) return 0;
    if (r.checkpoint[0] && is_file(r.checkpoint)) {
        snprintf(src->ckpt, sizeof src->ckpt, "%s", r.checkpoint);
        return 0;
    }
    return ae_fail(err,
                   "run %lld has no checkpoint (runs trained before checkpoints existed "
                   "show their latent plot only)",
                   (long long)run);
}

int samples_load_run(const samples_src *src, int nmax, samples **out, ae_err *err)
{
    *out = NULL;
    ckpt_info info;
    if (ckpt_info_read(src->ckpt, &info, err) ||
        ckpt_ident_check(src->ckpt, info.store_uuid, info.run_uuid, src->store_uuid, src->run_uuid,
                         src->run, err))
        return -1;
    dataset ds = {0};
    int want = src->test_n < nmax ? src->test_n : nmax;
    ds_options o = {.data_dir = src->data_dir[0] ? src->data_dir : NULL, .n = want};
    if (ds_load(src->dataset, DS_TEST, &o, &ds, err)) {
        ds_free(&ds);
        return -1;
    }
    net n;
    net_init(&n, info.input);
    int rc = -1;
    if (model_build(&n, info.model, info.latent, err) || net_finalize(&n, 32, 1, err) ||
        ckpt_load(src->ckpt, &n, info.model, err)) {
        ae_wrap(err, "%s", src->ckpt);
        goto out;
    }
    if (samples_compute(&n, 0, &ds, nmax, out, err)) goto out;
    (*out)->run = src->run;
    (*out)->epoch = info.epoch;
    snprintf((*out)->model, sizeof(*out)->model, "%s", info.model);
    rc = 0;
out:
    net_free(&n);
    ds_free(&ds);
    return rc;
}

int samples_class_names(const char *dsname, const char *data_dir, char names[][24])
{
    dataset ds = {0};
    ds_options o = {.data_dir = data_dir && *data_dir ? data_dir : NULL, .n = 1};
    ae_err e;
    int n = 0;
    if (dsname && ds_load(dsname, DS_TEST, &o, &ds, &e) == 0) {
        n = ds.nclasses;
        for (int k = 0; k < n && k < DS_MAX_CLASSES; k++)
            snprintf(names[k], 24, "%s", ds.class_names[k]);
    }
    ds_free(&ds);
    if (n <= 0) {
        n = 10;
        for (int k = 0; k < n; k++) snprintf(names[k], 24, "%d", k);
    }
    return n > DS_MAX_CLASSES ? DS_MAX_CLASSES : n;
}

typedef struct worst_key {
    float mse;
    int i;
} worst_key;

static int cmp_worst(const void *a, const void *b)
{
    const worst_key *x = a, *y = b;
    if (x->mse != y->mse) return x->mse < y->mse ? 1 : -1;
    return x->i - y->i;
}

int samples_worst(const samples *s, int **out, ae_err *err)
{
    size_t n = (size_t)(s->n > 0 ? s->n : 1);
    int *v = malloc(sizeof(int) * n);
    worst_key *k = malloc(sizeof *k * n);
    if (!v || !k) {
        free(v), free(k);
        return ae_fail(err, "out of memory");
    }
    for (int i = 0; i < s->n; i++)
        k[i] = (worst_key){s->mse[i] == s->mse[i] ? s->mse[i] : 1e30f, i};
    qsort(k, (size_t)s->n, sizeof *k, cmp_worst);
    for (int i = 0; i < s->n; i++) v[i] = k[i].i;
    free(k);
    *out = v;
    return 0;
}

/* The pair grid: the largest scale at which at least 8 pairs fit. */
typedef struct grid {
    double scale;
    int iw, ih, nx, ny, gap, lab, cw, chh;
} grid;

static grid grid_layout(int W, int H, int iw, int ih, int labels)
{
    grid g = {0};
    g.iw = iw, g.ih = ih;
    g.gap = labels ? 6 : 1;
    g.lab = labels ? CANVAS_FONT_H + 2 : 0;
    double best = 0;
    for (int ny = 1; ny <= 8; ny++) {
        int nx = (8 + ny - 1) / ny;
        double sh = (double)(H - ny * (g.gap + g.lab)) / (ny * 2.0 * ih);
        double sw = (double)(W - nx * g.gap) / (nx * (double)iw);
        double sc = sh < sw ? sh : sw;
        if (sc > best) best = sc;
    }
    if (best >= 1) best = floor(best);
    if (best > 8) best = 8;
    g.scale = best;
    g.cw = (int)(iw * best + 0.5);
    g.chh = (int)(ih * best + 0.5);
    if (g.cw < 1) g.cw = 1;
    if (g.chh < 1) g.chh = 1;
    g.nx = W / (g.cw + g.gap);
    g.ny = H / (2 * g.chh + g.gap + g.lab);
    return g;
}

int samples_draw_grid(canvas *cv, const samples *s, const int *order, int first, int labels)
{
    ae_err err;
    canvas_clear(cv, SAMPLES_PAPER);
    if (s->kind != DS_IMAGES) return 0;
    grid g = grid_layout(cv->w, cv->h, s->w, s->h, labels);
    int per = g.nx * g.ny;
    if (per < 1) return 0;
    int gw = g.nx * (g.cw + g.gap) - g.gap, gh = g.ny * (2 * g.chh + g.gap + g.lab) - g.gap;
    int ox = (cv->w - gw) / 2, oy = (cv->h - gh) / 2;
    if (ox < 0) ox = 0;
    if (oy < 0) oy = 0;
    for (int k = 0; k < per && first + k < s->n; k++) {
        if (first + k < 0) continue;
        int i = order ? order[first + k] : first + k;
        int px = ox + (k % g.nx) * (g.cw + g.gap);
        int py = oy + (k / g.nx) * (2 * g.chh + g.gap + g.lab);
        const float *xo = s->x + (size_t)i * s->dim, *yo = s->y + (size_t)i * s->dim;
        canvas_blit_float(cv, px, py, g.cw, g.chh, xo, s->w, s->h, s->c, &err);
        canvas_blit_float(cv, px, py + g.chh, g.cw, g.chh, yo, s->w, s->h, s->c, &err);
        if (labels) {
            char lab[48];
            snprintf(lab, sizeof lab, "#%d %.4f", i, s->mse[i]);
            if (canvas_text_width(lab, 1) > g.cw) snprintf(lab, sizeof lab, "%.4f", s->mse[i]);
            canvas_text(cv, px, py + 2 * g.chh + 2, lab, 1, 0xc0c0c0);
        }
    }
    return per;
}
