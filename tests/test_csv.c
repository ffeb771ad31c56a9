/* test_csv.c: the delimited-text reader (delimiters, quotes, CRLF, BOM, buffer refills), the
 * number parser, and the two CSV dataset readers (one sample per row; one long series) on
 * good and bad files: every error names the file, the line and the column. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "dspec.h"
#include "sha256.h"
#include "testlib.h"

static int has(const char *s, const char *sub)
{
    return strstr(s, sub) != NULL;
}

/* All rows of text as "a|b|c" lines joined by '\n' (cells with '|' between). */
static int rows_of(const char *text, int delim, char *out, size_t cap, int *det, ae_err *err)
{
    csv_reader *r;
    if (csv_open_mem(&r, text, strlen(text), "t.csv", delim, err)) return -1;
    if (det) *det = csv_delim(r);
    csv_row row;
    int got;
    size_t k = 0;
    out[0] = 0;
    while ((got = csv_next(r, &row, err)) == 1) {
        for (int j = 0; j < row.n; j++)
            k += (size_t)snprintf(out + k, cap - k, "%s%s", j ? "|" : "", row.cells[j].s);
        k += (size_t)snprintf(out + k, cap - k, "@%ld\n", row.line);
    }
    csv_close(r);
    return got;
}

static void test_tokenizer(void)
{
    char out[4096];
    ae_err err = {{0}};
    int d;
    CHECK(rows_of("a,b,c\n1,2,3\n", 0, out, sizeof out, &d, &err) == 0 && d == ',' &&
              !strcmp(out, "a|b|c@1\n1|2|3@2\n"),
          "comma: %s %s", out, err.msg);
    CHECK(rows_of("a;b\r\n1;2\r\n", 0, out, sizeof out, &d, &err) == 0 && d == ';' &&
              !strcmp(out, "a|b@1\n1|2@2\n"),
          "semicolon, CRLF: %s", out);
    CHECK(rows_of("a b\tc\n1 2\t3\n", 0, out, sizeof out, &d, &err) == 0 && d == '\t' &&
              !strcmp(out, "a b|c@1\n1 2|3@2\n"),
          "tab wins over spaces: %s", out);
    CHECK(rows_of("  1.0000000e+00  -1.1252183e-01  -4.7e-01\n  2.0  3.5   4\n", 0, out, sizeof out,
                  &d, &err) == 0 &&
              d == ' ' && !strcmp(out, "1.0000000e+00|-1.1252183e-01|-4.7e-01@1\n2.0|3.5|4@2\n"),
          "UCR spaces: %s", out);
    CHECK(rows_of("\xEF\xBB\xBFx,y\n\n  \n1, 2 \n", 0, out, sizeof out, &d, &err) == 0 &&
              !strcmp(out, "x|y@1\n1|2@4\n"),
          "BOM, blank lines, trimmed: %s", out);
    CHECK(rows_of("\"a,b\",\"say \"\"hi\"\"\",c\n\"multi\nline\",2,3\n4,5,6", 0, out, sizeof out,
                  &d, &err) == 0 &&
              !strcmp(out, "a,b|say \"hi\"|c@1\nmulti\nline|2|3@2\n4|5|6@4\n"),
          "quotes: %s", out);
    CHECK(rows_of("1,2,\n3,,4\n", ',', out, sizeof out, NULL, &err) == 0 &&
              !strcmp(out, "1|2|@1\n3||4@2\n"),
          "empty cells: %s", out);
    CHECK(rows_of("5\n6\n7", 0, out, sizeof out, &d, &err) == 0 && d == ',' &&
              !strcmp(out, "5@1\n6@2\n7@3\n"),
          "one column, no final newline: %s", out);
    CHECK(rows_of("a,b\n1,\"2\n", 0, out, sizeof out, NULL, &err) == -1 && has(err.msg, "t.csv") &&
              has(err.msg, "line 2") && has(err.msg, "not closed"),
          "unclosed quote: %s", err.msg);
    CHECK(rows_of("a,b\n\"1\"x,2\n", 0, out, sizeof out, NULL, &err) == -1 &&
              has(err.msg, "line 2, column 1") && has(err.msg, "after a closing quote"),
          "text after quote: %s", err.msg);
    /* rows across many buffer refills (memory readers read 4 KB at a time) and a long row */
    size_t n = 300000;
    char *big = malloc(n + 20000);
    size_t k = 0;
    int rows = 0;
    while (k < n) k += (size_t)sprintf(big + k, "%d,%d.5,\"q%d\"\n", rows, rows, rows), rows++;
    k += (size_t)sprintf(big + k, "x");
    for (int i = 0; i < 5000; i++) k += (size_t)sprintf(big + k, ",y");
    csv_reader *r;
    CHECK(csv_open_mem(&r, big, k, "big.csv", 0, &err) == 0, "open big: %s", err.msg);
    csv_row row;
    int seen = 0, ok = 1, got;
    while ((got = csv_next(r, &row, &err)) == 1) {
        if (seen < rows) {
            char want[64];
            snprintf(want, sizeof want, "q%d", seen);
            ok &= row.n == 3 && atoi(row.cells[0].s) == seen && !strcmp(row.cells[2].s, want) &&
                  row.line == seen + 1;
        } else {
            ok &= row.n == 5001;
        }
        seen++;
    }
    CHECK(got == 0 && ok && seen == rows + 1, "big: %d of %d rows, ok %d: %s", seen, rows + 1, ok,
          err.msg);
    char hex[65], want[65];
    CHECK(csv_sha256(r, hex, &err) == 0, "sha: %s", err.msg);
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, big, k);
    sha256_hex(&c, want);
    CHECK(!strcmp(hex, want), "the reader's hash is the file's");
    csv_close(r);
    free(big);
}

static void test_numbers(void)
{
    struct {
        const char *s;
        int st;
        double v;
    } cases[] = {
        {"1", CSV_NUM_OK, 1},
        {" -2.5 ", CSV_NUM_OK, -2.5},
        {"+.5", CSV_NUM_OK, 0.5},
        {"5.", CSV_NUM_OK, 5},
        {"1e3", CSV_NUM_OK, 1000},
        {"-1.1252183e-01", CSV_NUM_OK, -1.1252183e-01},
        {"0.000001234", CSV_NUM_OK, 1.234e-6},
        {"12345678901234567890123", CSV_NUM_OK, 1.2345678901234568e22},
        {"1e-400", CSV_NUM_OK, 0},
        {"3.4e38", CSV_NUM_OK, 3.4e38},
        {"1e39", CSV_NUM_RANGE, 0},
        {"", CSV_NUM_EMPTY, 0},
        {"   ", CSV_NUM_EMPTY, 0},
        {"NaN", CSV_NUM_NAN, 0},
        {"na", CSV_NUM_NAN, 0},
        {"NULL", CSV_NUM_NAN, 0},
        {"-inf", CSV_NUM_INF, 0},
        {"Infinity", CSV_NUM_INF, 0},
        {"abc", CSV_NUM_BAD, 0},
        {"1,5", CSV_NUM_BAD, 0},
        {"1e", CSV_NUM_BAD, 0},
        {"-", CSV_NUM_BAD, 0},
        {".", CSV_NUM_BAD, 0},
        {"0x10", CSV_NUM_BAD, 0},
        {"1 2", CSV_NUM_BAD, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = -99;
        int st = csv_number(cases[i].s, (int)strlen(cases[i].s), &v);
        CHECK(st == cases[i].st && (st != CSV_NUM_OK || v == cases[i].v ||
                                    fabs(v - cases[i].v) <= 1e-15 * fabs(cases[i].v)),
              "'%s': status %d value %.17g (want %d %.17g)", cases[i].s, st, v, cases[i].st,
              cases[i].v);
    }
    /* the fast path agrees with strtod to the last bit */
    char buf[64];
    unsigned long long x = 88172645463325252ull;
    int same = 1;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int e = (int)(x % 30) - 15;
        snprintf(buf, sizeof buf, "%s%llu.%03llue%d", x & 1 ? "-" : "", x % 1000000,
                 (x >> 20) % 1000, e);
        double v;
        same &= csv_number(buf, (int)strlen(buf), &v) == CSV_NUM_OK && v == strtod(buf, NULL);
    }
    CHECK(same, "fast path equals strtod");
}

static void spec_csv(ds_spec *s)
{
    ds_spec_init(s);
    s->format = DSF_CSV;
}

static int rows_read(const char *text, const ds_spec *s, dataset *ds, ae_err *err)
{
    return csvrows_read_mem(text, strlen(text), "ecg.csv", s, ds, err);
}

static void test_rows(void)
{
    ds_spec s;
    dataset ds;
    ae_err err = {{0}};
    spec_csv(&s);
    /* UCR: numeric labels in column 1, detected */
    CHECK(rows_read("1,0.1,0.2,0.3\n2,0.4,0.5,0.6\n1,0.7,0.8,0.9\n", &s, &ds, &err) == 0, "ucr: %s",
          err.msg);
    CHECK(ds.n == 3 && ds.t == 3 && ds.f == 1 && ds.labelled && ds.nclasses == 2 &&
              ds.labels[1] == 1 && !strcmp(ds.class_names[0], "1") && ds.f32[3] == 0.4f,
          "ucr shape: n %d t %d f %d classes %d", ds.n, ds.t, ds.f, ds.nclasses);
    ds_free(&ds);
    /* UCR's .txt with 1.0000000e+00 labels and a header; -1/1 classes in numeric order */
    CHECK(rows_read("label,a,b\n  1.0e+00,5,6\n-1.0e+00,7,8\n1,9,10\n", &s, &ds, &err) == 0 &&
              ds.n == 3 && ds.nclasses == 2 && !strcmp(ds.class_names[0], "-1") &&
              ds.labels[0] == 1 && ds.labels[1] == 0,
          "header and -1/1: %s", err.msg);
    ds_free(&ds);
    /* word labels */
    CHECK(rows_read("normal,1,2\nabnormal,3,4\nnormal,5,6\n", &s, &ds, &err) == 0 &&
              ds.nclasses == 2 && !strcmp(ds.class_names[0], "abnormal") && ds.labels[0] == 1,
          "word labels: %s", err.msg);
    ds_free(&ds);
    /* no label: floats in column 1 */
    CHECK(rows_read("0.5,1,2\n0.25,3,4\n", &s, &ds, &err) == 0 && !ds.labelled && ds.t == 3,
          "no labels: %s", err.msg);
    ds_free(&ds);
    /* --label-col none; --label-col 3 */
    s.label_col = 0;
    CHECK(rows_read("1,2,3\n1,5,6\n", &s, &ds, &err) == 0 && !ds.labelled && ds.t == 3, "none: %s",
          err.msg);
    ds_free(&ds);
    s.label_col = 3;
    CHECK(rows_read("1,2,7\n1,5,9\n", &s, &ds, &err) == 0 && ds.labelled && ds.t == 2 &&
              ds.f32[2] == 1 && ds.f32[3] == 5 && ds.labels[1] == 1,
          "label col 3: %s", err.msg);
    ds_free(&ds);
    /* --features 2: a row of 6 values is 3 steps of 2 */
    s.label_col = 0, s.features = 2;
    CHECK(rows_read("1,2,3,4,5,6\n", &s, &ds, &err) == 0 && ds.t == 3 && ds.f == 2 &&
              ds.f32[2] == 3,
          "features: %s", err.msg);
    ds_free(&ds);
    CHECK(rows_read("1,2,3,4,5\n", &s, &ds, &err) == -1 && has(err.msg, "5 values"),
          "features do not divide: %s", err.msg);
    spec_csv(&s);
    /* errors: file, line, column */
    struct {
        const char *text, *want;
    } bad[] = {
        {"1,2,3\n1,x,3\n", "line 2, column 2: 'x' is not a number"},
        {"1,2,3\n1,,3\n", "line 2, column 2: an empty cell"},
        {"1,2,3\n1,2\n", "line 2 has 2 fields, and line 1"},
        {"0.5,2,3\n0.5,NaN,3\n", "line 2, column 2: 'NaN' is a missing value"},
        {"0.5,2,3\n0.5,2,-inf\n", "line 2, column 3: '-inf' is infinite"},
        {"0.5,2,3\n0.5,2,1e40\n", "is beyond the range"},
        {"", "no rows"},
        {"a,b\n", "line 1, column 2: 'b' is not a number"},
        {"a,b,c\n1,2\n", "line 2 has 2 fields, and the header (line 1) has 3"},
        {"0.5,2\nfoo,3\n0.25,1\n0.125,1\n", "line 2, column 1: 'foo' is not a number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = rows_read(bad[i].text, &s, &ds, &err);
        CHECK(rc == -1 && has(err.msg, "ecg.csv") && has(err.msg, bad[i].want), "bad %zu: %s", i,
              err.msg);
        if (!rc) ds_free(&ds);
    }
}

static void test_times(void)
{
    double t;
    CHECK(ds_parse_time("1970-01-01", 10, &t) == 0 && t == 0, "epoch");
    CHECK(ds_parse_time("2014-04-01 00:00:00", 19, &t) == 0 && t == 1396310400, "NAB: %.0f", t);
    CHECK(ds_parse_time("2014-04-01T00:00:00.5Z", 22, &t) == 0 && t == 1396310400.5, "fraction");
    CHECK(ds_parse_time("2014-04-01T02:00+02:00", 22, &t) == 0 && t == 1396310400, "offset");
    CHECK(ds_parse_time("2000/02/29 12:30", 16, &t) == 0, "leap day, slashes");
    CHECK(ds_parse_time("2001-02-29", 10, &t) == -1, "no leap day");
    CHECK(ds_parse_time("2014-13-01", 10, &t) == -1, "month 13");
    CHECK(ds_parse_time("12.5", 4, &t) == -1, "a number is not a date");
    CHECK(ds_parse_time("2014-04-01 25:00", 16, &t) == -1, "hour 25");
    char buf[40];
    ds_format_time(1396310400, buf, sizeof buf);
    CHECK(!strcmp(buf, "2014-04-01 00:00:00"), "format: %s", buf);
    ds_format_time(-86400 * 365.0, buf, sizeof buf);
    CHECK(!strcmp(buf, "1969-01-01 00:00:00"), "before 1970: %s", buf);
}

static int series(const char *text, const ds_spec *s, ds_series *out, ae_err *err)
{
    return csvseries_read_mem(text, strlen(text), "nab.csv", s, out, err);
}

static void test_series(void)
{
    ds_spec s;
    ds_series sr;
    ae_err err = {{0}};
    ds_spec_init(&s);
    s.format = DSF_SERIES, s.window = 2;
    CHECK(series("timestamp,value\n2014-04-01 00:00:00,10\n2014-04-01 00:30:00,12\n"
                 "2014-04-01 01:00:00,11\n",
                 &s, &sr, &err) == 0,
          "nab: %s", err.msg);
    CHECK(sr.rows == 3 && sr.f == 1 && sr.time_kind == DS_TIME_DATE &&
              sr.times[1] - sr.times[0] == 1800 && sr.v[2] == 11 && !strcmp(sr.names[0], "value"),
          "nab values");
    ds_series_free(&sr);
    /* no header, dates found in column 1; two value columns, pick one by number */
    snprintf(s.columns, sizeof s.columns, "3");
    CHECK(series("2020-01-01,1,5\n2020-01-02,2,6\n", &s, &sr, &err) == 0 && sr.f == 1 &&
              sr.v[1] == 6 && sr.time_kind == DS_TIME_DATE,
          "columns by number: %s", err.msg);
    ds_series_free(&sr);
    snprintf(s.columns, sizeof s.columns, "b, a");
    CHECK(series("t,a,b\n0,1,5\n1,2,6\n", &s, &sr, &err) == 0 && sr.f == 2 && sr.v[0] == 5 &&
              sr.v[1] == 1 && sr.time_kind == DS_TIME_NUMBER,
          "columns by name, numeric time: %s", err.msg);
    ds_series_free(&sr);
    CHECK(series("t,a,b\n0,1,5\n", &s, &sr, &err) == 0, "ok");
    ds_series_free(&sr);
    snprintf(s.columns, sizeof s.columns, "c");
    CHECK(series("t,a,b\n0,1,5\n", &s, &sr, &err) == -1 && has(err.msg, "'c': no such column") &&
              has(err.msg, "t, a, b"),
          "unknown column: %s", err.msg);
    s.columns[0] = 0;
    snprintf(s.time_col, sizeof s.time_col, "none");
    CHECK(series("1,2\n3,4\n", &s, &sr, &err) == 0 && sr.f == 2 && !sr.times, "no time: %s",
          err.msg);
    ds_series_free(&sr);
    s.time_col[0] = 0;
    /* problems */
    CHECK(series("time,v\n2,1\n1,2\n", &s, &sr, &err) == -1 && has(err.msg, "line 3") &&
              has(err.msg, "goes back"),
          "time back: %s", err.msg);
    CHECK(series("time,v\n1,1\n2,\n3,5\n", &s, &sr, &err) == -1 &&
              has(err.msg, "line 3, column 2: an empty cell") && has(err.msg, "--missing"),
          "missing: %s", err.msg);
    CHECK(series("time,v\n1,1\n2,x\n", &s, &sr, &err) == -1 &&
              has(err.msg, "line 3, column 2: 'x' is not a number"),
          "bad: %s", err.msg);
    CHECK(series("time,v\n1,1\n2014-01-01,2\n", &s, &sr, &err) == -1 &&
              has(err.msg, "line 3, column 1"),
          "mixed time: %s", err.msg);
    CHECK(series("time,v\n1,1,3\n", &s, &sr, &err) == -1, "ragged");
    /* --missing */
    const char *gappy = "time,v,w\n0,1,10\n1,,NaN\n2,NA,\n3,4,40\n4,5,null\n";
    s.missing = DS_MISSING_DROP;
    CHECK(series(gappy, &s, &sr, &err) == 0 && sr.rows == 2 && sr.v[2] == 4, "drop: %s", err.msg);
    ds_series_free(&sr);
    s.missing = DS_MISSING_ZERO;
    CHECK(series(gappy, &s, &sr, &err) == 0 && sr.rows == 5 && sr.v[2] == 0 && sr.v[9] == 0,
          "zero: %s", err.msg);
    ds_series_free(&sr);
    s.missing = DS_MISSING_INTERPOLATE;
    CHECK(series(gappy, &s, &sr, &err) == 0 && sr.rows == 5 && sr.v[2] == 2 && sr.v[4] == 3 &&
              sr.v[3] == 20 && sr.v[5] == 30 && sr.v[9] == 40,
          "interpolate: %s (%g %g %g %g %g)", err.msg, sr.v[2], sr.v[4], sr.v[3], sr.v[5], sr.v[9]);
    ds_series_free(&sr);
    CHECK(series("time,v\n0,\n1,\n", &s, &sr, &err) == -1 && has(err.msg, "no values"),
          "all missing: %s", err.msg);
}

int main(void)
{
    test_tokenizer();
    test_numbers();
    test_rows();
    test_times();
    test_series();
    return test_done();
}
