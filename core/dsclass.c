/* dsclass.c: a dataset cut down to some of its classes (training on "normal" data only, for
 * anomaly detection; see dataset.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dataset.h"
#include "sha256.h"

int ds_full_size(const char *name, int split)
{
    if (!strcmp(name, "cifar10")) return split == DS_TRAIN ? 50000 : 10000;
    if (!strcmp(name, "mnist") || !strcmp(name, "fashion-mnist"))
        return split == DS_TRAIN ? 60000 : 10000;
    return 0;
}

int ds_class_list(const dataset *ds, const char *list, uint8_t *mask, char *norm, int normlen,
                  ae_err *err)
{
    memset(mask, 0, DS_MAX_CLASSES);
    if (ds->nclasses < 2 || (ds->nfiles && ds->src_index && !ds->labelled))
        return ae_fail(err, "%s has no classes to choose from", ds->name);
    const char *p = list;
    int count = 0;
    while (*p) {
        const char *q = strchr(p, ',');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        while (len && isspace((unsigned char)*p)) p++, len--;
        while (len && isspace((unsigned char)p[len - 1])) len--;
        char item[32];
        if (!len || len >= sizeof item)
            return ae_fail(err, "'%.64s': expected class numbers or names separated by commas",
                           list);
        memcpy(item, p, len);
        item[len] = 0;
        int k = -1;
        char *end;
        long v = strtol(item, &end, 10);
        if (!*end && isdigit((unsigned char)item[0])) {
            if (v >= ds->nclasses)
                return ae_fail(err, "class %ld: %s has classes 0 to %d", v, ds->name,
                               ds->nclasses - 1);
            k = (int)v;
        } else {
            for (int c = 0; c < ds->nclasses; c++)
                if (!strcasecmp(item, ds->class_names[c])) k = c;
            if (k < 0) {
                char names[512] = "";
                for (int c = 0; c < ds->nclasses && strlen(names) < 400; c++)
                    snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                             c ? ", " : "", ds->class_names[c]);
                return ae_fail(err, "no class '%s' in %s (its classes: %s)", item, ds->name, names);
            }
        }
        if (!mask[k]) count++;
        mask[k] = 1;
        p = q ? q + 1 : p + len;
        if (q && !*p) return ae_fail(err, "'%.64s': a comma with no class after it", list);
    }
    if (!count) return ae_fail(err, "no class given");
    if (count == ds->nclasses)
        return ae_fail(err, "'%.64s' names every class of %s: nothing is left as anomalous", list,
                       ds->name);
    int at = 0;
    if (normlen > 0) norm[0] = 0;
    for (int c = 0; c < ds->nclasses; c++)
        if (mask[c] && at < normlen)
            at += snprintf(norm + at, (size_t)(normlen - at), "%s%d", at ? "," : "", c);
    if (at >= normlen) return ae_fail(err, "'%.64s': too many classes", list);
    return 0;
}

/* The SHA-256 of what is left, over the same bytes the loaders hash (uint8 pixels, or float32
 * little-endian), so that a run's recorded data_sha256 says which samples it trained on. */
static void rehash(dataset *ds)
{
    sha256_ctx sha;
    sha256_init(&sha);
    if (ds->u8) {
        sha256_update(&sha, ds->u8, (size_t)ds->n * ds->dim);
    } else if (ds->f32) {
        size_t nv = ds->starts ? (size_t)ds->rows * ds->f : (size_t)ds->n * ds->dim;
        uint8_t le[4096];
        size_t nle = 0;
        for (size_t k = 0; k < nv; k++) {
            uint32_t u;
            memcpy(&u, &ds->f32[k], 4);
            le[nle++] = (uint8_t)u, le[nle++] = (uint8_t)(u >> 8);
            le[nle++] = (uint8_t)(u >> 16), le[nle++] = (uint8_t)(u >> 24);
            if (nle == sizeof le) sha256_update(&sha, le, nle), nle = 0;
        }
        sha256_update(&sha, le, nle);
        if (ds->starts) sha256_update(&sha, ds->starts, sizeof *ds->starts * (size_t)ds->n);
    }
    sha256_hex(&sha, ds->sha256);
}

int ds_keep_classes(dataset *ds, const uint8_t *mask, int max, ae_err *err)
{
    int kept = 0;
    size_t dim = (size_t)ds->dim;
    for (int i = 0; i < ds->n && kept < max; i++) {
        if (!mask[ds->labels[i]]) continue;
        if (kept != i) {
            if (ds->starts)
                ds->starts[kept] = ds->starts[i]; /* windows share the series' rows */
            else if (ds->u8)
                memmove(ds->u8 + kept * dim, ds->u8 + i * dim, dim);
            else
                memmove(ds->f32 + kept * dim, ds->f32 + i * dim, dim * sizeof(float));
            ds->labels[kept] = ds->labels[i];
            if (ds->src_index) ds->src_index[kept] = ds->src_index[i];
            if (ds->anomaly) ds->anomaly[kept] = ds->anomaly[i];
        }
        kept++;
    }
    if (!kept) return ae_fail(err, "%s: no sample of the chosen classes", ds->name);
    ds->n = kept;
    rehash(ds);
    return 0;
}

int ds_load_classes(const char *name, const ds_options *opt, const char *classes, dataset *out,
                    char *norm, int normlen, ae_err *err)
{
    if (!classes || !classes[0]) return ds_load(name, DS_TRAIN, opt, out, err);
    ds_options o = *opt; /* read the whole split, keep the first n of the classes */
    int full = ds_full_size(name, DS_TRAIN);
    o.n = full ? full : !strcmp(name, "sines") ? opt->n * 5 + 64 : 0;
    if (ds_load(name, DS_TRAIN, &o, out, err)) return -1;
    uint8_t mask[DS_MAX_CLASSES];
    char tmp[256];
    if (!norm) norm = tmp, normlen = sizeof tmp;
    if (ds_class_list(out, classes, mask, norm, normlen, err) ||
        ds_keep_classes(out, mask, opt->n > 0 ? opt->n : out->n, err)) {
        ae_wrap(err, "training classes");
        return -1;
    }
    return 0;
}
