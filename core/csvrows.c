/* csvrows.c: a CSV of one sample per row as a dataset (see dspec.h).
 *
 * The UCR/UEA layout: each row is a sample, `label,v1,...,vT` or just the values, the values
 * of a multivariate sample in row-major order (t0f0, t0f1, ..., t1f0, ...) with --features F.
 *
 * Header: the first row is a header when one of its cells is not a number where the second
 * row has a number (or --header / --no-header says so).
 * Labels: --label-col K takes column K; --label-col none takes none; by default column 1 is
 * the label column when it holds words only (class names), or whole numbers with at most
 * DS_MAX_CLASSES different values that repeat (UCR's 1, 2, -1, 1.0000000e+00 ...), and the
 * other columns are the values. Numeric labels are classes in numeric order, named by their
 * value ("1", "-1"); word labels in byte order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "dspec.h"

enum { LABEL_TEXT_MAX = 255 };

/* The different texts of the label column, up to DS_MAX_CLASSES (then it overflows). */
typedef struct label_tab {
    char text[DS_MAX_CLASSES][LABEL_TEXT_MAX + 1];
    uint32_t hash[DS_MAX_CLASSES];
    int n, overflow;
} label_tab;

static uint32_t fnv1a(const char *s, int len)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The id of a label text (added when new), or -1 when the table has overflowed. */
static int label_id(label_tab *t, const char *s, int len)
{
    if (t->overflow) return -1;
    if (len > LABEL_TEXT_MAX) len = LABEL_TEXT_MAX;
    uint32_t h = fnv1a(s, len);
    for (int i = 0; i < t->n; i++)
        if (t->hash[i] == h && (int)strlen(t->text[i]) == len &&
            !memcmp(t->text[i], s, (size_t)len))
            return i;
    if (t->n == DS_MAX_CLASSES) {
        t->overflow = 1;
        return -1;
    }
    memcpy(t->text[t->n], s, (size_t)len);
    t->text[t->n][len] = 0;
    t->hash[t->n] = h;
    return t->n++;
}

typedef struct rows_acc {
    float *v;                /* rows x ncols, every column (a text cell of the label column: NaN) */
    int16_t *tid;            /* rows: the label column's text id (-1: overflow) */
    int64_t rows, cap, hint; /* hint: the rows the file probably has (csv_rows_hint) */
    int ncols;
    long bad_line;   /* the first non-number in the candidate label column */
    int64_t numbers; /* numbers in the candidate label column */
    char bad_text[64];
} rows_acc;

static const char *num_problem(int st)
{
    switch (st) {
    case CSV_NUM_EMPTY:
        return "an empty cell: every value is needed";
    case CSV_NUM_NAN:
        return "is a missing value: every value is needed";
    case CSV_NUM_INF:
        return "is infinite: values must be finite numbers";
    case CSV_NUM_RANGE:
        return "is beyond the range of float32";
    default:
        return "is not a number";
    }
}

static int rows_grow(rows_acc *a, const char *name, ae_err *err)
{
    int64_t cap = a->cap ? a->cap + a->cap / 2 : a->hint > 1024 ? a->hint : 1024;
    float *v = realloc(a->v, sizeof(float) * (size_t)cap * (size_t)a->ncols);
    if (v) a->v = v;
    int16_t *t = realloc(a->tid, sizeof(int16_t) * (size_t)cap);
    if (t) a->tid = t;
    if (!v || !t)
        return ae_fail(err, "%s: out of memory for %lld rows of %d values", name, (long long)cap,
                       a->ncols);
    a->cap = cap;
    csv_huge_pages(v, sizeof(float) * (size_t)cap * (size_t)a->ncols);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Adds one data row to the accumulator; lc is the candidate label column (0-based, -1 none),
 * tolerant: a text there is kept as a label text, not an error. */
static int rows_add(rows_acc *a, label_tab *lt, const char *name, const csv_row *row, int lc,
                    long first_line, ae_err *err)
{
    if (row->n != a->ncols)
        return ae_fail(err,
                       "%s: line %ld has %d fields, and line %ld (the first row of data) has %d",
                       name, row->line, row->n, first_line, a->ncols);
    if (a->rows == a->cap && rows_grow(a, name, err)) return -1;
    float *dst = a->v + a->rows * a->ncols;
    for (int j = 0; j < row->n; j++) {
        const csv_cell *c = &row->cells[j];
        double v;
        int st = csv_number(c->s, c->len, &v);
        if (j == lc) {
            a->tid[a->rows] = (int16_t)label_id(lt, c->s, c->len);
            if (st != CSV_NUM_OK) {
                if (c->len == 0)
                    return csv_cell_fail(err, name, row->line, j + 1, c, "an empty label");
                if (!a->bad_line) {
                    a->bad_line = row->line;
                    snprintf(a->bad_text, sizeof a->bad_text, "%.*s", c->len < 60 ? c->len : 60,
                             c->s);
                }
                dst[j] = NAN;
                continue;
            }
            a->numbers++;
        } else if (st != CSV_NUM_OK) {
            return csv_cell_fail(err, name, row->line, j + 1, c, num_problem(st));
        }
        dst[j] = (float)v;
    }
    a->rows++;
    return 0;
}

/* Class names and indices for the label column lc of the accumulated rows. */
static int rows_labels(rows_acc *a, label_tab *lt, int lc, const char *name, dataset *out,
                       ae_err *err)
{
    int64_t n = a->rows;
    if (!a->bad_line) { /* numbers: classes by value */
        double *vals = malloc(sizeof(double) * (size_t)n);
        if (!vals) return ae_fail(err, "%s: out of memory", name);
        for (int64_t i = 0; i < n; i++) vals[i] = a->v[i * a->ncols + lc];
        qsort(vals, (size_t)n, sizeof *vals, cmp_double);
        int k = 0;
        for (int64_t i = 0; i < n; i++)
            if (i == 0 || vals[i] != vals[k - 1]) {
                if (k == DS_MAX_CLASSES) {
                    free(vals);
                    return ae_fail(err, "%s: column %d has more than %d different labels", name,
                                   lc + 1, DS_MAX_CLASSES);
                }
                vals[k++] = vals[i];
            }
        for (int c = 0; c < k; c++) snprintf(out->class_names[c], 24, "%.15g", vals[c]);
        for (int64_t i = 0; i < n; i++) {
            double v = a->v[i * a->ncols + lc];
            int lo = 0, hi = k - 1;
            while (lo < hi) {
                int mid = (lo + hi) / 2;
                if (vals[mid] < v)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            out->labels[i] = (uint8_t)lo;
        }
        out->nclasses = k;
        free(vals);
        return 0;
    }
    if (lt->overflow)
        return ae_fail(err, "%s: column %d has more than %d different labels", name, lc + 1,
                       DS_MAX_CLASSES);
    int order[DS_MAX_CLASSES], rank[DS_MAX_CLASSES];
    for (int i = 0; i < lt->n; i++) order[i] = i;
    for (int i = 1; i < lt->n; i++) /* insertion sort by text: at most 256 */
        for (int j = i; j > 0 && strcmp(lt->text[order[j - 1]], lt->text[order[j]]) > 0; j--) {
            int t = order[j];
            order[j] = order[j - 1], order[j - 1] = t;
        }
    for (int r = 0; r < lt->n; r++) {
        rank[order[r]] = r;
        ds_class_name(out->class_names[r], lt->text[order[r]]);
    }
    for (int64_t i = 0; i < n; i++) out->labels[i] = (uint8_t)rank[a->tid[i]];
    out->nclasses = lt->n;
    return 0;
}

/* Whether the auto rule takes column 1 as labels (see the file's head). */
static int auto_labels(const rows_acc *a, const label_tab *lt)
{
    if (a->ncols < 2) return 0;
    if (a->bad_line) return !lt->overflow && !a->numbers; /* words only: class names */
    if (lt->overflow) return 0;                           /* at most 256 texts */
    int distinct = 0;
    double seen[DS_MAX_CLASSES];
    for (int64_t i = 0; i < a->rows; i++) {
        double v = a->v[i * a->ncols];
        if (v != floor(v)) return 0;
        int k = 0;
        while (k < distinct && seen[k] != v) k++;
        if (k == distinct) {
            if (distinct == DS_MAX_CLASSES) return 0;
            seen[distinct++] = v;
        }
    }
    return distinct < a->rows;
}

static int rows_read(csv_reader *r, const ds_spec *spec, dataset *out, ae_err *err)
{
    const char *name = csv_name(r);
    rows_acc a = {.hint = csv_rows_hint(r)};
    label_tab *lt = calloc(1, sizeof *lt);
    csv_saved first = {0};
    int rc = -1, lc = spec->label_col == DS_AUTO ? 0 : spec->label_col - 1;
    long first_line = 0;
    csv_row row;
    if (!lt) return ae_fail(err, "%s: out of memory", name);
    int got = csv_next(r, &row, err);
    if (got <= 0) {
        if (got == 0) ae_fail(err, "%s: no rows", name);
        goto out;
    }
    /* keep row 1 until row 2 says whether it is a header */
    if (csv_save(&row, &first, err)) {
        ae_wrap(err, "%s", name);
        goto out;
    }
    int header = spec->header;
    got = csv_next(r, &row, err);
    if (got < 0) goto out;
    if (header == DS_AUTO) header = got == 1 && csv_is_header(&first, &row);
    if (header && got == 0) {
        ae_fail(err, "%s: a header and no rows of data", name);
        goto out;
    }
    a.ncols = header ? row.n : first.n;
    if (header && first.n != row.n) {
        ae_fail(err, "%s: line %ld has %d fields, and the header (line %ld) has %d", name, row.line,
                row.n, first.line, first.n);
        goto out;
    }
    if (lc >= a.ncols) {
        ae_fail(err, "%s: --label-col %d, and the rows have %d columns", name, lc + 1, a.ncols);
        goto out;
    }
    if (!header) { /* row 1 is data: add it from the copy */
        csv_row r1 = csv_saved_row(&first);
        first_line = r1.line;
        if (rows_add(&a, lt, name, &r1, lc, first_line, err)) goto out;
    } else {
        first_line = row.line;
    }
    for (; got == 1; got = csv_next(r, &row, err))
        if (rows_add(&a, lt, name, &row, lc, first_line, err)) goto out;
    if (got < 0) goto out;
    int labelled = spec->label_col == DS_AUTO ? auto_labels(&a, lt) : spec->label_col > 0;
    if (!labelled && lc >= 0 && a.bad_line) { /* column 1 was not labels after all */
        csv_cell c = {a.bad_text, (int)strlen(a.bad_text), 0};
        csv_cell_fail(err, name, a.bad_line, lc + 1, &c, "is not a number");
        goto out;
    }
    int D = a.ncols - labelled, F = spec->features > 0 ? spec->features : 1;
    if (D < 1) {
        ae_fail(err, "%s: the rows hold a label and no values", name);
        goto out;
    }
    if (D % F) {
        ae_fail(err, "%s: a row of %d values does not split into steps of %d features (--features)",
                name, D, F);
        goto out;
    }
    if (a.rows > 0x7fffffff) {
        ae_fail(err, "%s: more than 2^31 rows", name);
        goto out;
    }
    int64_t n = a.rows;
    out->labels = calloc((size_t)n, 1);
    out->src_index = malloc(sizeof(int64_t) * (size_t)n);
    if (!out->labels || !out->src_index) {
        ae_fail(err, "%s: out of memory", name);
        goto out;
    }
    if (labelled) {
        if (rows_labels(&a, lt, lc, name, out, err)) goto out;
        for (int64_t i = 0; i < n; i++) { /* drop the label column, in place */
            const float *src = a.v + i * a.ncols;
            float *dst = a.v + i * D;
            for (int j = 0, k = 0; j < a.ncols; j++)
                if (j != lc) dst[k++] = src[j];
        }
    } else {
        out->nclasses = 1;
        snprintf(out->class_names[0], 24, "(unlabelled)");
    }
    for (int64_t i = 0; i < n; i++) out->src_index[i] = i;
    float *v = realloc(a.v, sizeof(float) * (size_t)(n ? n : 1) * (size_t)D);
    out->f32 = v ? v : a.v;
    a.v = NULL;
    out->kind = DS_SEQUENCES, out->n = (int)n, out->t = D / F, out->f = F, out->dim = D;
    out->labelled = labelled;
    out->nfiles = 1;
    snprintf(out->files[0], sizeof out->files[0], "%s", name);
    if (csv_sha256(r, out->sha256, err)) goto out;
    rc = 0;
out:
    csv_saved_free(&first);
    free(a.v), free(a.tid), free(lt);
    if (rc) ds_free(out);
    return rc;
}

int csvrows_read(const char *path, const ds_spec *spec, dataset *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    csv_reader *r;
    if (csv_open(&r, path, spec->delim, err)) return -1;
    int rc = rows_read(r, spec, out, err);
    csv_close(r);
    return rc;
}

int csvrows_read_mem(const void *data, size_t len, const char *name, const ds_spec *spec,
                     dataset *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    csv_reader *r;
    if (csv_open_mem(&r, data, len, name, spec->delim, err)) return -1;
    int rc = rows_read(r, spec, out, err);
    csv_close(r);
    return rc;
}
