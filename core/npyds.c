/* npyds.c: a .npy array (and its labels) as a dataset (see dspec.h).
 *
 * The shape says what it is: N x H x W x C images (C 1 or 3; uint8 0-255 kept as bytes,
 * float32/64 in [0, 1] kept as float32), N x H x W uint8 gray images, N x T x F float
 * sequences, N x D vectors (sequences of one step). Float values must be finite; images in
 * [0, 1]. Labels (--labels Y.npy): N integers of any integer dtype, as (N,) or (N, 1); their
 * different values, in numeric order, are the classes. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checked.h"
#include "dspec.h"
#include "npy.h"

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

static int npyds_labels(const char *path, int64_t n, dataset *out, ae_err *err)
{
    npy_array a;
    if (npy_read(path, NPY_LABELS, &a, err)) return -1;
    int rc = -1;
    int32_t *v = a.data, *sorted = NULL;
    if (!(a.ndim == 1 || (a.ndim == 2 && a.shape[1] == 1)) || a.shape[0] != n) {
        ae_fail(err,
                "%s: %lld labels in shape (%lld%s), and the data has %lld samples: expected "
                "(%lld,)",
                path, (long long)a.count, (long long)a.shape[0], a.ndim == 2 ? ", 1" : ",",
                (long long)n, (long long)n);
        goto out;
    }
    sorted = malloc(sizeof(int32_t) * (size_t)(n ? n : 1));
    if (!sorted) {
        ae_fail(err, "%s: out of memory", path);
        goto out;
    }
    memcpy(sorted, v, sizeof(int32_t) * (size_t)n);
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_i32);
    int k = 0;
    for (int64_t i = 0; i < n; i++)
        if (i == 0 || sorted[i] != sorted[k - 1]) {
            if (k == DS_MAX_CLASSES) {
                ae_fail(err, "%s: more than %d different labels", path, DS_MAX_CLASSES);
                goto out;
            }
            sorted[k++] = sorted[i];
        }
    for (int c = 0; c < k; c++) snprintf(out->class_names[c], 24, "%d", (int)sorted[c]);
    for (int64_t i = 0; i < n; i++) {
        int32_t *p = bsearch(&v[i], sorted, (size_t)k, sizeof *sorted, cmp_i32);
        out->labels[i] = (uint8_t)(p - sorted);
    }
    out->nclasses = k, out->labelled = 1;
    rc = 0;
out:
    free(sorted);
    npy_free(&a);
    return rc;
}

int npyds_read(const char *path, const char *labels, dataset *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    npy_array a;
    ae_err e8;
    if (npy_read(path, NPY_FLOAT, &a, err) && npy_read(path, NPY_UINT8, &a, &e8)) {
        if (err && strstr(err->msg, "dtype"))
            ae_fail(err, "%s: dtype not supported: aetui reads uint8, float32 and float64 arrays",
                    path);
        return -1;
    }
    int rc = -1, u8 = a.kind == NPY_UINT8;
    int64_t N = a.shape[0];
    int64_t d[3] = {a.shape[1], a.shape[2], a.shape[3]};
    if (a.ndim < 2 || a.ndim > 4) {
        ae_fail(err,
                "%s: an array of %d dimensions: expected N x D vectors, N x T x F sequences "
                "or N x H x W x C images",
                path, a.ndim);
        goto out;
    }
    if (N < 1 || N > INT_MAX) {
        ae_fail(err, "%s: %lld samples (the first dimension): expected 1 to %d", path, (long long)N,
                INT_MAX);
        goto out;
    }
    int64_t dim = 1;
    for (int k = 0; k < a.ndim - 1; k++)
        if (d[k] < 1 || ck_mul(dim, d[k], &dim) || dim > INT_MAX / 4) {
            ae_fail(err, "%s: a sample of shape %lld x %lld x %lld is empty or too large", path,
                    (long long)d[0], (long long)(a.ndim > 2 ? d[1] : 1),
                    (long long)(a.ndim > 3 ? d[2] : 1));
            goto out;
        }
    int images = a.ndim == 4 || (a.ndim == 3 && u8);
    if (images) {
        int C = a.ndim == 4 ? (int)d[2] : 1;
        if (C != 1 && C != 3) {
            ae_fail(err, "%s: images with %d channels: aetui takes 1 (gray) or 3 (RGB)", path, C);
            goto out;
        }
        out->kind = DS_IMAGES, out->h = (int)d[0], out->w = (int)d[1], out->c = C;
    } else {
        out->kind = DS_SEQUENCES;
        out->t = a.ndim == 3 ? (int)d[0] : 1;
        out->f = a.ndim == 3 ? (int)d[1] : (int)d[0];
    }
    out->n = (int)N, out->dim = (int)dim;
    if (u8 && images) {
        out->u8 = a.data;
        a.data = NULL;
    } else if (u8) { /* uint8 vectors: as numbers */
        float *f = malloc(sizeof(float) * (size_t)a.count);
        if (!f) {
            ae_fail(err, "%s: out of memory", path);
            goto out;
        }
        for (int64_t i = 0; i < a.count; i++) f[i] = ((const uint8_t *)a.data)[i];
        out->f32 = f;
    } else {
        const float *f = a.data;
        for (int64_t i = 0; i < a.count; i++)
            if (!isfinite(f[i]) || (images && (f[i] < 0 || f[i] > 1))) {
                ae_fail(err, "%s: sample %lld, value %lld is %g: %s", path, (long long)(i / dim),
                        (long long)(i % dim), f[i],
                        images ? "float images must be in [0, 1] (or give uint8 0-255)"
                               : "every value must be a finite number");
                goto out;
            }
        out->f32 = a.data;
        a.data = NULL;
    }
    out->labels = calloc((size_t)N, 1);
    out->src_index = malloc(sizeof(int64_t) * (size_t)N);
    if (!out->labels || !out->src_index) {
        ae_fail(err, "%s: out of memory", path);
        goto out;
    }
    for (int64_t i = 0; i < N; i++) out->src_index[i] = i;
    out->nclasses = 1;
    snprintf(out->class_names[0], 24, "(unlabelled)");
    if (labels && labels[0] && npyds_labels(labels, N, out, err)) goto out;
    out->nfiles = 1;
    snprintf(out->files[0], sizeof out->files[0], "%s", path);
    if (labels && labels[0]) {
        out->nfiles = 2;
        snprintf(out->files[1], sizeof out->files[1], "%s", labels);
    }
    rc = 0;
out:
    npy_free(&a);
    if (rc) ds_free(out);
    return rc;
}
