/* fuzz_csv.c: libFuzzer target for the CSV readers (build with -DAETUI_FUZZ=ON and clang).
 *
 * The first byte picks the options (delimiter, header, label column, features, missing-value
 * handling, time column); the rest is the file. Every input goes through the row tokenizer,
 * the one-sample-per-row reader and the long-series reader, from memory (4 KB reads, so rows
 * straddle refills). A read either succeeds with arrays of exactly the size it says (touched
 * end to end, so ASan sees a short one) and finite values, or fails with a message naming
 * the file. Seed corpus: any CSV, TSV or UCR .txt files. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "dspec.h"

static void check_dataset(const dataset *d)
{
    if (d->n < 1 || d->dim != d->t * d->f || d->t < 1 || d->f < 1) abort();
    for (long i = 0; i < (long)d->n * d->dim; i++)
        if (!isfinite(d->f32[i])) abort();
    for (int i = 0; i < d->n; i++)
        if (d->labels[i] >= d->nclasses) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const int delims[4] = {CSV_DETECT, CSV_COMMA, CSV_SEMI, CSV_SPACES};
    uint8_t o = data[0];
    data++, size--;
    ds_spec s;
    ds_spec_init(&s);
    s.delim = delims[o & 3];
    s.header = (o >> 2 & 3) == 3 ? DS_AUTO : (o >> 2 & 1);
    s.label_col = (o >> 4 & 1) ? DS_AUTO : (o >> 5 & 1);
    s.features = (o >> 6 & 1) + 1;
    ae_err err;
    err.msg[0] = 0;

    csv_reader *r;
    if (csv_open_mem(&r, data, size, "fuzz.csv", s.delim, &err) == 0) {
        csv_row row;
        int got;
        while ((got = csv_next(r, &row, &err)) == 1)
            for (int j = 0; j < row.n; j++) {
                if (row.cells[j].len < 0 || row.cells[j].s[row.cells[j].len] != 0) abort();
                double v;
                csv_number(row.cells[j].s, row.cells[j].len, &v);
            }
        if (got < 0 && !strstr(err.msg, "fuzz.csv")) abort();
        char hex[65];
        csv_sha256(r, hex, &err);
        csv_close(r);
    } else if (!strstr(err.msg, "fuzz.csv")) {
        abort();
    }

    dataset d;
    if (csvrows_read_mem(data, size, "fuzz.csv", &s, &d, &err) == 0) {
        check_dataset(&d);
        ds_free(&d);
    } else if (!strstr(err.msg, "fuzz.csv")) {
        abort();
    }

    s.missing = o >> 4 & 3;
    if (o & 0x80) snprintf(s.time_col, sizeof s.time_col, "none");
    ds_series sr;
    if (csvseries_read_mem(data, size, "fuzz.csv", &s, &sr, &err) == 0) {
        if (sr.rows < 1 || sr.f < 1) abort();
        for (int64_t i = 0; i < sr.rows * sr.f; i++)
            if (!isfinite(sr.v[i])) abort();
        for (int64_t i = 1; sr.times && i < sr.rows; i++)
            if (sr.times[i] < sr.times[i - 1]) abort();
        ds_series_free(&sr);
    } else if (!strstr(err.msg, "fuzz.csv")) {
        abort();
    }
    return 0;
}
