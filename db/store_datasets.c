/* store_datasets.c: your own datasets, registered by name (see store.h, schema 5).
 *
 * Rare operations (a command, a form opening): each prepares its statement, unlike the run
 * path's cached ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define DATASET_COLS                                                                               \
    "name, format, path, spec, kind, shape, train, test, classes, nclasses, labelled, sha256,"     \
    " rows, created"

static sqlite3_stmt *prepare(store *st, const char *sql, ae_err *err)
{
    sqlite3_stmt *s = NULL;
    if (st->version < 5) {
        ae_fail(err, "%s: the store predates registered datasets (schema %d)", st->path,
                st->version);
        return NULL;
    }
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        store_fail_db(st, err, "reading the datasets");
        return NULL;
    }
    return s;
}

static void read_row(sqlite3_stmt *s, store_dataset *d)
{
    memset(d, 0, sizeof *d);
    store_col_text(s, 0, d->name, sizeof d->name);
    store_col_text(s, 1, d->format, sizeof d->format);
    store_col_text(s, 2, d->path, sizeof d->path);
    store_col_text(s, 3, d->spec, sizeof d->spec);
    store_col_text(s, 4, d->kind, sizeof d->kind);
    store_col_text(s, 5, d->shape, sizeof d->shape);
    d->train = sqlite3_column_int(s, 6);
    d->test = sqlite3_column_int(s, 7);
    store_col_text(s, 8, d->classes, sizeof d->classes);
    d->nclasses = sqlite3_column_int(s, 9);
    d->labelled = sqlite3_column_int(s, 10);
    store_col_text(s, 11, d->sha256, sizeof d->sha256);
    d->rows = sqlite3_column_int64(s, 12);
    d->created = sqlite3_column_double(s, 13);
}

int store_dataset_put(store *st, const store_dataset *d, int replace, ae_err *err)
{
    if (store_writable(st, err)) return -1;
    if (!d->name[0] || !d->spec[0] || !d->sha256[0])
        return ae_fail(err, "dataset: name, spec and SHA-256 are required");
    sqlite3_stmt *s = prepare(st,
                              replace ? "INSERT OR REPLACE INTO datasets(" DATASET_COLS
                                        ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"
                                      : "INSERT INTO datasets(" DATASET_COLS
                                        ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
                              err);
    if (!s) return -1;
    store_bind_text(s, 1, d->name);
    store_bind_text(s, 2, d->format);
    store_bind_text(s, 3, d->path);
    store_bind_text(s, 4, d->spec);
    store_bind_text(s, 5, d->kind);
    store_bind_text(s, 6, d->shape);
    sqlite3_bind_int(s, 7, d->train);
    sqlite3_bind_int(s, 8, d->test);
    store_bind_text(s, 9, d->classes);
    sqlite3_bind_int(s, 10, d->nclasses);
    sqlite3_bind_int(s, 11, d->labelled);
    store_bind_text(s, 12, d->sha256);
    sqlite3_bind_int64(s, 13, d->rows);
    sqlite3_bind_double(s, 14, store_now());
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return ae_fail(err,
                       "a dataset named '%s' is registered already (aetui data rm %s, or "
                       "--force replaces it)",
                       d->name, d->name);
    if (rc != SQLITE_DONE) return store_fail_db(st, err, "registering a dataset");
    return 0;
}

int store_dataset_get(store *st, const char *name, store_dataset *out, ae_err *err)
{
    if (st->version < 5) return 0; /* an older store (read-only) has none */
    sqlite3_stmt *s = prepare(st, "SELECT " DATASET_COLS " FROM datasets WHERE name = ?1", err);
    if (!s) return -1;
    store_bind_text(s, 1, name ? name : "");
    int rc = sqlite3_step(s), found = 0;
    if (rc == SQLITE_ROW) read_row(s, out), found = 1;
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return store_fail_db(st, err, "reading a dataset");
    return found;
}

int store_dataset_list(store *st, store_dataset **out, int *n, ae_err *err)
{
    *out = NULL, *n = 0;
    if (st->version < 5) return 0;
    sqlite3_stmt *s = prepare(st, "SELECT " DATASET_COLS " FROM datasets ORDER BY name", err);
    if (!s) return -1;
    int cap = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            store_dataset *g = realloc(*out, sizeof **out * (size_t)cap);
            if (!g) {
                sqlite3_finalize(s);
                free(*out);
                *out = NULL, *n = 0;
                return ae_fail(err, "out of memory");
            }
            *out = g;
        }
        read_row(s, &(*out)[(*n)++]);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL, *n = 0;
        return store_fail_db(st, err, "listing the datasets");
    }
    return 0;
}

int store_dataset_rm(store *st, const char *name, ae_err *err)
{
    if (store_writable(st, err)) return -1;
    sqlite3_stmt *s = prepare(st, "DELETE FROM datasets WHERE name = ?1", err);
    if (!s) return -1;
    store_bind_text(s, 1, name ? name : "");
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return store_fail_db(st, err, "removing a dataset");
    return sqlite3_changes(st->db) > 0;
}
