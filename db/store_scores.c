/* store_scores.c: a run's anomaly scores (table `scores`, schema 6; see store.h). The
 * statements are prepared per call: scoring is rare, and a row carries its arrays as blobs. */
#include "store_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCORE_COLS                                                                                 \
    "method, metric, split, n, n_pos, threshold, rule, roc_auc, avg_precision, precision,"         \
    " recall, f1, accuracy, tp, fp, tn, fn, created, length(train_scores) / 4"

static void bind_num(sqlite3_stmt *s, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

/* float32 little-endian whatever the machine, as the artifacts keep them */
static unsigned char *pack_f32(const float *v, int n)
{
    unsigned char *b = malloc((size_t)n * 4 + 1);
    if (!b) return NULL;
    for (int i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        b[4 * i] = (unsigned char)u, b[4 * i + 1] = (unsigned char)(u >> 8);
        b[4 * i + 2] = (unsigned char)(u >> 16), b[4 * i + 3] = (unsigned char)(u >> 24);
    }
    return b;
}

static float *unpack_f32(const unsigned char *b, int n)
{
    float *v = malloc(sizeof(float) * (size_t)(n > 0 ? n : 1));
    if (!v) return NULL;
    for (int i = 0; i < n; i++) {
        uint32_t u = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
                     (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
        memcpy(&v[i], &u, 4);
    }
    return v;
}

int store_scores_put(store *st, int64_t run, const store_scores *sc, const float *scores,
                     const uint8_t *labels, const float *train_scores, ae_err *err)
{
    if (store_writable(st, err)) return -1;
    if (sc->n < 1 || sc->n_train < 1)
        return ae_fail(err, "scores: %d samples and %d training scores; need at least 1 each",
                       sc->n, sc->n_train);
    if (!isfinite(sc->threshold))
        return ae_fail(err, "scores: the threshold %g is not a finite number", sc->threshold);
    for (int i = 0; i < sc->n; i++)
        if (!isfinite(scores[i])) return ae_fail(err, "scores: sample %d's score is not finite", i);
    unsigned char *bs = pack_f32(scores, sc->n), *bt = pack_f32(train_scores, sc->n_train);
    sqlite3_stmt *s = NULL;
    int rc = -1;
    if (!bs || !bt) {
        ae_fail(err, "scores: out of memory");
        goto out;
    }
    if (sqlite3_prepare_v2(st->db,
                           "INSERT OR REPLACE INTO scores(run, method, metric, split, n, n_pos,"
                           " threshold, rule, roc_auc, avg_precision, precision, recall, f1,"
                           " accuracy, tp, fp, tn, fn, scores, labels, train_scores, created)"
                           " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,"
                           "?18,?19,?20,?21,?22)",
                           -1, &s, NULL) != SQLITE_OK) {
        store_fail_db(st, err, "preparing to store scores");
        goto out;
    }
    sqlite3_bind_int64(s, 1, run);
    store_bind_text(s, 2, sc->method);
    store_bind_text(s, 3, sc->metric);
    store_bind_text(s, 4, sc->split);
    sqlite3_bind_int(s, 5, sc->n);
    if (labels)
        sqlite3_bind_int(s, 6, sc->n_pos);
    else
        sqlite3_bind_null(s, 6);
    sqlite3_bind_double(s, 7, sc->threshold);
    store_bind_text(s, 8, sc->rule);
    bind_num(s, 9, sc->roc_auc);
    bind_num(s, 10, sc->avg_precision);
    bind_num(s, 11, labels ? sc->precision : NAN);
    bind_num(s, 12, labels ? sc->recall : NAN);
    bind_num(s, 13, labels ? sc->f1 : NAN);
    bind_num(s, 14, labels ? sc->accuracy : NAN);
    long cm[4] = {sc->tp, sc->fp, sc->tn, sc->fn};
    for (int k = 0; k < 4; k++)
        if (labels)
            sqlite3_bind_int64(s, 15 + k, cm[k]);
        else
            sqlite3_bind_null(s, 15 + k);
    sqlite3_bind_blob(s, 19, bs, sc->n * 4, SQLITE_STATIC);
    if (labels)
        sqlite3_bind_blob(s, 20, labels, sc->n, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 20);
    sqlite3_bind_blob(s, 21, bt, sc->n_train * 4, SQLITE_STATIC);
    sqlite3_bind_double(s, 22, store_now());
    if (sqlite3_step(s) != SQLITE_DONE) {
        store_fail_db(st, err, "storing scores");
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(s);
    free(bs), free(bt);
    return rc;
}

static void read_row(sqlite3_stmt *s, store_scores *o)
{
    memset(o, 0, sizeof *o);
    store_col_text(s, 0, o->method, sizeof o->method);
    store_col_text(s, 1, o->metric, sizeof o->metric);
    store_col_text(s, 2, o->split, sizeof o->split);
    o->n = sqlite3_column_int(s, 3);
    o->n_pos = sqlite3_column_type(s, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 4);
    o->threshold = store_col_num(s, 5);
    store_col_text(s, 6, o->rule, sizeof o->rule);
    o->roc_auc = store_col_num(s, 7);
    o->avg_precision = store_col_num(s, 8);
    o->precision = store_col_num(s, 9);
    o->recall = store_col_num(s, 10);
    o->f1 = store_col_num(s, 11);
    o->accuracy = store_col_num(s, 12);
    o->tp = (long)sqlite3_column_int64(s, 13);
    o->fp = (long)sqlite3_column_int64(s, 14);
    o->tn = (long)sqlite3_column_int64(s, 15);
    o->fn = (long)sqlite3_column_int64(s, 16);
    o->created = store_col_num(s, 17);
    o->n_train = sqlite3_column_int(s, 18);
}

int store_scores_get(store *st, int64_t run, const char *method, const char *metric,
                     const char *split, store_scores *out, float **scores, uint8_t **labels,
                     float **train_scores, ae_err *err)
{
    if (scores) *scores = NULL;
    if (labels) *labels = NULL;
    if (train_scores) *train_scores = NULL;
    if (st->version < 6) return 0; /* an older store read as it is: no scores yet */
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT " SCORE_COLS ", scores, labels, train_scores FROM scores"
                           " WHERE run = ?1 AND method = ?2 AND metric = ?3 AND split = ?4",
                           -1, &s, NULL) != SQLITE_OK)
        return store_fail_db(st, err, "preparing to read scores");
    sqlite3_bind_int64(s, 1, run);
    store_bind_text(s, 2, method);
    store_bind_text(s, 3, metric);
    store_bind_text(s, 4, split);
    int rc = sqlite3_step(s), found = 0;
    if (rc == SQLITE_ROW) {
        read_row(s, out);
        int nb = sqlite3_column_bytes(s, 19) / 4, nl = sqlite3_column_bytes(s, 20),
            nt = sqlite3_column_bytes(s, 21) / 4;
        if (nb != out->n || nt != out->n_train ||
            (sqlite3_column_type(s, 20) != SQLITE_NULL && nl != out->n)) {
            sqlite3_finalize(s);
            return ae_fail(err, "%s: run %lld: the stored scores are damaged (sizes differ)",
                           st->path, (long long)run);
        }
        found = 1;
        if (scores) *scores = unpack_f32(sqlite3_column_blob(s, 19), nb);
        if (train_scores) *train_scores = unpack_f32(sqlite3_column_blob(s, 21), nt);
        if (labels && sqlite3_column_type(s, 20) != SQLITE_NULL && (*labels = malloc((size_t)nl)))
            memcpy(*labels, sqlite3_column_blob(s, 20), (size_t)nl);
        if ((scores && !*scores) || (train_scores && !*train_scores) ||
            (labels && sqlite3_column_type(s, 20) != SQLITE_NULL && !*labels)) {
            if (scores) free(*scores), *scores = NULL;
            if (train_scores) free(*train_scores), *train_scores = NULL;
            if (labels) free(*labels), *labels = NULL;
            sqlite3_finalize(s);
            return ae_fail(err, "scores: out of memory");
        }
    } else if (rc != SQLITE_DONE) {
        store_fail_db(st, err, "reading scores");
        sqlite3_finalize(s);
        return -1;
    }
    sqlite3_finalize(s);
    return found;
}

int store_scores_list(store *st, int64_t run, store_scores **out, int *n, ae_err *err)
{
    *out = NULL, *n = 0;
    if (st->version < 6) return 0;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT " SCORE_COLS " FROM scores WHERE run = ?1"
                           " ORDER BY created DESC, method, metric, split",
                           -1, &s, NULL) != SQLITE_OK)
        return store_fail_db(st, err, "preparing to list scores");
    sqlite3_bind_int64(s, 1, run);
    int cap = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            store_scores *g = realloc(*out, sizeof **out * (size_t)cap);
            if (!g) {
                sqlite3_finalize(s);
                free(*out), *out = NULL, *n = 0;
                return ae_fail(err, "scores: out of memory");
            }
            *out = g;
        }
        read_row(s, &(*out)[(*n)++]);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        free(*out), *out = NULL, *n = 0;
        return store_fail_db(st, err, "listing scores");
    }
    return 0;
}
