/* dsload.c: loading a dataset spec into train and test datasets (see dspec.h).
 *
 * One path for every format: read the whole source (and the test source) with its reader,
 * merge the class names of both, pick each split's samples (a seeded, stratified shuffle; or
 * the end of a series), cap them at the counts asked for, fit the scaling on the training
 * split and apply it to both. Image folders are the exception to "read the whole source":
 * they are listed and split first, so only the images wanted are decoded (every file is still
 * read once, for the content hash). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dspec.h"
#include "fileio.h"
#include "image.h"
#include "rng.h"
#include "sha256.h"

enum { STREAM_SPLIT = 11 };

/* ---- content hashes ---- */

/* SHA-256 of a file's bytes into ctx. */
static int hash_file(sha256_ctx *c, const char *path, ae_err *err)
{
    int fd = fio_open_read(path, NULL, err);
    if (fd < 0) return -1;
    enum { CHUNK = 1 << 20 };
    unsigned char *b = malloc(CHUNK);
    if (!b) {
        close(fd);
        return ae_fail(err, "%s: out of memory", path);
    }
    ssize_t got;
    while ((got = read(fd, b, CHUNK)) != 0) {
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            int e = errno;
            free(b);
            close(fd);
            return ae_fail(err, "%s: read error: %s", path, strerror(e));
        }
        sha256_update(c, b, (size_t)got);
    }
    free(b);
    close(fd);
    return 0;
}

/* The content hash of several parts: one part is the hash itself; more are hashed together
 * as their hex digests, in order. */
static void hash_combine(const char parts[][65], int n, char out[65])
{
    if (n == 1) {
        memcpy(out, parts[0], 65);
        return;
    }
    sha256_ctx c;
    sha256_init(&c);
    for (int i = 0; i < n; i++) sha256_update(&c, parts[i], 64);
    sha256_hex(&c, out);
}

static int hash_path(const char *path, char out[65], ae_err *err)
{
    sha256_ctx c;
    sha256_init(&c);
    if (hash_file(&c, path, err)) return -1;
    sha256_hex(&c, out);
    return 0;
}

/* ---- classes ---- */

void ds_class_name(char dst[24], const char *src)
{
    size_t n = strlen(src);
    if (n > 23) {
        n = 23;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80) n--;
    }
    memcpy(dst, src, n);
    dst[n] = 0;
}

static int is_number(const char *s)
{
    char *end;
    strtod(s, &end);
    return end != s && !*end;
}

int ds_class_union(const char *a, int na, const char *b, int nb, size_t stride, char *out,
                   uint8_t *map_a, uint8_t *map_b)
{
    int n = 0, num = 1;
    for (int s = 0; s < 2; s++) { /* the different names, in order of appearance */
        const char *l = s ? b : a;
        for (int k = 0; k < (s ? nb : na); k++) {
            const char *name = l + stride * k;
            int dup = 0;
            for (int i = 0; i < n && !dup; i++) dup = !strcmp(out + stride * i, name);
            if (dup) continue;
            if (n == DS_MAX_CLASSES) return -1;
            snprintf(out + stride * n++, stride, "%s", name);
            num &= is_number(name);
        }
    }
    char *t = malloc(stride);
    if (!t) return -1;
    for (int i = 1; i < n; i++) /* insertion sort: at most 256 */
        for (int j = i; j > 0; j--) {
            char *x = out + stride * (j - 1), *y = out + stride * j;
            if (num ? strtod(x, NULL) <= strtod(y, NULL) : strcmp(x, y) <= 0) break;
            memcpy(t, y, stride), memcpy(y, x, stride), memcpy(x, t, stride);
        }
    free(t);
    for (int s = 0; s < 2; s++) {
        const char *l = s ? b : a;
        uint8_t *map = s ? map_b : map_a;
        for (int k = 0; k < (s ? nb : na); k++)
            for (int i = 0; i < n; i++)
                if (!strcmp(out + stride * i, l + stride * k)) map[k] = (uint8_t)i;
    }
    return n;
}

/* Merges the class names of b into a's (ds_class_union); both datasets' labels are
 * renumbered. */
static int merge_classes(dataset *a, dataset *b, ae_err *err)
{
    char names[DS_MAX_CLASSES][24];
    uint8_t map[2][DS_MAX_CLASSES];
    int n = ds_class_union(a->class_names[0], a->nclasses, b->class_names[0], b->nclasses, 24,
                           names[0], map[0], map[1]);
    if (n < 0)
        return ae_fail(err, "the training and test data have more than %d classes together",
                       DS_MAX_CLASSES);
    for (int s = 0; s < 2; s++) {
        dataset *d = s ? b : a;
        for (int i = 0; i < d->n; i++) d->labels[i] = map[s][d->labels[i]];
        memcpy(d->class_names, names, sizeof(names[0]) * (size_t)n);
        d->nclasses = n;
    }
    a->labelled = b->labelled = a->labelled || b->labelled;
    return 0;
}

/* ---- splits ---- */

/* A seeded shuffle of 0..n-1, then per class the first round(frac * count) samples in that
 * order go to the test list; both lists keep the shuffled order. */
static int split_indices(int n, const uint8_t *labels, int stratify, double frac, uint64_t seed,
                         int64_t **tr, int *ntr, int64_t **te, int *nte, ae_err *err)
{
    int *perm = malloc(sizeof(int) * (size_t)(n ? n : 1));
    *tr = malloc(sizeof(int64_t) * (size_t)(n ? n : 1));
    *te = malloc(sizeof(int64_t) * (size_t)(n ? n : 1));
    if (!perm || !*tr || !*te) {
        free(perm), free(*tr), free(*te);
        *tr = *te = NULL;
        return ae_fail(err, "out of memory splitting %d samples", n);
    }
    for (int i = 0; i < n; i++) perm[i] = i;
    rng r;
    rng_seed_stream(&r, seed, STREAM_SPLIT);
    rng_shuffle(&r, perm, n);
    int count[DS_MAX_CLASSES] = {0}, quota[DS_MAX_CLASSES], taken[DS_MAX_CLASSES] = {0};
    for (int i = 0; i < n; i++) count[stratify ? labels[i] : 0]++;
    for (int k = 0; k < DS_MAX_CLASSES; k++) quota[k] = (int)floor(frac * count[k] + 0.5);
    *ntr = *nte = 0;
    for (int i = 0; i < n; i++) {
        int k = stratify ? labels[perm[i]] : 0;
        if (taken[k] < quota[k]) {
            taken[k]++;
            (*te)[(*nte)++] = perm[i];
        } else {
            (*tr)[(*ntr)++] = perm[i];
        }
    }
    free(perm);
    return 0;
}

/* A dataset of the samples idx[0..n-1] of src (not windows), sharing nothing with it. */
static int take(const dataset *src, const int64_t *idx, int n, dataset *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    *out = *src; /* shapes, names, files, hash */
    out->u8 = NULL, out->f32 = NULL, out->labels = NULL, out->src_index = NULL;
    out->starts = NULL, out->times = NULL;
    memset(&out->scaling, 0, sizeof out->scaling);
    out->n = n;
    size_t dim = (size_t)src->dim, m = (size_t)(n ? n : 1);
    if (src->u8)
        out->u8 = malloc(dim * m);
    else
        out->f32 = malloc(sizeof(float) * dim * m);
    out->labels = malloc(m);
    out->src_index = malloc(sizeof(int64_t) * m);
    if ((!out->u8 && !out->f32) || !out->labels || !out->src_index) {
        ds_free(out);
        return ae_fail(err, "out of memory for %d samples", n);
    }
    for (int i = 0; i < n; i++) {
        int64_t j = idx[i];
        if (src->u8)
            memcpy(out->u8 + dim * i, src->u8 + dim * j, dim);
        else
            memcpy(out->f32 + dim * i, src->f32 + dim * j, sizeof(float) * dim);
        out->labels[i] = src->labels[j];
        out->src_index[i] = src->src_index ? src->src_index[j] : j;
    }
    return 0;
}

static int64_t *seq_index(int n)
{
    int64_t *v = malloc(sizeof(int64_t) * (size_t)(n ? n : 1));
    for (int i = 0; v && i < n; i++) v[i] = i;
    return v;
}

/* Checks a count asked for against what a split holds: the number to take. */
static int cap_count(int want, int have, const char *what, const char *name, int *out, ae_err *err)
{
    if (want > have)
        return ae_fail(err, "%s: %d %s samples asked for, and the split holds %d", name, want, what,
                       have);
    *out = want > 0 ? want : have;
    return 0;
}

/* ---- sources read whole ---- */

static int read_source(const ds_spec *s, const char *path, const char *labels, dataset *out,
                       ae_err *err)
{
    if (s->format == DSF_NPY) return npyds_read(path, labels, out, err);
    return csvrows_read(path, s, out, err);
}

/* Splits (or takes whole) the read sources into train/test, capped as asked. */
static int split_sources(const ds_spec *s, const ds_load_req *rq, dataset *all, dataset *tall,
                         dataset *tr, dataset *te, ae_err *err)
{
    int64_t *itr = NULL, *ite = NULL;
    int ntr = 0, nte = 0, rc = -1;
    if (rq->whole) {
        itr = seq_index(all->n), ntr = all->n;
    } else if (tall) {
        int dummy;
        if (split_indices(all->n, all->labels, 0, 0.0, s->split_seed, &itr, &ntr, &ite, &dummy,
                          err))
            return -1;
        free(ite);
        ite = seq_index(tall->n), nte = tall->n;
    } else if (split_indices(all->n, all->labels, all->labelled, s->test_frac, s->split_seed, &itr,
                             &ntr, &ite, &nte, err)) {
        return -1;
    }
    if (!itr || (!rq->whole && !ite)) {
        ae_fail(err, "out of memory");
        goto out;
    }
    int k = 0;
    if (tr) {
        if (cap_count(rq->ntrain, ntr, "training", all->name, &k, err) ||
            take(all, itr, k, tr, err))
            goto out;
    }
    if (te && !rq->whole) {
        if (nte == 0) {
            ae_fail(err, "%s: no test samples (--test-frac %g of %d samples)", all->name,
                    s->test_frac, all->n);
            goto out;
        }
        if (cap_count(rq->ntest, nte, "test", all->name, &k, err) ||
            take(tall ? tall : all, ite, k, te, err))
            goto out;
    }
    rc = 0;
out:
    free(itr), free(ite);
    return rc;
}

/* ---- series windows ---- */

/* A dataset of the windows of rows [a, b) of the series. With a == 0 it takes the series'
 * arrays over (shrunk to the rows kept) instead of copying them: the series must then not be
 * used again, and memory peaks at the series plus the other split, not twice the series. */
static int series_windows(ds_series *sr, int64_t a, int64_t b, int T, int S, int want,
                          const char *what, const char *name, dataset *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    int64_t L = b - a;
    if (L < T)
        return ae_fail(err, "%s: the %s part has %lld rows, fewer than the window (%d)%s", name,
                       what, (long long)L, T,
                       !strcmp(what, "test") ? ": raise --test-frac or lower --window" : "");
    int64_t n = (L - T) / S + 1, last = a + (n - 1) * S;
    int extra = last + T < b; /* one more window, ending at the last row */
    n += extra;
    if (n > 0x7fffffff) return ae_fail(err, "%s: more than 2^31 windows: raise --stride", name);
    int k = (int)n;
    if (want > 0 && want > k)
        return ae_fail(err, "%s: %d %s windows asked for, and the %s part holds %d", name, want,
                       what, what, k);
    if (want > 0) k = want;
    int64_t rows = b - a;
    if (want > 0) { /* keep just the rows the first `want` windows cover */
        int64_t end = (k == n && extra) ? b : a + (int64_t)(k - 1) * S + T;
        rows = end - a;
    }
    int steal = a == 0;
    if (steal) {
        float *v = realloc(sr->v, sizeof(float) * (size_t)rows * (size_t)sr->f);
        out->f32 = v ? v : sr->v;
        sr->v = NULL;
        if (sr->times) {
            double *t = realloc(sr->times, sizeof(double) * (size_t)rows);
            out->times = t ? t : sr->times;
            sr->times = NULL;
        }
    } else {
        out->f32 = malloc(sizeof(float) * (size_t)rows * (size_t)sr->f);
        if (sr->times) out->times = malloc(sizeof(double) * (size_t)rows);
    }
    int timed = out->times != NULL;
    out->starts = malloc(sizeof(int64_t) * (size_t)k);
    out->src_index = malloc(sizeof(int64_t) * (size_t)k);
    out->labels = calloc((size_t)k, 1);
    if (!out->f32 || !out->starts || !out->src_index || !out->labels ||
        (!steal && sr->times && !timed)) {
        ds_free(out);
        return ae_fail(err, "%s: out of memory for %lld rows", name, (long long)rows);
    }
    if (!steal) {
        memcpy(out->f32, sr->v + a * sr->f, sizeof(float) * (size_t)rows * (size_t)sr->f);
        if (sr->times) memcpy(out->times, sr->times + a, sizeof(double) * (size_t)rows);
    }
    for (int i = 0; i < k; i++) {
        int64_t st = (extra && i == (int)n - 1) ? b - T - a : (int64_t)i * S;
        out->starts[i] = st;
        out->src_index[i] = a + st;
    }
    out->kind = DS_SEQUENCES, out->n = k, out->t = T, out->f = sr->f, out->dim = T * sr->f;
    out->rows = rows, out->row0 = a, out->time_kind = sr->time_kind;
    out->nclasses = 1;
    snprintf(out->class_names[0], 24, "(unlabelled)");
    return 0;
}

static int load_series(const ds_spec *s, const ds_load_req *rq, dataset *tr, dataset *te,
                       ae_err *err)
{
    ds_series a = {0}, b = {0};
    int rc = -1, T = s->window,
        S = s->stride > 0 ? s->stride : (s->window / 4 > 0 ? s->window / 4 : 1);
    if (T < 1) return ae_fail(err, "%s: a long time series needs --window T", s->path);
    if (csvseries_read(s->path, s, &a, err)) return -1;
    if (!rq->whole && s->test_path[0] && csvseries_read(s->test_path, s, &b, err)) goto out;
    if (b.rows && b.f != a.f) {
        ae_fail(err,
                "%s has %d value columns, and %s has %d: the training and test data must agree",
                s->path, a.f, s->test_path, b.f);
        goto out;
    }
    int64_t cut = a.rows;
    if (!rq->whole && !s->test_path[0]) cut = a.rows - (int64_t)floor(s->test_frac * a.rows + 0.5);
    /* the test part first: the training part then takes the series' arrays over */
    if (te && !rq->whole) {
        ds_series *src = s->test_path[0] ? &b : &a;
        int64_t from = s->test_path[0] ? 0 : cut;
        if (src->rows - from < 1) {
            ae_fail(err, "%s: no test rows (--test-frac %g of %lld rows)", s->path, s->test_frac,
                    (long long)a.rows);
            goto out;
        }
        if (series_windows(src, from, src->rows, T, S, rq->ntest, "test", s->path, te, err))
            goto out;
    }
    if (tr && series_windows(&a, 0, cut, T, S, rq->ntrain, "training", s->path, tr, err)) goto out;
    char parts[2][65];
    memcpy(parts[0], a.sha256, 65);
    memcpy(parts[1], b.sha256, 65);
    char sha[65];
    hash_combine(parts, s->test_path[0] && !rq->whole ? 2 : 1, sha);
    dataset *d[2] = {tr, rq->whole ? NULL : te};
    for (int i = 0; i < 2; i++)
        if (d[i]) {
            memcpy(d[i]->sha256, sha, 65);
            d[i]->nfiles = 1;
            snprintf(d[i]->files[0], sizeof d[i]->files[0], "%s",
                     i && s->test_path[0] ? s->test_path : s->path);
        }
    rc = 0;
out:
    ds_series_free(&a), ds_series_free(&b);
    return rc;
}

/* ---- image folders ---- */

/* Classes of the test folder renamed into the training folder's (union, by full name). */
static int folder_union(imgfolder *a, imgfolder *b, ae_err *err)
{
    static _Thread_local char names[DS_MAX_CLASSES][256]; /* 64 KB: off the stack */
    uint8_t map[2][DS_MAX_CLASSES];
    int n = ds_class_union(a->full_names[0], a->nclasses, b->full_names[0], b->nclasses, 256,
                           names[0], map[0], map[1]);
    if (n < 0)
        return ae_fail(err, "the training and test folders have more than %d classes together",
                       DS_MAX_CLASSES);
    int labelled = a->labelled || b->labelled;
    for (int s = 0; s < 2; s++) {
        imgfolder *f = s ? b : a;
        for (int i = 0; i < f->n; i++) f->labels[i] = map[s][f->labels[i]];
        for (int i = 0; i < n; i++) {
            memcpy(f->full_names[i], names[i], 256);
            ds_class_name(f->class_names[i], names[i]);
        }
        f->nclasses = n;
        f->labelled = labelled;
    }
    return 0;
}

static int load_folder(const ds_spec *s, const ds_load_req *rq, dataset *tr, dataset *te,
                       ae_err *err)
{
    imgfolder a = {0}, b = {0};
    int64_t *itr = NULL, *ite = NULL, *both = NULL;
    int ntr = 0, nte = 0, rc = -1, ktr = 0, kte = 0, threads = rq->threads > 0 ? rq->threads : 1;
    dataset all = {0}, tall = {0};
    char parts[2][65];
    int two = s->test_path[0] && !rq->whole;
    if (imgfolder_list(s->path, &a, err)) return -1;
    if (two && (imgfolder_list(s->test_path, &b, err) || folder_union(&a, &b, err))) goto out;
    if (rq->whole) {
        itr = seq_index(a.n), ntr = a.n;
    } else if (two) {
        int d;
        if (split_indices(a.n, a.labels, 0, 0.0, s->split_seed, &itr, &ntr, &ite, &d, err))
            goto out;
        free(ite);
        ite = seq_index(b.n), nte = b.n;
    } else if (split_indices(a.n, a.labels, a.labelled, s->test_frac, s->split_seed, &itr, &ntr,
                             &ite, &nte, err)) {
        goto out;
    }
    if (!itr || (!rq->whole && !ite)) {
        ae_fail(err, "out of memory");
        goto out;
    }
    if (tr && cap_count(rq->ntrain, ntr, "training", s->path, &ktr, err)) goto out;
    if (te && !rq->whole) {
        if (nte == 0) {
            ae_fail(err, "%s: no test images (--test-frac %g of %d images)", s->path, s->test_frac,
                    a.n);
            goto out;
        }
        if (cap_count(rq->ntest, nte, "test", s->path, &kte, err)) goto out;
    }
    /* one pass over the training folder decodes the images of both splits when they share it */
    int same = !two, nboth = ktr + (same ? kte : 0);
    both = malloc(sizeof(int64_t) * (size_t)(nboth ? nboth : 1));
    if (!both) {
        ae_fail(err, "out of memory");
        goto out;
    }
    memcpy(both, itr, sizeof(int64_t) * (size_t)ktr);
    if (same && kte) memcpy(both + ktr, ite, sizeof(int64_t) * (size_t)kte);
    if (imgfolder_load(s->path, &a, both, nboth, s->size_h, s->size_w, s->crop, s->channels,
                       threads, &all, parts[0], err))
        goto out;
    if (two && imgfolder_load(s->test_path, &b, ite, kte, s->size_h, s->size_w, s->crop,
                              s->channels ? s->channels : all.c, threads, &tall, parts[1], err))
        goto out;
    all.split = DS_TRAIN, tall.split = DS_TEST;
    snprintf(all.name, sizeof all.name, "%s", s->name[0] ? s->name : "data");
    if (two && all.n && tall.n && ds_same_shape(&all, &tall, err)) goto out;
    char sha[65];
    hash_combine(parts, two ? 2 : 1, sha);
    int64_t *seq = seq_index(nboth > kte ? nboth : kte);
    if (!seq) {
        ae_fail(err, "out of memory");
        goto out;
    }
    int e = 0;
    if (tr) e = take(&all, seq, ktr, tr, err);
    if (!e && te && !rq->whole)
        e = same ? take(&all, seq + ktr, kte, te, err) : take(&tall, seq, kte, te, err);
    if (!e && te && !rq->whole && same) /* src_index of the second part: their own */
        for (int i = 0; i < kte; i++) te->src_index[i] = ite[i];
    free(seq);
    if (e) goto out;
    dataset *d[2] = {tr, rq->whole ? NULL : te};
    for (int i = 0; i < 2; i++)
        if (d[i]) {
            memcpy(d[i]->sha256, sha, 65);
            if (!d[i]->kind) { /* an empty split (0 asked): still say what it is */
                d[i]->kind = DS_IMAGES;
            }
        }
    rc = 0;
out:
    imgfolder_free(&a), imgfolder_free(&b);
    free(itr), free(ite), free(both);
    ds_free(&all), ds_free(&tall);
    return rc;
}

/* ---- the front door ---- */

/* Fits (or takes) the scaling and applies it to the sequences of both splits. */
static int scale_splits(const ds_spec *s, const ds_load_req *rq, dataset *tr, dataset *te,
                        ae_err *err)
{
    dataset *fit = tr;
    if (!fit || fit->kind != DS_SEQUENCES) return 0;
    ds_scaling sc = {0};
    int F = fit->f;
    if (rq->fixed) {
        if (rq->fixed->n != F)
            return ae_fail(err, "%s: the recorded scaling has %d features, and the data has %d",
                           s->path, rq->fixed->n, F);
        if (ds_scaling_copy(&sc, rq->fixed, err)) return -1;
    } else {
        int64_t rows = fit->starts ? fit->rows : (int64_t)fit->n * fit->t;
        if (ds_scaling_fit(&sc, s->scale, fit->f32, rows, F, err))
            return ae_wrap(err, "%s", s->path);
    }
    dataset *d[2] = {tr, te};
    for (int i = 0; i < 2; i++) {
        if (!d[i] || d[i]->kind != DS_SEQUENCES) continue;
        int64_t rows = d[i]->starts ? d[i]->rows : (int64_t)d[i]->n * d[i]->t;
        ds_scaling_apply(&sc, d[i]->f32, rows);
        if (ds_scaling_copy(&d[i]->scaling, &sc, err)) {
            ds_scaling_free(&sc);
            return -1;
        }
    }
    ds_scaling_free(&sc);
    return 0;
}

int ds_spec_load(const ds_spec *spec_in, const ds_load_req *rq_in, dataset *train, dataset *test,
                 ae_err *err)
{
    ds_load_req rq = *rq_in;
    if (train) memset(train, 0, sizeof *train);
    if (test) memset(test, 0, sizeof *test);
    if (rq.ntrain < 0) train = NULL;
    if (rq.ntest < 0 || rq.whole) test = NULL;
    ds_spec s = *spec_in;
    if ((!s.format || s.path[0] != '/') && ds_spec_detect(&s, err)) return -1;
    /* the training split is needed to fit the scaling even when only the test one is wanted */
    dataset own_tr = {0};
    int scaled = s.format != DSF_FOLDER; /* images have no scaling to fit */
    dataset *tr = train ? train : (!rq.fixed && scaled ? &own_tr : NULL);
    if (!train && tr) rq.ntrain = 0;
    int rc = -1;
    dataset all = {0}, tall = {0};
    if (s.format == DSF_FOLDER) {
        rc = load_folder(&s, &rq, tr, test, err);
    } else if (s.format == DSF_SERIES) {
        rc = load_series(&s, &rq, tr, test, err);
    } else if (s.format == DSF_NPY || s.format == DSF_CSV) {
        int two = s.test_path[0] && !rq.whole;
        char parts[4][65];
        int np = 0;
        ds_spec ts = s; /* the test file's labels are where the training file's are */
        if (read_source(&s, s.path, s.labels, &all, err)) goto fail;
        snprintf(all.name, sizeof all.name, "%s", s.name[0] ? s.name : "data");
        if (ts.label_col == DS_AUTO) ts.label_col = all.labelled ? 1 : 0;
        if (two && read_source(&ts, s.test_path, s.test_labels, &tall, err)) goto fail;
        all.split = DS_TRAIN, tall.split = DS_TEST;
        if (two && (ds_same_shape(&all, &tall, err) || merge_classes(&all, &tall, err))) goto fail;
        const char *files[4] = {s.path, s.format == DSF_NPY ? s.labels : "", two ? s.test_path : "",
                                two && s.format == DSF_NPY ? s.test_labels : ""};
        for (int i = 0; i < 4; i++) {
            if (!files[i][0]) continue;
            if (i == 0 && s.format == DSF_CSV) /* the reader hashed it as it read */
                memcpy(parts[np++], all.sha256, 65);
            else if (i == 2 && s.format == DSF_CSV)
                memcpy(parts[np++], tall.sha256, 65);
            else if (hash_path(files[i], parts[np++], err))
                goto fail;
        }
        hash_combine(parts, np, all.sha256);
        rc = split_sources(&s, &rq, &all, two ? &tall : NULL, tr, test, err);
        for (int i = 0; !rc && i < 2; i++) {
            dataset *d = i ? test : tr;
            if (!d) continue;
            memcpy(d->sha256, all.sha256, 65);
            d->nfiles = 1;
            snprintf(d->files[0], sizeof d->files[0], "%s", i && two ? s.test_path : s.path);
        }
    } else {
        ae_fail(err, "%s: unknown data format %d", s.path, s.format);
    }
    if (rc == 0) rc = scale_splits(&s, &rq, tr, test, err);
fail:
    ds_free(&all), ds_free(&tall), ds_free(&own_tr);
    if (rc) {
        if (train) ds_free(train);
        if (test) ds_free(test);
        return -1;
    }
    dataset *d[2] = {train, test};
    for (int i = 0; i < 2; i++)
        if (d[i]) {
            snprintf(d[i]->name, sizeof d[i]->name, "%s", s.name[0] ? s.name : "data");
            d[i]->split = i ? DS_TEST : DS_TRAIN;
        }
    return 0;
}

int ds_spec_inspect(const ds_spec *spec, int threads, ds_spec_info *info, ae_err *err)
{
    memset(info, 0, sizeof *info);
    dataset tr, te;
    ds_load_req rq = {.ntrain = 0, .ntest = 0, .threads = threads};
    if (ds_spec_load(spec, &rq, &tr, &te, err)) return -1;
    info->kind = tr.kind, info->h = tr.h, info->w = tr.w, info->c = tr.c, info->t = tr.t;
    info->f = tr.f, info->ntrain = tr.n, info->ntest = te.n;
    info->nclasses = tr.nclasses, info->labelled = tr.labelled;
    memcpy(info->class_names, tr.class_names, sizeof info->class_names);
    memcpy(info->sha256, tr.sha256, 65);
    info->rows = tr.starts ? tr.rows + te.rows : 0;
    ds_free(&tr), ds_free(&te);
    return 0;
}
