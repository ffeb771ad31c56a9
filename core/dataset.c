/* dataset.c: the dataset front door (see dataset.h): the names aetui knows, ds_load's
 * dispatch to the loaders (cifar.c, idx.c, sines.c, with datafind.c finding the files), and
 * the gathering of samples into float32 batches for the models.
 *
 * Gathering is the one part on the training path: it reads the loaded arrays only, writes
 * into the caller's buffer and allocates nothing, so several threads may gather at once. */
#include "dataset.h"

#include "dspec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ds_names[] = {"cifar10", "fashion-mnist", "mnist", "sines", NULL};

int ds_known(const char *name)
{
    return ds_kind_of(name) != 0;
}

int ds_kind_of(const char *name)
{
    if (!name) return 0;
    if (!strcmp(name, "sines")) return DS_SEQUENCES;
    for (int i = 0; ds_names[i]; i++)
        if (!strcmp(name, ds_names[i])) return DS_IMAGES;
    return 0;
}

void ds_free(dataset *ds)
{
    if (!ds) return;
    free(ds->u8);
    free(ds->f32);
    free(ds->labels);
    free(ds->src_index);
    free(ds->starts);
    free(ds->times);
    free(ds->anomaly);
    ds_scaling_free(&ds->scaling);
    memset(ds, 0, sizeof *ds);
}

int ds_load(const char *name, int split, const ds_options *opt, dataset *out, ae_err *err)
{
    static const ds_options defaults;
    if (!out) return ae_fail(err, "ds_load: no dataset to load into");
    memset(out, 0, sizeof *out);
    if (!opt) opt = &defaults;
    if (opt->spec) {
        if (split != DS_TRAIN && split != DS_TEST)
            return ae_fail(err, "%s: unknown split %d", name ? name : "data", split);
        ds_load_req rq = {.ntrain = split == DS_TRAIN ? opt->n : -1,
                          .ntest = split == DS_TEST ? opt->n : -1,
                          .threads = opt->threads};
        return ds_spec_load(opt->spec, &rq, split == DS_TRAIN ? out : NULL,
                            split == DS_TEST ? out : NULL, err);
    }
    if (!name || !ds_known(name))
        return ae_fail(err, "unknown dataset '%s' (known: cifar10, fashion-mnist, mnist, sines)",
                       name ? name : "(null)");
    if (split != DS_TRAIN && split != DS_TEST)
        return ae_fail(err, "%s: unknown split %d", name, split);
    const char *what = split == DS_TRAIN ? "training" : "test";
    if (opt->n < 1)
        return ae_fail(err, "%s: %d %s samples asked for; at least 1 is needed", name, opt->n,
                       what);

    int rc;
    if (ds_kind_of(name) == DS_SEQUENCES) {
        rc = sines_generate(split, opt, out, err);
    } else {
        char dir[1024];
        if (ds_locate(name, opt->data_dir, dir, (int)sizeof dir, err) != 0) return -1;
        if (!strcmp(name, "cifar10"))
            rc = cifar_load(dir, split, opt->n, out, err);
        else
            rc = idx_load(name, dir, split, opt->n, out, err);
    }
    if (rc != 0) {
        ds_free(out);
        return -1;
    }
    snprintf(out->name, sizeof out->name, "%s", name);
    out->split = split;
    return 0;
}

void ds_shape_text(const dataset *ds, char *buf, int len)
{
    if (ds->kind == DS_IMAGES)
        snprintf(buf, (size_t)len, "%dx%dx%d", ds->h, ds->w, ds->c);
    else
        snprintf(buf, (size_t)len, "%dx%d", ds->t, ds->f);
}

/* "training images in FILE" for the messages: the first file read, when any. */
static void split_text(const dataset *ds, char *buf, int len)
{
    const char *what = ds->split == DS_TRAIN ? "training" : "test";
    const char *unit = ds->kind == DS_IMAGES ? "images" : "sequences";
    if (ds->nfiles > 0)
        snprintf(buf, (size_t)len, "%s %s in %.400s", what, unit, ds->files[0]);
    else
        snprintf(buf, (size_t)len, "%s %s", what, unit);
}

int ds_same_shape(const dataset *a, const dataset *b, ae_err *err)
{
    int same = a->kind == b->kind && a->dim == b->dim &&
               (a->kind == DS_IMAGES ? a->h == b->h && a->w == b->w && a->c == b->c
                                     : a->t == b->t && a->f == b->f);
    if (same) return 0;
    char sa[48], sb[48], wa[512], wb[512];
    ds_shape_text(a, sa, sizeof sa);
    ds_shape_text(b, sb, sizeof sb);
    split_text(a, wa, sizeof wa);
    split_text(b, wb, sizeof wb);
    return ae_fail(err, "%s: the %s are %s, the %s %s: every split must have the same shape",
                   a->name[0] ? a->name : "dataset", wa, sa, wb, sb);
}

int ds_load_both(const char *name, const ds_options *opt, int ntrain, int ntest, dataset *train,
                 dataset *test, ae_err *err)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    if (opt && opt->spec) {
        ds_load_req rq = {.ntrain = ntrain, .ntest = ntest, .threads = opt->threads};
        return ds_spec_load(opt->spec, &rq, train, test, err);
    }
    ds_options o = opt ? *opt : (ds_options){0};
    o.n = ntrain;
    if (ds_load(name, DS_TRAIN, &o, train, err)) return -1;
    o.n = ntest;
    if (ds_load(name, DS_TEST, &o, test, err)) {
        ds_free(train);
        return -1;
    }
    return 0;
}

/* Where sample i's values start: its row in a windowed series, else its own slot. */
static const float *sample_f32(const dataset *ds, int i)
{
    if (ds->starts) return ds->f32 + ds->starts[i] * ds->f;
    return ds->f32 + (size_t)i * ds->dim;
}

/* One sample as float32 in its natural layout; zeros for an index outside the dataset. */
void ds_sample(const dataset *ds, int i, float *out)
{
    int dim = ds->dim;
    if (i < 0 || i >= ds->n) {
        memset(out, 0, sizeof(float) * (size_t)dim);
        return;
    }
    if (ds->kind == DS_IMAGES && ds->u8) {
        const uint8_t *src = ds->u8 + (size_t)i * dim;
        const float scale = 1.0f / 255.0f;
        for (int k = 0; k < dim; k++) out[k] = src[k] * scale;
    } else {
        memcpy(out, sample_f32(ds, i), sizeof(float) * (size_t)dim);
    }
}

void ds_gather_flat(const dataset *ds, const int *idx, int b, float *out)
{
    for (int s = 0; s < b; s++) ds_sample(ds, idx[s], out + (size_t)s * ds->dim);
}

void ds_gather(const dataset *ds, const int *idx, int b, float *out)
{
    if (ds->kind == DS_IMAGES) {
        for (int s = 0; s < b; s++) ds_sample(ds, idx[s], out + (size_t)s * ds->dim);
        return;
    }
    /* sequences: [n][t][f] -> time-major [t][b][f] */
    int T = ds->t, F = ds->f;
    for (int s = 0; s < b; s++) {
        int i = idx[s];
        int ok = i >= 0 && i < ds->n;
        const float *src = ok ? sample_f32(ds, i) : NULL;
        for (int t = 0; t < T; t++) {
            float *dst = out + ((size_t)t * b + s) * F;
            if (ok)
                memcpy(dst, src + (size_t)t * F, sizeof(float) * (size_t)F);
            else
                memset(dst, 0, sizeof(float) * (size_t)F);
        }
    }
}
