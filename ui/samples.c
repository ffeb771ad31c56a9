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
    /* time-major batches for an LSTM; sample-major for a net that flattens (dense) */
    int seq = ds->kind == DS_SEQUENCES && !net_flat_io(n), T = ds->t, F = ds->f;
    int cap = n->batch_cap;
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
        if (seq || ds->kind == DS_IMAGES)
            ds_gather(ds, idx, B, xb);
        else
            ds_gather_flat(ds, idx, B, xb);
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

const store_param *samples_param(const store_param *p, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(p[i].name, name)) return &p[i];
    return NULL;
}

int samples_is_file(const char *p)
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
    const store_param *name = samples_param(p, np, "dataset"),
                      *dir = samples_param(p, np, "data_dir");
    const store_param *count = samples_param(p, np, "test");
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
    if (samples_is_file(src->ckpt)) return 0;
    if (r.checkpoint[0] && samples_is_file(r.checkpoint)) {
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

/* ---- the reconstruction grid (see samples.h) ---- */

enum { GRID_WANT = 8, GRID_MAX_SCALE = 8 };

void samples_grid_fixed(const samples *s, int tw, int nx, int ny, int text, samples_grid *g, int *W,
                        int *H)
{
    memset(g, 0, sizeof *g);
    g->text = text;
    g->tw = tw > 0 ? tw : 1;
    g->th = (int)((long)g->tw * s->h / (s->w > 0 ? s->w : 1));
    if (g->th < 1) g->th = 1;
    g->nx = nx, g->ny = ny;
    int gap_x = text ? 1 : 6, gap_y = text ? 2 : 6;
    g->lab_h = text ? 4 : 2 * CANVAS_FONT_H + 1; /* two lines */
    g->lab_y = 2 * g->th + (text ? 0 : 2);
    if (text && g->lab_y % 2) g->lab_y++; /* labels on a whole row */
    g->step_x = g->tw + gap_x;
    g->step_y = g->lab_y + g->lab_h + gap_y;
    g->lab_chars = text ? g->tw : g->tw / CANVAS_FONT_W;
    *W = nx * g->step_x - gap_x;
    *H = ny * g->step_y - gap_y;
}

static int pairs_fit(const samples *s, int W, int H, int text, int tw, samples_grid *g)
{
    int gw, gh;
    samples_grid_fixed(s, tw, 1, 1, text, g, &gw, &gh);
    int nx = (W + g->step_x - g->tw) / g->step_x, ny = (H + g->step_y - gh) / g->step_y;
    if (gw > W || gh > H) nx = ny = 0;
    g->nx = nx, g->ny = ny;
    return nx * ny;
}

int samples_grid_layout(const samples *s, int W, int H, int text, samples_grid *g)
{
    memset(g, 0, sizeof *g);
    if (s->kind != DS_IMAGES || s->w < 1 || s->h < 1 || W < 1 || H < 1) return 0;
    int iw = s->w, tmin = (iw + 1) / 2;
    samples_grid t;
    int want = pairs_fit(s, W, H, text, tmin, &t);
    if (want > GRID_WANT) want = GRID_WANT;
    if (want < 1) want = 1, tmin = 1;
    /* from the largest tile down: whole multiples of the image, then every size to tmin */
    int best = 0;
    for (int k = GRID_MAX_SCALE; k >= 1 && !best; k--)
        if (pairs_fit(s, W, H, text, k * iw, &t) >= want) best = k * iw;
    for (int tw = iw - 1; tw >= tmin && !best; tw--)
        if (pairs_fit(s, W, H, text, tw, &t) >= want) best = tw;
    if (!best) return 0;
    int n = pairs_fit(s, W, H, text, best, &t);
    int gw, gh;
    samples_grid_fixed(s, best, t.nx, t.ny, text, g, &gw, &gh);
    g->ox = (W - gw) / 2;
    g->oy = (H - gh) / 2;
    if (text) g->oy -= g->oy % 2;
    return n;
}

void samples_label(const samples *s, int i, int chars, char name[64], char err[64])
{
    name[0] = err[0] = 0;
    if (i < 0 || i >= s->n || chars < 1) return;
    int c = s->labels ? s->labels[i] : -1;
    if (c >= 0 && c < s->nclasses && c < DS_MAX_CLASSES)
        snprintf(name, 64, "%.*s", chars < 63 ? chars : 63, s->class_names[c]);
    char m[32];
    snprintf(m, sizeof m, "%.3g", s->mse[i]);
    if (snprintf(err, 64, "#%d %s", i, m) > chars) {
        if ((int)strlen(m) <= chars)
            snprintf(err, 64, "%s", m);
        else
            err[0] = 0;
    }
}

int samples_draw_grid(canvas *cv, const samples *s, const int *order, int first,
                      const samples_grid *g)
{
    ae_err err;
    if (g->text)
        canvas_clear_keyed(cv, SAMPLES_KEY);
    else
        canvas_clear(cv, SAMPLES_PAPER);
    if (s->kind != DS_IMAGES) return 0;
    int per = g->nx * g->ny, drawn = 0;
    for (int k = 0; k < per && first + k < s->n; k++) {
        if (first + k < 0) continue;
        int i = order ? order[first + k] : first + k;
        int px = g->ox + (k % g->nx) * g->step_x, py = g->oy + (k / g->nx) * g->step_y;
        const float *xo = s->x + (size_t)i * s->dim, *yo = s->y + (size_t)i * s->dim;
        canvas_blit_float(cv, px, py, g->tw, g->th, xo, s->w, s->h, s->c, &err);
        canvas_blit_float(cv, px, py + g->th, g->tw, g->th, yo, s->w, s->h, s->c, &err);
        drawn++;
        if (g->text) continue; /* the screen writes the labels as text */
        char name[64], e[64];
        samples_label(s, i, g->lab_chars, name, e);
        canvas_text(cv, px, py + g->lab_y, name, 1, 0xe0e0e0);
        canvas_text(cv, px, py + g->lab_y + CANVAS_FONT_H + 1, e, 1, 0xa8a8a8);
    }
    return drawn;
}
