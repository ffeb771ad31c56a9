/* scaling.c: per-feature scaling of sequences and vectors (see scaling.h). */
#include "scaling.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const scale_names[] = {"minmax", "zscore", "none"};

const char *ds_scale_name(int kind)
{
    return kind >= 0 && kind <= 2 ? scale_names[kind] : "?";
}

int ds_scale_kind(const char *name)
{
    for (int k = 0; k < 3; k++)
        if (name && !strcmp(name, scale_names[k])) return k;
    return -1;
}

static int scaling_alloc(ds_scaling *s, int kind, int n, ae_err *err)
{
    memset(s, 0, sizeof *s);
    if (n < 1 || n > (1 << 24)) return ae_fail(err, "scaling: %d features is out of range", n);
    s->offset = malloc(sizeof(float) * 2 * (size_t)n);
    if (!s->offset) return ae_fail(err, "scaling: out of memory for %d features", n);
    s->scale = s->offset + n;
    s->kind = kind, s->n = n;
    return 0;
}

void ds_scaling_free(ds_scaling *s)
{
    if (!s) return;
    free(s->offset);
    memset(s, 0, sizeof *s);
}

int ds_scaling_copy(ds_scaling *dst, const ds_scaling *src, ae_err *err)
{
    if (!src->n) {
        memset(dst, 0, sizeof *dst);
        return 0;
    }
    if (scaling_alloc(dst, src->kind, src->n, err)) return -1;
    memcpy(dst->offset, src->offset, sizeof(float) * 2 * (size_t)src->n);
    return 0;
}

int ds_scaling_fit(ds_scaling *s, int kind, const float *x, int64_t rows, int F, ae_err *err)
{
    if (kind < 0 || kind > 2) return ae_fail(err, "scaling: unknown kind %d", kind);
    if (rows < 1) return ae_fail(err, "scaling: no training values to fit it on");
    if (scaling_alloc(s, kind, F, err)) return -1;
    double *acc = calloc(2 * (size_t)F, sizeof(double));
    if (!acc) {
        ds_scaling_free(s);
        return ae_fail(err, "scaling: out of memory");
    }
    double *a = acc, *b = acc + F; /* minmax: min, max; zscore: sum, then squares */
    for (int f = 0; f < F; f++) a[f] = INFINITY, b[f] = -INFINITY;
    if (kind == DS_SCALE_ZSCORE)
        for (int f = 0; f < F; f++) a[f] = 0, b[f] = 0;
    for (int64_t r = 0; r < rows; r++) {
        const float *v = x + r * F;
        for (int f = 0; f < F; f++) {
            if (!isfinite(v[f])) {
                free(acc);
                ds_scaling_free(s);
                return ae_fail(err, "scaling: value %g in row %lld, feature %d is not finite", v[f],
                               (long long)r + 1, f + 1);
            }
            if (kind == DS_SCALE_ZSCORE) {
                a[f] += v[f];
            } else {
                if (v[f] < a[f]) a[f] = v[f];
                if (v[f] > b[f]) b[f] = v[f];
            }
        }
    }
    if (kind == DS_SCALE_ZSCORE) { /* a second pass: squares about the mean (no cancellation) */
        for (int f = 0; f < F; f++) a[f] /= (double)rows;
        for (int64_t r = 0; r < rows; r++) {
            const float *v = x + r * F;
            for (int f = 0; f < F; f++) b[f] += (v[f] - a[f]) * (v[f] - a[f]);
        }
    }
    for (int f = 0; f < F; f++) {
        double off = 0, sc = 1;
        if (kind == DS_SCALE_MINMAX) off = a[f], sc = b[f] - a[f];
        if (kind == DS_SCALE_ZSCORE) off = a[f], sc = sqrt(b[f] / (double)rows);
        s->offset[f] = (float)off;
        s->scale[f] = sc > 0 && isfinite((float)sc) ? (float)sc : 1.0f;
    }
    free(acc);
    return 0;
}

void ds_scaling_apply(const ds_scaling *s, float *x, int64_t rows)
{
    if (!s || !s->n) return;
    const int F = s->n;
    for (int64_t r = 0; r < rows; r++) {
        float *v = x + r * F;
        for (int f = 0; f < F; f++) v[f] = (v[f] - s->offset[f]) / s->scale[f];
    }
}

void ds_scaling_undo(const ds_scaling *s, float *x, int64_t rows)
{
    if (!s || !s->n) return;
    const int F = s->n;
    for (int64_t r = 0; r < rows; r++) {
        float *v = x + r * F;
        for (int f = 0; f < F; f++) v[f] = v[f] * s->scale[f] + s->offset[f];
    }
}

char *ds_scaling_to_json(const ds_scaling *s)
{
    size_t cap = 64 + (size_t)s->n * 2 * 18;
    char *t = malloc(cap);
    if (!t) return NULL;
    size_t k = (size_t)snprintf(t, cap, "{\"kind\": \"%s\", \"offset\": [", ds_scale_name(s->kind));
    for (int pass = 0; pass < 2; pass++) {
        const float *v = pass ? s->scale : s->offset;
        for (int f = 0; f < s->n; f++)
            k += (size_t)snprintf(t + k, cap - k, "%s%.9g", f ? ", " : "", v[f]);
        k += (size_t)snprintf(t + k, cap - k, pass ? "]}" : "], \"scale\": [");
    }
    return t;
}

/* ---- parsing the JSON form ---- */

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') p++;
    return p;
}

static const char *expect(const char *p, const char *lit)
{
    p = skip_ws(p);
    size_t n = strlen(lit);
    return strncmp(p, lit, n) ? NULL : p + n;
}

/* A JSON array of numbers; *v malloc'd. */
static const char *parse_array(const char *p, float **v, int *n)
{
    *v = NULL, *n = 0;
    if (!(p = expect(p, "["))) return NULL;
    int cap = 0;
    p = skip_ws(p);
    if (*p == ']') return p + 1;
    for (;;) {
        char *end;
        double d = strtod(p, &end);
        if (end == p || !isfinite(d) || fabs(d) > 3.4028234663852886e38) break;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            float *g = realloc(*v, sizeof(float) * (size_t)cap);
            if (!g) break;
            *v = g;
        }
        (*v)[(*n)++] = (float)d;
        p = skip_ws(end);
        if (*p == ']') return p + 1;
        if (*p != ',') break;
        p++;
    }
    free(*v);
    *v = NULL;
    return NULL;
}

int ds_scaling_from_json(const char *text, ds_scaling *s, ae_err *err)
{
    memset(s, 0, sizeof *s);
    const char *p = text;
    float *off = NULL, *sc = NULL;
    int noff = 0, nsc = 0, kind = -1;
    char name[16] = "";
    if ((p = expect(p, "{")) && (p = expect(p, "\"kind\"")) && (p = expect(p, ":")) &&
        (p = expect(p, "\""))) {
        int i = 0;
        while (*p && *p != '"' && i < 15) name[i++] = *p++;
        name[i] = 0;
        kind = ds_scale_kind(name);
        p = kind >= 0 ? expect(p, "\"") : NULL;
    } else {
        p = NULL;
    }
    if (p && (p = expect(p, ",")) && (p = expect(p, "\"offset\"")) && (p = expect(p, ":")))
        p = parse_array(p, &off, &noff);
    else
        p = NULL;
    if (p && (p = expect(p, ",")) && (p = expect(p, "\"scale\"")) && (p = expect(p, ":")))
        p = parse_array(p, &sc, &nsc);
    else
        p = NULL;
    if (p) p = expect(p, "}");
    if (p) p = skip_ws(p);
    int ok = p && !*p && noff == nsc && noff >= 1;
    for (int f = 0; ok && f < nsc; f++) ok = sc[f] > 0;
    if (!ok || scaling_alloc(s, kind, noff, err)) {
        free(off), free(sc);
        return ae_fail(err, "scaling: not a recorded scaling (expected {\"kind\": ..., "
                            "\"offset\": [...], \"scale\": [...]} with positive scales)");
    }
    memcpy(s->offset, off, sizeof(float) * (size_t)noff);
    memcpy(s->scale, sc, sizeof(float) * (size_t)nsc);
    free(off), free(sc);
    return 0;
}
