/* csvseries.c: one long time series in a CSV (timestamp,value[,value...]), and ISO 8601 times
 * (see dspec.h).
 *
 * The file is streamed (csv.h): memory is the values (rows x F float32) and the times (rows
 * doubles), grown by half each time, never the file. The time column is found by its name
 * in the header (timestamp, time, date, datetime, ts, t; any case) or by the first column holding
 * dates; --time-col names it, or `none` for files without one (times are then row numbers).
 * Times must not go back. Missing values (an empty cell, NaN, NA, null, inf) are an error
 * naming line and column unless --missing says: drop the row, put zero, or interpolate
 * linearly in time between the neighbours in the same column (the nearest value at the ends). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "dspec.h"

/* ---- ISO 8601 ---- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* n digits at s[*i] as a number; -1 when they are not all digits. */
static int digits(const char *s, int len, int *i, int n)
{
    int v = 0;
    for (int k = 0; k < n; k++, (*i)++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9') return -1;
        v = v * 10 + (s[*i] - '0');
    }
    return v;
}

int ds_parse_time(const char *s, int len, double *out)
{
    while (len > 0 && (*s == ' ' || *s == '\t')) s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    int i = 0;
    int y = digits(s, len, &i, 4);
    if (y < 0 || i >= len || (s[i] != '-' && s[i] != '/')) return -1;
    char sep = s[i++];
    int mo = digits(s, len, &i, 2);
    if (mo < 1 || mo > 12 || i >= len || s[i++] != sep) return -1;
    int d = digits(s, len, &i, 2);
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d < 1 || d > mdays[mo - 1]) return -1;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) return -1;
    double t = (double)days_from_civil(y, mo, d) * 86400.0;
    if (i < len && (s[i] == 'T' || s[i] == ' ')) {
        i++;
        int hh = digits(s, len, &i, 2), mm = -1, ss = 0;
        if (hh < 0 || hh > 23 || i >= len || s[i++] != ':') return -1;
        mm = digits(s, len, &i, 2);
        if (mm < 0 || mm > 59) return -1;
        double frac = 0;
        if (i < len && s[i] == ':') {
            i++;
            ss = digits(s, len, &i, 2);
            if (ss < 0 || ss > 60) return -1;
            if (i < len && (s[i] == '.' || s[i] == ',')) {
                double scale = 0.1;
                int any = 0;
                for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, scale *= 0.1, any = 1)
                    frac += (s[i] - '0') * scale;
                if (!any) return -1;
            }
        }
        t += hh * 3600.0 + mm * 60.0 + ss + frac;
        if (i < len && s[i] == 'Z') {
            i++;
        } else if (i < len && (s[i] == '+' || s[i] == '-')) {
            int sign = s[i++] == '-' ? -1 : 1;
            int oh = digits(s, len, &i, 2), om = 0;
            if (oh < 0 || oh > 23) return -1;
            if (i < len && s[i] == ':') i++;
            if (i < len) {
                om = digits(s, len, &i, 2);
                if (om < 0 || om > 59) return -1;
            }
            t -= sign * (oh * 3600.0 + om * 60.0);
        }
    }
    if (i != len) return -1;
    *out = t;
    return 0;
}

void ds_format_time(double t, char *buf, int len)
{
    double days = floor(t / 86400.0), rest = t - days * 86400.0;
    int64_t y;
    int m, d;
    civil_from_days((int64_t)days, &y, &m, &d);
    int secs = (int)floor(rest);
    double frac = rest - secs;
    if (frac > 0.0005)
        snprintf(buf, (size_t)len, "%04lld-%02d-%02d %02d:%02d:%06.3f", (long long)y, m, d,
                 secs / 3600, secs / 60 % 60, secs % 60 + frac);
    else
        snprintf(buf, (size_t)len, "%04lld-%02d-%02d %02d:%02d:%02d", (long long)y, m, d,
                 secs / 3600, secs / 60 % 60, secs % 60);
}

/* ---- the series ---- */

void ds_series_free(ds_series *s)
{
    if (!s) return;
    free(s->v), free(s->times);
    memset(s, 0, sizeof *s);
}

static const char *const time_names[] = {"timestamp", "time", "date", "datetime", "ts", "t", NULL};

/* Column index (0-based) of a --time-col / --columns item: a 1-based number or a header
 * name; -1 with a message when there is none. */
static int find_column(const char *item, const csv_saved *hdr, int ncols, const char *name,
                       const char *opt, ae_err *err)
{
    char *end;
    long k = strtol(item, &end, 10);
    if (*item && !*end) {
        if (k < 1 || k > ncols)
            return ae_fail(err, "%s: %s %s: the rows have %d columns", name, opt, item, ncols);
        return (int)k - 1;
    }
    for (int j = 0; hdr && j < hdr->n; j++)
        if (!strcmp(hdr->text[j], item)) return j;
    if (!hdr)
        return ae_fail(err, "%s: %s '%s': the file has no header (give column numbers)", name, opt,
                       item);
    char cols[256] = "";
    for (int j = 0; j < hdr->n && strlen(cols) < 200; j++)
        snprintf(cols + strlen(cols), sizeof cols - strlen(cols), "%s%.40s", j ? ", " : "",
                 hdr->text[j]);
    return ae_fail(err, "%s: %s '%s': no such column (the columns: %s)", name, opt, item, cols);
}

typedef struct series_acc {
    ds_series *s;
    int64_t cap, hint;  /* hint: the rows the file probably has (csv_rows_hint) */
    int ncols, tc, *vc; /* columns in a row, the time column (-1 none), the F value columns */
    double last_t;
    int64_t nmissing;
    long first_line;
} series_acc;

static int series_grow(series_acc *a, const char *name, ae_err *err)
{
    int64_t cap = a->cap ? a->cap + a->cap / 2 : a->hint > 4096 ? a->hint : 4096;
    float *v = realloc(a->s->v, sizeof(float) * (size_t)cap * (size_t)a->s->f);
    if (v) a->s->v = v;
    if (v && a->tc >= 0) {
        double *t = realloc(a->s->times, sizeof(double) * (size_t)cap);
        if (!t)
            v = NULL;
        else
            a->s->times = t;
    }
    if (!v)
        return ae_fail(err, "%s: out of memory for %lld rows of %d values", name, (long long)cap,
                       a->s->f);
    a->cap = cap;
    csv_huge_pages(a->s->v, sizeof(float) * (size_t)cap * (size_t)a->s->f);
    if (a->s->times) csv_huge_pages(a->s->times, sizeof(double) * (size_t)cap);
    return 0;
}

static int series_add(series_acc *a, const ds_spec *spec, const char *name, const csv_row *row,
                      ae_err *err)
{
    ds_series *s = a->s;
    if (row->n != a->ncols)
        return ae_fail(err,
                       "%s: line %ld has %d fields, and line %ld (the first row of data) has %d",
                       name, row->line, row->n, a->first_line, a->ncols);
    if (s->rows == a->cap && series_grow(a, name, err)) return -1;
    if (a->tc >= 0) {
        const csv_cell *c = &row->cells[a->tc];
        double t;
        int ok = s->time_kind == DS_TIME_DATE ? ds_parse_time(c->s, c->len, &t) == 0
                                              : csv_number(c->s, c->len, &t) == CSV_NUM_OK;
        if (!ok)
            return csv_cell_fail(err, name, row->line, a->tc + 1, c,
                                 s->time_kind == DS_TIME_DATE
                                     ? "is not an ISO 8601 date and time like the rows before"
                                     : "is not a number like the times before");
        if (s->rows > 0 && t < a->last_t) {
            char was[40], now[40];
            if (s->time_kind == DS_TIME_DATE)
                ds_format_time(a->last_t, was, sizeof was), ds_format_time(t, now, sizeof now);
            else
                snprintf(was, sizeof was, "%.10g", a->last_t),
                    snprintf(now, sizeof now, "%.10g", t);
            return ae_fail(err,
                           "%s: line %ld: the time goes back (%s after %s): sort the rows by time",
                           name, row->line, now, was);
        }
        a->last_t = t;
        s->times[s->rows] = t;
    }
    float *dst = s->v + s->rows * s->f;
    int drop = 0;
    for (int k = 0; k < s->f; k++) {
        const csv_cell *c = &row->cells[a->vc[k]];
        double v;
        int st = csv_number(c->s, c->len, &v);
        if (st == CSV_NUM_OK) {
            dst[k] = (float)v;
            continue;
        }
        if (st == CSV_NUM_BAD || st == CSV_NUM_RANGE)
            return csv_cell_fail(err, name, row->line, a->vc[k] + 1, c,
                                 st == CSV_NUM_BAD ? "is not a number"
                                                   : "is beyond the range of float32");
        if (spec->missing == DS_MISSING_ERROR)
            return csv_cell_fail(
                err, name, row->line, a->vc[k] + 1, c,
                st == CSV_NUM_EMPTY ? "an empty cell (--missing drop|zero|interpolate fills gaps)"
                : st == CSV_NUM_INF ? "is infinite (--missing drop|zero|interpolate fills "
                                      "gaps)"
                                    : "is a missing value (--missing drop|zero|interpolate "
                                      "fills gaps)");
        a->nmissing++;
        if (spec->missing == DS_MISSING_DROP) drop = 1;
        dst[k] = spec->missing == DS_MISSING_ZERO ? 0.0f : NAN;
    }
    if (!drop) s->rows++;
    return 0;
}

/* Linear interpolation of the NaN runs of each column (in time when there are times). */
static int series_interpolate(ds_series *s, const char *name, ae_err *err)
{
    const int F = s->f;
    for (int k = 0; k < F; k++) {
        int64_t prev = -1;
        for (int64_t i = 0; i <= s->rows; i++) {
            if (i < s->rows && isnan(s->v[i * F + k])) continue;
            if (i == s->rows && prev < 0)
                return ae_fail(err, "%s: column '%s' holds no values at all", name,
                               k < 64 ? s->names[k] : "?");
            /* rows prev+1 .. i-1 are missing */
            for (int64_t m = prev + 1; m < i; m++) {
                float v;
                if (prev < 0)
                    v = s->v[i * F + k];
                else if (i == s->rows)
                    v = s->v[prev * F + k];
                else {
                    double x0 = s->times ? s->times[prev] : (double)prev;
                    double x1 = s->times ? s->times[i] : (double)i;
                    double x = s->times ? s->times[m] : (double)m;
                    double w = x1 > x0 ? (x - x0) / (x1 - x0) : (double)(m - prev) / (i - prev);
                    v = (float)((1 - w) * s->v[prev * F + k] + w * s->v[i * F + k]);
                }
                s->v[m * F + k] = v;
            }
            prev = i;
        }
    }
    return 0;
}

static int series_read(csv_reader *r, const ds_spec *spec, ds_series *out, ae_err *err)
{
    const char *name = csv_name(r);
    csv_saved first = {0}, hdr_keep = {0};
    const csv_saved *hdr = NULL;
    series_acc a = {.s = out, .tc = -1, .hint = csv_rows_hint(r)};
    csv_row row;
    int rc = -1;
    int got = csv_next(r, &row, err);
    if (got <= 0) {
        if (got == 0) ae_fail(err, "%s: no rows", name);
        goto out;
    }
    if (csv_save(&row, &first, err)) goto out;
    got = csv_next(r, &row, err);
    if (got < 0) goto out;
    int header = spec->header == DS_AUTO ? got == 1 && csv_is_header(&first, &row) : spec->header;
    if (header && got == 0) {
        ae_fail(err, "%s: a header and no rows of data", name);
        goto out;
    }
    if (header) hdr_keep = first, first = (csv_saved){0}, hdr = &hdr_keep;
    const csv_row data1 = header ? row : csv_saved_row(&first);
    a.ncols = data1.n;
    if (hdr && hdr->n != a.ncols) {
        ae_fail(err, "%s: line %ld has %d fields, and the header (line %ld) has %d", name,
                data1.line, a.ncols, hdr->line, hdr->n);
        goto out;
    }
    a.first_line = data1.line;
    /* the time column */
    if (!strcmp(spec->time_col, "none")) {
        a.tc = -1;
    } else if (spec->time_col[0]) {
        if ((a.tc = find_column(spec->time_col, hdr, a.ncols, name, "--time-col", err)) < 0)
            goto out;
    } else {
        for (int j = 0; hdr && a.tc < 0 && j < hdr->n; j++)
            for (int k = 0; time_names[k]; k++)
                if (!strcasecmp(hdr->text[j], time_names[k])) a.tc = j;
        double t;
        if (a.tc < 0 && a.ncols > 1 && ds_parse_time(data1.cells[0].s, data1.cells[0].len, &t) == 0)
            a.tc = 0;
    }
    if (a.tc >= a.ncols) {
        ae_fail(err, "%s: the time column %d is past the %d columns", name, a.tc + 1, a.ncols);
        goto out;
    }
    if (a.tc >= 0) {
        const csv_cell *c = &data1.cells[a.tc];
        double t;
        if (ds_parse_time(c->s, c->len, &t) == 0)
            out->time_kind = DS_TIME_DATE;
        else if (csv_number(c->s, c->len, &t) == CSV_NUM_OK)
            out->time_kind = DS_TIME_NUMBER;
        else {
            csv_cell_fail(err, name, data1.line, a.tc + 1, c,
                          "is neither a number nor an ISO 8601 date and time (the time column; "
                          "--time-col none if the file has none)");
            goto out;
        }
    }
    /* the value columns */
    a.vc = malloc(sizeof(int) * (size_t)a.ncols);
    if (!a.vc) {
        ae_fail(err, "%s: out of memory", name);
        goto out;
    }
    if (!spec->columns[0]) {
        for (int j = 0; j < a.ncols; j++)
            if (j != a.tc) a.vc[out->f++] = j;
    } else {
        char list[sizeof spec->columns], *save = NULL;
        snprintf(list, sizeof list, "%s", spec->columns);
        for (char *it = strtok_r(list, ",", &save); it; it = strtok_r(NULL, ",", &save)) {
            while (*it == ' ') it++;
            for (char *e = it + strlen(it); e > it && e[-1] == ' ';) *--e = 0;
            int j = find_column(it, hdr, a.ncols, name, "--columns", err);
            if (j < 0) goto out;
            for (int k = 0; k < out->f; k++)
                if (a.vc[k] == j) {
                    ae_fail(err, "%s: --columns names column %d twice", name, j + 1);
                    goto out;
                }
            if (j == a.tc) {
                ae_fail(err, "%s: --columns: column %d is the time column", name, j + 1);
                goto out;
            }
            if (out->f == a.ncols) break;
            a.vc[out->f++] = j;
        }
    }
    if (out->f < 1) {
        ae_fail(err, "%s: no value columns (only the time column)", name);
        goto out;
    }
    for (int k = 0; k < out->f && k < 64; k++) {
        if (hdr)
            snprintf(out->names[k], sizeof out->names[k], "%.31s", hdr->text[a.vc[k]]);
        else
            snprintf(out->names[k], sizeof out->names[k], "column %d", a.vc[k] + 1);
    }
    if (!header) {
        csv_row r1 = csv_saved_row(&first);
        if (series_add(&a, spec, name, &r1, err)) goto out;
    }
    for (; got == 1; got = csv_next(r, &row, err))
        if (series_add(&a, spec, name, &row, err)) goto out;
    if (got < 0) goto out;
    if (out->rows == 0) {
        ae_fail(err, "%s: no rows of data%s", name,
                a.nmissing ? " left after dropping the rows with missing values" : "");
        goto out;
    }
    if (spec->missing == DS_MISSING_INTERPOLATE && a.nmissing && series_interpolate(out, name, err))
        goto out;
    float *v = realloc(out->v, sizeof(float) * (size_t)out->rows * (size_t)out->f);
    if (v) out->v = v;
    if (out->times) {
        double *t = realloc(out->times, sizeof(double) * (size_t)out->rows);
        if (t) out->times = t;
    }
    if (csv_sha256(r, out->sha256, err)) goto out;
    rc = 0;
out:
    csv_saved_free(&first);
    csv_saved_free(&hdr_keep);
    free(a.vc);
    if (rc) ds_series_free(out);
    return rc;
}

int csvseries_read(const char *path, const ds_spec *spec, ds_series *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    csv_reader *r;
    if (csv_open(&r, path, spec->delim, err)) return -1;
    int rc = series_read(r, spec, out, err);
    csv_close(r);
    return rc;
}

int csvseries_read_mem(const void *data, size_t len, const char *name, const ds_spec *spec,
                       ds_series *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    csv_reader *r;
    if (csv_open_mem(&r, data, len, name, spec->delim, err)) return -1;
    int rc = series_read(r, spec, out, err);
    csv_close(r);
    return rc;
}
