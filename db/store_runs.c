/* store_runs.c: writing and reading runs, parameters, epochs, summaries, tags and artifacts
 * (see store.h).
 *
 * The idea: every write that belongs together is one transaction (a run and its parameters;
 * an epoch, its batch losses and the summary; a run's end and its final numbers), so that a
 * reader or a crash never sees half of one. Every statement comes from the handle's cache of
 * prepared statements; values are always bound, never spliced into SQL. The one dynamic part,
 * the ORDER BY of a listing, is picked from a fixed table of column expressions. */
#include "store_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const statuses[] = {"running", "finished",    "stopped", "diverged",
                                       "failed",  "interrupted", NULL};

int store_status_valid(const char *status)
{
    for (int i = 0; status && statuses[i]; i++)
        if (!strcmp(status, statuses[i])) return 1;
    return 0;
}

static int step_done(store *st, sqlite3_stmt *s, ae_err *err, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return store_fail_db(st, err, what);
    return 0;
}

static void bind_num(sqlite3_stmt *s, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

int store_run_exists(store *st, int64_t run, ae_err *err)
{
    sqlite3_stmt *s = store_stmt(st, SQ_RUN_EXISTS, err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, run);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    return store_fail_db(st, err, "looking up a run");
}

/* 0 when the run exists, else -1 with "run N: no such run". A run this handle began or took
 * up again must still have its UUID: after the WAL file was deleted under a training process,
 * its run may be gone from the store, or its id given to another process's run. */
static int need_run(store *st, int64_t run, ae_err *err)
{
    const char *want = NULL;
    for (int i = 0; i < st->nmine; i++)
        if (st->mine[i].id == run) want = st->mine[i].uuid;
    sqlite3_stmt *s = store_stmt(st, SQ_RUN_UUID, err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, run);
    int rc = sqlite3_step(s);
    char have[40] = "";
    if (rc == SQLITE_ROW) store_col_text(s, 0, have, sizeof have);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return store_fail_db(st, err, "looking up a run");
    if (want && (rc == SQLITE_DONE || strcmp(have, want)))
        return ae_fail(err,
                       "run %lld (%s) is no longer in %s%s: its records were lost (was the "
                       "store's WAL file deleted while it trained?); nothing more is recorded",
                       (long long)run, want, st->path,
                       rc == SQLITE_ROW ? ", and its id names another run now" : "");
    if (rc == SQLITE_DONE) return ae_fail(err, "run %lld: no such run", (long long)run);
    return 0;
}

/* The next run id: above every id given so far and every run directory that exists, so that
 * a run never inherits another's files. */
int store_next_run_id(store *st, int64_t *id, ae_err *err)
{
    sqlite3_stmt *s = store_stmt(st, SQ_NEXT_ID, err);
    if (!s) return -1;
    int rc = sqlite3_step(s);
    int64_t last = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW) return store_fail_db(st, err, "choosing a run id");
    for (int tries = 0; tries < 100000; tries++) {
        char dir[4200];
        struct stat sb;
        if (store_run_dir(st, ++last, dir, sizeof dir, err)) return -1;
        if (lstat(dir, &sb) != 0 && errno == ENOENT) {
            *id = last;
            return 0;
        }
    }
    return ae_fail(err, "%s: no free run id below %lld (the runs directory %s is full)", st->path,
                   (long long)last, st->runs_dir);
}

/* ---- writing ------------------------------------------------------------------------- */

int store_run_begin(store *st, const store_run *r, const store_param *params, int nparams,
                    int64_t *id, ae_err *err)
{
    if (store_writable(st, err)) return -1;
    const char *status = r->status[0] ? r->status : "running";
    if (!store_status_valid(status)) return ae_fail(err, "status '%s': not a status", status);
    if (!r->model[0]) return ae_fail(err, "a run needs a model name");
    char uuid[37];
    if (r->uuid[0] && strlen(r->uuid) != 36)
        return ae_fail(err, "run UUID '%.40s' malformed", r->uuid);
    if (r->uuid[0])
        snprintf(uuid, sizeof uuid, "%s", r->uuid);
    else
        store_uuid_new(uuid);
    if (store_begin(st, err)) return -1;
    int64_t rid;
    if (store_next_run_id(st, &rid, err)) goto fail;
    sqlite3_stmt *s = store_stmt(st, SQ_RUN_INSERT, err);
    if (!s) goto fail;
    double now = store_now();
    if (r->parent > 0) sqlite3_bind_int64(s, 1, r->parent);
    store_bind_text(s, 2, r->name);
    store_bind_text(s, 3, r->model);
    store_bind_text(s, 4, r->dataset);
    store_bind_text(s, 5, status);
    store_bind_text(s, 6, r->message);
    sqlite3_bind_double(s, 7, r->created > 0 ? r->created : now);
    sqlite3_bind_double(s, 8, r->started > 0 ? r->started : now);
    if (r->pid > 0) sqlite3_bind_int64(s, 9, r->pid);
    if (r->pid_start > 0) sqlite3_bind_int64(s, 10, r->pid_start);
    store_bind_text(s, 11, r->host);
    store_bind_text(s, 12, r->version);
    store_bind_text(s, 13, r->blas_core);
    if (r->threads > 0) sqlite3_bind_int(s, 14, r->threads);
    sqlite3_bind_int64(s, 15, (int64_t)r->seed); /* uint64 kept bit for bit */
    store_bind_text(s, 16, r->data_sha256);
    store_bind_text(s, 17, r->checkpoint);
    store_bind_text(s, 18, r->notes);
    sqlite3_bind_int64(s, 19, rid);
    store_bind_text(s, 20, uuid);
    if (step_done(st, s, err, "recording a run")) goto fail;
    for (int i = 0; i < nparams; i++) {
        const store_param *p = &params[i];
        if (!p->is_text && !isfinite(p->num)) {
            ae_fail(err, "parameter %s: not a finite number", p->name);
            goto fail;
        }
        sqlite3_stmt *ps = store_stmt(st, SQ_PARAM_INSERT, err);
        if (!ps) goto fail;
        sqlite3_bind_int64(ps, 1, rid);
        store_bind_text(ps, 2, p->name);
        if (p->is_text)
            store_bind_text(ps, 4, p->text);
        else
            sqlite3_bind_double(ps, 3, p->num);
        if (step_done(st, ps, err, "recording a parameter")) goto fail;
    }
    if (store_commit(st, err)) return -1;
    *id = rid;
    store_mine_add(st, rid, uuid);
    return 0;
fail:
    store_rollback(st);
    return -1;
}

int store_epoch_add(store *st, int64_t run, const store_epoch *ep, const float *losses, int nb,
                    ae_err *err)
{
    if (store_writable(st, err)) return -1;
    const double m[] = {ep->train_loss, ep->train_mae, ep->test_loss, ep->test_mae};
    const char *mname[] = {"train loss", "train MAE", "test loss", "test MAE"};
    for (int i = 0; i < 4; i++)
        if (!isfinite(m[i]))
            return ae_fail(err, "run %lld epoch %d: %s is %g; not stored", (long long)run,
                           ep->epoch, mname[i], m[i]);
    if (ep->epoch < 1) return ae_fail(err, "epoch %d: epochs count from 1", ep->epoch);
    if (nb < 0 || (nb > 0 && !losses)) return ae_fail(err, "epoch %d: bad batch losses", ep->epoch);
    for (int i = 0; i < nb; i++)
        if (!isfinite(losses[i]))
            return ae_fail(err, "run %lld epoch %d: batch %d loss is %g; not stored",
                           (long long)run, ep->epoch, i + 1, losses[i]);
    unsigned char *blob = NULL;
    long blen = 0;
    if (nb > 0) {
        size_t cap = store_pack_bound(nb);
        if (!(blob = malloc(cap))) return ae_fail(err, "out of memory");
        blen = store_pack_losses(losses, nb, blob, cap);
    }
    if (store_begin(st, err)) {
        free(blob);
        return -1;
    }
    if (need_run(st, run, err)) goto fail;
    /* a resume redoing this epoch: its old row (partial, or recorded before a kill that left
     * its files unwritten) goes now, in the transaction that brings the new one */
    int redo_from = 0, replaced = 0;
    for (int i = 0; i < st->nmine; i++)
        if (st->mine[i].id == run) redo_from = st->mine[i].redo_from;
    if (redo_from > 0 && ep->epoch >= redo_from) {
        sqlite3_stmt *d = store_stmt(st, SQ_EPOCHS_FROM_DELETE, err);
        if (!d) goto fail;
        sqlite3_bind_int64(d, 1, run);
        sqlite3_bind_int(d, 2, ep->epoch);
        if (step_done(st, d, err, "replacing an epoch")) goto fail;
        replaced = sqlite3_changes(st->db) > 0;
    }
    sqlite3_stmt *s = store_stmt(st, SQ_EPOCH_INSERT, err);
    if (!s) goto fail;
    sqlite3_bind_int64(s, 1, run);
    sqlite3_bind_int(s, 2, ep->epoch);
    bind_num(s, 3, ep->train_loss);
    bind_num(s, 4, ep->train_mae);
    bind_num(s, 5, ep->test_loss);
    bind_num(s, 6, ep->test_mae);
    bind_num(s, 7, ep->seconds);
    bind_num(s, 8, ep->samples_per_sec);
    bind_num(s, 9, ep->lr);
    sqlite3_bind_int(s, 10, nb);
    if (blob) sqlite3_bind_blob(s, 11, blob, (int)blen, SQLITE_STATIC);
    if (step_done(st, s, err, "recording an epoch")) goto fail;
    if (replaced) {
        if (store_summary_rebuild(st, run, err)) goto fail;
        free(blob);
        return store_commit(st, err);
    }
    sqlite3_stmt *u = store_stmt(st, SQ_SUMMARY_UPSERT, err);
    if (!u) goto fail;
    sqlite3_bind_int64(u, 1, run);
    sqlite3_bind_int(u, 2, ep->epoch);
    bind_num(u, 3, ep->test_loss);
    bind_num(u, 4, ep->test_mae);
    bind_num(u, 5, ep->train_loss);
    double secs = isfinite(ep->seconds) && ep->seconds > 0 ? ep->seconds : 0;
    double sps = isfinite(ep->samples_per_sec) && ep->samples_per_sec > 0 ? ep->samples_per_sec : 0;
    sqlite3_bind_double(u, 6, secs);
    bind_num(u, 7, ep->samples_per_sec);
    sqlite3_bind_double(u, 8, secs * sps); /* the epoch's samples */
    if (step_done(st, u, err, "updating the summary")) goto fail;
    free(blob);
    return store_commit(st, err);
fail:
    store_rollback(st);
    free(blob);
    return -1;
}

int store_run_end(store *st, int64_t run, const char *status, const char *message, ae_err *err)
{
    if (store_writable(st, err)) return -1;
    if (!store_status_valid(status) || !strcmp(status, "running"))
        return ae_fail(err, "status '%s': not an end status", status ? status : "");
    if (store_begin(st, err)) return -1;
    if (need_run(st, run, err)) goto fail;
    sqlite3_stmt *s = store_stmt(st, SQ_RUN_END, err);
    if (!s) goto fail;
    sqlite3_bind_int64(s, 1, run);
    store_bind_text(s, 2, status);
    store_bind_text(s, 3, message ? message : "");
    sqlite3_bind_double(s, 4, store_now());
    if (step_done(st, s, err, "ending a run")) goto fail;
    return store_commit(st, err);
fail:
    store_rollback(st);
    return -1;
}

/* One UPDATE/DELETE of a run by id with an optional text; fails on an unknown run. */
static int run_update(store *st, int sq, int64_t run, const char *text, const char *what,
                      ae_err *err)
{
    if (store_writable(st, err)) return -1;
    for (int i = 0; i < st->nmine; i++)
        if (st->mine[i].id == run && need_run(st, run, err)) return -1;
    sqlite3_stmt *s = store_stmt(st, sq, err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, run);
    if (text) store_bind_text(s, 2, text);
    if (step_done(st, s, err, what)) return -1;
    if (sqlite3_changes(st->db) == 0) return ae_fail(err, "run %lld: no such run", (long long)run);
    return 0;
}

int store_run_set_checkpoint(store *st, int64_t run, const char *path, ae_err *err)
{
    return run_update(st, SQ_RUN_CHECKPOINT, run, path ? path : "", "setting the checkpoint", err);
}

int store_run_set_name(store *st, int64_t run, const char *name, ae_err *err)
{
    return run_update(st, SQ_RUN_NAME, run, name ? name : "", "naming a run", err);
}

int store_run_set_notes(store *st, int64_t run, const char *notes, ae_err *err)
{
    if (notes && strlen(notes) > STORE_NOTE_MAX)
        return ae_fail(err, "note too long (%zu bytes, at most %d)", strlen(notes), STORE_NOTE_MAX);
    return run_update(st, SQ_RUN_NOTES, run, notes ? notes : "", "setting the notes", err);
}

int store_run_delete(store *st, int64_t run, ae_err *err)
{
    return run_update(st, SQ_RUN_DELETE, run, NULL, "deleting a run", err);
}

static int tag_change(store *st, int sq, int64_t run, const char *tag, ae_err *err)
{
    if (store_writable(st, err)) return -1;
    size_t len = tag ? strlen(tag) : 0;
    if (len == 0) return ae_fail(err, "empty tag");
    if (len > STORE_TAG_MAX)
        return ae_fail(err, "tag too long (%zu bytes, at most %d)", len, STORE_TAG_MAX);
    if (strchr(tag, ',')) return ae_fail(err, "a tag may not contain a comma");
    if (need_run(st, run, err)) return -1;
    sqlite3_stmt *s = store_stmt(st, sq, err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, run);
    store_bind_text(s, 2, tag);
    return step_done(st, s, err, "changing tags");
}

int store_tag_add(store *st, int64_t run, const char *tag, ae_err *err)
{
    return tag_change(st, SQ_TAG_ADD, run, tag, err);
}

int store_tag_remove(store *st, int64_t run, const char *tag, ae_err *err)
{
    return tag_change(st, SQ_TAG_REMOVE, run, tag, err);
}

static int artifact_put(store *st, int64_t run, const char *name, const char *dtype, int rows,
                        int cols, const void *data, size_t len, ae_err *err)
{
    if (len > 1000000000) return ae_fail(err, "artifact %s: too large", name);
    sqlite3_stmt *s = store_stmt(st, SQ_ARTIFACT_PUT, err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, run);
    store_bind_text(s, 2, name);
    store_bind_text(s, 3, dtype);
    sqlite3_bind_int(s, 4, rows);
    sqlite3_bind_int(s, 5, cols);
    sqlite3_bind_blob(s, 6, len ? data : "", (int)len, SQLITE_STATIC);
    sqlite3_bind_double(s, 7, store_now());
    return step_done(st, s, err, "storing an artifact");
}

int store_artifact_put(store *st, int64_t run, const char *name, const char *dtype, int rows,
                       int cols, const void *data, size_t len, ae_err *err)
{
    if (store_writable(st, err) || need_run(st, run, err)) return -1;
    return artifact_put(st, run, name, dtype, rows, cols, data, len, err);
}

int store_artifact_get(store *st, int64_t run, const char *name, char dtype[16], int *rows,
                       int *cols, void **data, size_t *len, ae_err *err)
{
    *data = NULL, *len = 0, *rows = *cols = 0, dtype[0] = 0;
    sqlite3_stmt *s = store_stmt(st, SQ_ARTIFACT_GET, err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, run);
    store_bind_text(s, 2, name);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return 0;
    if (rc != SQLITE_ROW) return store_fail_db(st, err, "reading an artifact");
    store_col_text(s, 0, dtype, 16);
    *rows = sqlite3_column_int(s, 1);
    *cols = sqlite3_column_int(s, 2);
    const void *b = sqlite3_column_blob(s, 3);
    size_t n = (size_t)sqlite3_column_bytes(s, 3);
    *data = malloc(n ? n : 1);
    if (!*data) {
        sqlite3_reset(s);
        return ae_fail(err, "out of memory");
    }
    if (n) memcpy(*data, b, n);
    *len = n;
    sqlite3_reset(s);
    return 0;
}

static int little_endian(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

static void swap32(void *p, size_t n)
{
    uint8_t *b = p;
    for (size_t i = 0; i < n; i++, b += 4) {
        uint8_t t = b[0];
        b[0] = b[3], b[3] = t, t = b[1], b[1] = b[2], b[2] = t;
    }
}

int store_latents_put(store *st, int64_t run, const float *latents, const uint8_t *labels, int n,
                      int latent, ae_err *err)
{
    if (store_writable(st, err)) return -1;
    if (n <= 0 || latent <= 0 || !latents || !labels)
        return ae_fail(err, "run %lld: no latent vectors to store", (long long)run);
    size_t cnt = (size_t)n * (size_t)latent;
    for (size_t i = 0; i < cnt; i++)
        if (!isfinite(latents[i]))
            return ae_fail(err, "run %lld: latent vectors hold a non-finite value; not stored",
                           (long long)run);
    float *tmp = NULL;
    const float *lat = latents;
    if (!little_endian()) {
        if (!(tmp = malloc(cnt * 4))) return ae_fail(err, "out of memory");
        memcpy(tmp, latents, cnt * 4);
        swap32(tmp, cnt);
        lat = tmp;
    }
    int rc = -1;
    if (store_begin(st, err) == 0) {
        if (need_run(st, run, err) == 0 &&
            artifact_put(st, run, "test_latents", "f32", n, latent, lat, cnt * 4, err) == 0 &&
            artifact_put(st, run, "test_labels", "u8", n, 1, labels, (size_t)n, err) == 0)
            rc = store_commit(st, err);
        else
            store_rollback(st);
    }
    free(tmp);
    return rc;
}

int store_latents_get(store *st, int64_t run, float **latents, uint8_t **labels, int *n,
                      int *latent, ae_err *err)
{
    *latents = NULL, *labels = NULL, *n = *latent = 0;
    char dt1[16], dt2[16];
    int r1, c1, r2, c2;
    void *a = NULL, *b = NULL;
    size_t la, lb;
    if (store_artifact_get(st, run, "test_latents", dt1, &r1, &c1, &a, &la, err)) return -1;
    if (store_artifact_get(st, run, "test_labels", dt2, &r2, &c2, &b, &lb, err)) {
        free(a);
        return -1;
    }
    if (!a || !b) {
        free(a), free(b);
        return 0;
    }
    if (strcmp(dt1, "f32") || strcmp(dt2, "u8") || r1 <= 0 || c1 <= 0 || r1 != r2 ||
        la != (size_t)r1 * (size_t)c1 * 4 || lb != (size_t)r2) {
        free(a), free(b);
        return ae_fail(err, "%s: run %lld: latent vectors malformed", st->path, (long long)run);
    }
    if (!little_endian()) swap32(a, la / 4);
    *latents = a, *labels = b, *n = r1, *latent = c1;
    return 0;
}

/* ---- reading ------------------------------------------------------------------------- */

static void read_run(sqlite3_stmt *s, int c, store_run *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(s, c + 0);
    r->parent = sqlite3_column_int64(s, c + 1);
    store_col_text(s, c + 2, r->name, sizeof r->name);
    store_col_text(s, c + 3, r->model, sizeof r->model);
    store_col_text(s, c + 4, r->dataset, sizeof r->dataset);
    store_col_text(s, c + 5, r->status, sizeof r->status);
    store_col_text(s, c + 6, r->message, sizeof r->message);
    r->created = sqlite3_column_double(s, c + 7);
    r->started = sqlite3_column_double(s, c + 8);
    r->finished = sqlite3_column_double(s, c + 9);
    r->pid = sqlite3_column_int64(s, c + 10);
    r->pid_start = sqlite3_column_int64(s, c + 11);
    store_col_text(s, c + 12, r->host, sizeof r->host);
    store_col_text(s, c + 13, r->version, sizeof r->version);
    store_col_text(s, c + 14, r->blas_core, sizeof r->blas_core);
    r->threads = sqlite3_column_int(s, c + 15);
    r->seed = (uint64_t)sqlite3_column_int64(s, c + 16);
    store_col_text(s, c + 17, r->data_sha256, sizeof r->data_sha256);
    store_col_text(s, c + 18, r->checkpoint, sizeof r->checkpoint);
    store_col_text(s, c + 19, r->notes, sizeof r->notes);
    store_col_text(s, c + 20, r->uuid, sizeof r->uuid);
}

static void read_summary(sqlite3_stmt *s, int c, store_summary *m)
{
    m->has = sqlite3_column_type(s, c) != SQLITE_NULL;
    m->epochs = sqlite3_column_int(s, c);
    m->best_epoch = sqlite3_column_int(s, c + 1);
    m->best_test_loss = store_col_num(s, c + 2);
    m->test_mse = store_col_num(s, c + 3);
    m->test_mae = store_col_num(s, c + 4);
    m->train_loss = store_col_num(s, c + 5);
    m->seconds = store_col_num(s, c + 6);
    m->samples_per_sec = store_col_num(s, c + 7);
}

int store_run_get(store *st, int64_t run, store_run *out, ae_err *err)
{
    sqlite3_stmt *s = store_stmt(st, SQ_RUN_GET, err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, run);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) read_run(s, 0, out);
    sqlite3_reset(s);
    if (rc == SQLITE_DONE) return ae_fail(err, "run %lld: no such run", (long long)run);
    if (rc != SQLITE_ROW) return store_fail_db(st, err, "reading a run");
    return 0;
}

int store_run_find_uuid(store *st, const char *uuid, int64_t *id, ae_err *err)
{
    *id = 0;
    sqlite3_stmt *s = store_stmt(st, SQ_RUN_BY_UUID, err);
    if (!s) return -1;
    store_bind_text(s, 1, uuid ? uuid : "");
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) *id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    return store_fail_db(st, err, "looking up a run by UUID");
}

int store_summary_get(store *st, int64_t run, store_summary *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    out->best_test_loss = out->test_mse = out->test_mae = out->train_loss = NAN;
    out->seconds = out->samples_per_sec = NAN;
    sqlite3_stmt *s = store_stmt(st, SQ_SUMMARY_GET, err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, run);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) read_summary(s, 0, out);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return store_fail_db(st, err, "reading a summary");
    return 0;
}

/* Grows *arr (of elem-byte items) to hold at least n+1; -1 when out of memory. */
static int grow(void **arr, int n, int *cap, size_t elem)
{
    if (n < *cap) return 0;
    int nc = *cap ? *cap * 2 : 16;
    void *p = realloc(*arr, (size_t)nc * elem);
    if (!p) return -1;
    *arr = p, *cap = nc;
    return 0;
}

int store_params_get(store *st, int64_t run, store_param **out, int *n, ae_err *err)
{
    *out = NULL, *n = 0;
    sqlite3_stmt *s = store_stmt(st, SQ_PARAMS_GET, err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, run);
    store_param *a = NULL;
    int cnt = 0, cap = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (grow((void **)&a, cnt, &cap, sizeof *a)) break;
        store_param *p = &a[cnt++];
        memset(p, 0, sizeof *p);
        store_col_text(s, 0, p->name, sizeof p->name);
        p->is_text = sqlite3_column_type(s, 2) != SQLITE_NULL;
        if (p->is_text)
            store_col_text(s, 2, p->text, sizeof p->text);
        else
            p->num = sqlite3_column_double(s, 1);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        free(a);
        return rc == SQLITE_ROW ? ae_fail(err, "out of memory")
                                : store_fail_db(st, err, "reading parameters");
    }
    *out = a, *n = cnt;
    return 0;
}

int store_epochs_get(store *st, int64_t run, store_epoch **out, int *n, ae_err *err)
{
    *out = NULL, *n = 0;
    sqlite3_stmt *s = store_stmt(st, SQ_EPOCHS_GET, err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, run);
    store_epoch *a = NULL;
    int cnt = 0, cap = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (grow((void **)&a, cnt, &cap, sizeof *a)) break;
        store_epoch *e = &a[cnt++];
        e->epoch = sqlite3_column_int(s, 0);
        e->train_loss = store_col_num(s, 1);
        e->train_mae = store_col_num(s, 2);
        e->test_loss = store_col_num(s, 3);
        e->test_mae = store_col_num(s, 4);
        e->seconds = store_col_num(s, 5);
        e->samples_per_sec = store_col_num(s, 6);
        e->lr = store_col_num(s, 7);
        e->nbatches = sqlite3_column_int(s, 8);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        free(a);
        return rc == SQLITE_ROW ? ae_fail(err, "out of memory")
                                : store_fail_db(st, err, "reading epochs");
    }
    *out = a, *n = cnt;
    return 0;
}

int store_batch_losses_get(store *st, int64_t run, int epoch, float **out, int *n, ae_err *err)
{
    *out = NULL, *n = 0;
    sqlite3_stmt *s = store_stmt(st, SQ_LOSSES_GET, err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, run);
    sqlite3_bind_int(s, 2, epoch);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return 0;
    if (rc != SQLITE_ROW) return store_fail_db(st, err, "reading batch losses");
    int nb = sqlite3_column_int(s, 0);
    const unsigned char *b = sqlite3_column_blob(s, 1);
    size_t len = (size_t)sqlite3_column_bytes(s, 1);
    int ret = 0;
    if (nb > 0 && b) {
        float *v = malloc((size_t)nb * sizeof *v);
        if (!v)
            ret = ae_fail(err, "out of memory");
        else if (store_unpack_losses(b, len, v, nb)) {
            free(v);
            ret = ae_fail(err, "%s: run %lld epoch %d: batch losses malformed", st->path,
                          (long long)run, epoch);
        } else {
            *out = v, *n = nb;
        }
    }
    sqlite3_reset(s);
    return ret;
}

int store_tags_get(store *st, int64_t run, char (**out)[STORE_TAG_MAX + 1], int *n, ae_err *err)
{
    *out = NULL, *n = 0;
    sqlite3_stmt *s = store_stmt(st, SQ_TAGS_GET, err);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, run);
    char(*a)[STORE_TAG_MAX + 1] = NULL;
    int cnt = 0, cap = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (grow((void **)&a, cnt, &cap, sizeof *a)) break;
        store_col_text(s, 0, a[cnt++], sizeof *a);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        free(a);
        return rc == SQLITE_ROW ? ae_fail(err, "out of memory")
                                : store_fail_db(st, err, "reading tags");
    }
    *out = a, *n = cnt;
    return 0;
}

/* ---- listing ------------------------------------------------------------------------- */

/* The ROC-AUC of the run's autoencoder on its test split (aetui score), the latest metric */
#define RUN_AUC                                                                                    \
    "(SELECT sc.roc_auc FROM scores sc WHERE sc.run = r.id AND sc.method = 'ae'"                   \
    " AND sc.split = 'test' ORDER BY sc.created DESC LIMIT 1)"

/* Sort columns and the SQL expression each sorts by (NULLs last in either direction). */
static const struct {
    const char *name, *expr;
} sort_cols[] = {
    {"id", "r.id"},         {"created", "r.created"},     {"name", "r.name"},
    {"model", "r.model"},   {"dataset", "r.dataset"},     {"status", "r.status"},
    {"epochs", "s.epochs"}, {"best", "s.best_test_loss"}, {"mse", "s.test_mse"},
    {"mae", "s.test_mae"},  {"seconds", "s.seconds"},     {"auc", RUN_AUC},
};
enum { NSORT = sizeof sort_cols / sizeof sort_cols[0] };

const char *const store_sort_columns[] = {"id",      "created", "name", "model", "dataset",
                                          "status",  "epochs",  "best", "mse",   "mae",
                                          "seconds", "auc",     NULL};

int store_runs_list(store *st, const store_filter *f, store_row **out, int *n, ae_err *err)
{
    *out = NULL, *n = 0;
    const char *sort = f->sort && *f->sort ? f->sort : "-id";
    int desc = sort[0] == '-';
    if (desc) sort++;
    const char *expr = NULL;
    int by_param = 0;
    for (int i = 0; i < NSORT; i++)
        if (!strcmp(sort, sort_cols[i].name)) expr = sort_cols[i].expr;
    if (!expr) {
        sqlite3_stmt *k = store_stmt(st, SQ_PARAM_KNOWN, err);
        if (!k) return -1;
        store_bind_text(k, 1, sort);
        int rc = sqlite3_step(k);
        sqlite3_reset(k);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return store_fail_db(st, err, "reading parameters");
        if (rc != SQLITE_ROW) {
            char cols[256] = "";
            for (int i = 0; i < NSORT; i++)
                snprintf(cols + strlen(cols), sizeof cols - strlen(cols), "%s%s", i ? ", " : "",
                         sort_cols[i].name);
            return ae_fail(err,
                           "unknown sort column '%s' (columns: %s, or a hyperparameter that a "
                           "run has, such as lr)",
                           sort, cols);
        }
        by_param = 1;
        expr = "p.num IS NULL AND p.txt IS NULL, p.num, p.txt";
    }
    char sql[4096];
    const char *dir = desc ? "DESC" : "ASC";
    /* the order key: NULLs last, then the value, then id as a tiebreak in the same direction */
    char order[1024];
    if (by_param)
        snprintf(order, sizeof order,
                 "(p.num IS NULL AND p.txt IS NULL), p.num %s, p.txt %s, r.id %s", dir, dir, dir);
    else
        snprintf(order, sizeof order, "(%s IS NULL), %s %s, r.id %s", expr, expr, dir, dir);
    snprintf(sql, sizeof sql,
             "SELECT r.id, r.parent, r.name, r.model, r.dataset, r.status, r.message, r.created,"
             " r.finished, s.epochs, s.best_epoch, s.best_test_loss, s.test_mse,"
             " s.test_mae, s.train_loss, s.seconds, s.samples_per_sec,"
             " (SELECT group_concat(tag, ',') FROM (SELECT tag FROM tags t WHERE t.run = r.id"
             "  ORDER BY tag)), %s, r.host, " RUN_AUC ","
             " (SELECT m.sweep FROM sweep_members m WHERE m.run = r.id LIMIT 1)"
             " FROM runs r LEFT JOIN summary s ON s.run = r.id %s"
             " WHERE (?1 IS NULL OR r.model = ?1) AND (?2 IS NULL OR r.status = ?2)"
             " AND (?3 IS NULL OR EXISTS (SELECT 1 FROM tags t WHERE t.run = r.id AND t.tag = ?3))"
             " AND (?6 IS NULL OR EXISTS (SELECT 1 FROM sweep_members m WHERE m.run = r.id"
             "  AND m.sweep = ?6))"
             " ORDER BY %s LIMIT ?5",
             by_param ? "p.num, p.txt" : "NULL, NULL",
             by_param ? "LEFT JOIN params p ON p.run = r.id AND p.name = ?4" : "", order);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return store_fail_db(st, err, "listing runs");
    store_bind_text(s, 1, f->model);
    store_bind_text(s, 2, f->status);
    store_bind_text(s, 3, f->tag);
    if (by_param) store_bind_text(s, 4, sort);
    sqlite3_bind_int64(s, 5, f->limit > 0 ? f->limit : -1);
    if (f->sweep > 0) sqlite3_bind_int64(s, 6, f->sweep);
    store_row *a = NULL;
    int cnt = 0, cap = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (grow((void **)&a, cnt, &cap, sizeof *a)) break;
        store_row *row = &a[cnt++];
        row->id = sqlite3_column_int64(s, 0);
        row->parent = sqlite3_column_int64(s, 1);
        store_col_text(s, 2, row->name, sizeof row->name);
        store_col_text(s, 3, row->model, sizeof row->model);
        store_col_text(s, 4, row->dataset, sizeof row->dataset);
        store_col_text(s, 5, row->status, sizeof row->status);
        store_col_text(s, 6, row->message, sizeof row->message);
        row->created = sqlite3_column_double(s, 7);
        row->finished = sqlite3_column_double(s, 8);
        read_summary(s, 9, &row->sum);
        store_col_text(s, 17, row->tags, sizeof row->tags);
        row->sort_num = store_col_num(s, 18);
        row->sort_is_text = sqlite3_column_type(s, 19) != SQLITE_NULL;
        store_col_text(s, 19, row->sort_text, sizeof row->sort_text);
        store_col_text(s, 20, row->host, sizeof row->host);
        row->roc_auc = store_col_num(s, 21);
        row->sweep = sqlite3_column_int64(s, 22);
    }
    if (rc != SQLITE_DONE) {
        free(a);
        if (rc == SQLITE_ROW) {
            sqlite3_finalize(s);
            return ae_fail(err, "out of memory");
        }
        store_fail_db(st, err, "listing runs");
        sqlite3_finalize(s);
        return -1;
    }
    sqlite3_finalize(s);
    *out = a, *n = cnt;
    return 0;
}
