/* store_baseline.c: the PCA linear baseline cache of the run store (table `baselines`,
 * schema 3; see store.h). One row per (dataset, training data SHA-256, train, test, latent);
 * putting a row with the same key replaces it. */
#include "store_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Reads the BASELINE_COLS of the current row. */
static void read_baseline(sqlite3_stmt *s, store_baseline *b)
{
    memset(b, 0, sizeof *b);
    store_col_text(s, 0, b->dataset, sizeof b->dataset);
    store_col_text(s, 1, b->data_sha256, sizeof b->data_sha256);
    b->train = sqlite3_column_int(s, 2);
    b->test = sqlite3_column_int(s, 3);
    b->latent = sqlite3_column_int(s, 4);
    store_col_text(s, 5, b->test_sha256, sizeof b->test_sha256);
    b->mse = store_col_num(s, 6);
    b->mae = store_col_num(s, 7);
    b->explained = store_col_num(s, 8);
    b->seconds = store_col_num(s, 9);
    b->created = store_col_num(s, 10);
}

/* Steps a statement expected to give at most one row: 1 (row read into *out), 0 or -1. */
static int one_row(store *st, sqlite3_stmt *s, store_baseline *out, ae_err *err)
{
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        read_baseline(s, out);
        sqlite3_reset(s);
        return 1;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return store_fail_db(st, err, "reading a baseline");
    return 0;
}

static void bind_num_or_null(sqlite3_stmt *s, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

int store_baseline_put(store *st, const store_baseline *b, ae_err *err)
{
    if (store_writable(st, err)) return -1;
    if (!b->dataset[0] || !b->data_sha256[0])
        return ae_fail(err, "baseline: dataset and data SHA-256 are required");
    if (b->train < 1 || b->test < 1 || b->latent < 1)
        return ae_fail(err, "baseline: train %d, test %d, latent %d: each must be at least 1",
                       b->train, b->test, b->latent);
    if (!isfinite(b->mse) || !isfinite(b->mae))
        return ae_fail(err, "baseline: MSE %g / MAE %g is not a finite number", b->mse, b->mae);
    sqlite3_stmt *s = store_stmt(st, SQ_BASELINE_PUT, err);
    if (!s) return -1;
    store_bind_text(s, 1, b->dataset);
    store_bind_text(s, 2, b->data_sha256);
    sqlite3_bind_int(s, 3, b->train);
    sqlite3_bind_int(s, 4, b->test);
    sqlite3_bind_int(s, 5, b->latent);
    store_bind_text(s, 6, b->test_sha256);
    sqlite3_bind_double(s, 7, b->mse);
    sqlite3_bind_double(s, 8, b->mae);
    bind_num_or_null(s, 9, b->explained);
    bind_num_or_null(s, 10, b->seconds);
    sqlite3_bind_double(s, 11, store_now());
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return store_fail_db(st, err, "storing a baseline");
    return 0;
}

int store_baseline_get(store *st, const char *dataset, const char *data_sha256, int train, int test,
                       int latent, store_baseline *out, ae_err *err)
{
    sqlite3_stmt *s = store_stmt(st, SQ_BASELINE_GET, err);
    if (!s) return -1;
    store_bind_text(s, 1, dataset ? dataset : "");
    store_bind_text(s, 2, data_sha256 ? data_sha256 : "");
    sqlite3_bind_int(s, 3, train);
    sqlite3_bind_int(s, 4, test);
    sqlite3_bind_int(s, 5, latent);
    return one_row(st, s, out, err);
}

int store_baseline_for_run(store *st, int64_t run, store_baseline *out, ae_err *err)
{
    sqlite3_stmt *s = store_stmt(st, SQ_BASELINE_RUN, err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, run);
    return one_row(st, s, out, err);
}
