/* store_reopen.c: taking a run up again (`aetui train --resume`), so that a resumed run stays
 * one run in the store instead of splitting into a parent and a child.
 *
 * In one transaction: the run must exist and not be running; it becomes 'running' under the
 * calling process (pid, its start time, host) and its end is cleared. Its epochs stay: the
 * epochs the resume redoes, from `from_epoch` on (a stopped run's partial last epoch, or an
 * epoch recorded just before a kill whose files were not written), are replaced one by one
 * when this handle records them again (store_epoch_add), so a resume that fails or is killed
 * before that loses nothing the store held, its time included. store_summary_rebuild makes the
 * summary from the epochs (their seconds and samples add up: an epoch redone from the middle counts
 * the time of its first part too, see trainer.c). */
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "store_int.h"

static int exec1(store *st, const char *sql, int64_t run, int64_t arg, ae_err *err,
                 const char *what)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return store_fail_db(st, err, what);
    sqlite3_bind_int64(s, 1, run);
    if (sqlite3_bind_parameter_count(s) >= 2) sqlite3_bind_int64(s, 2, arg);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : store_fail_db(st, err, what);
}

/* The summary of run ?1 from its epochs: the last, the best (lowest test loss, the earliest of
 * equals) and the totals of seconds and samples. */
static const char summary_sql[] =
    "INSERT INTO summary(run, epochs, best_epoch, best_test_loss, test_mse, test_mae,"
    " train_loss, seconds, samples, samples_per_sec)"
    " SELECT ?1, last.epoch, best.epoch, best.test_loss, last.test_loss,"
    " last.test_mae, last.train_loss, tot.s, tot.n,"
    " CASE WHEN tot.s > 0 AND tot.n > 0 THEN tot.n / tot.s ELSE last.samples_per_sec END"
    " FROM (SELECT * FROM epochs WHERE run = ?1 ORDER BY epoch DESC LIMIT 1) last,"
    " (SELECT * FROM epochs WHERE run = ?1 ORDER BY test_loss, epoch LIMIT 1) best,"
    " (SELECT coalesce(sum(seconds), 0) s,"
    "  coalesce(sum(seconds * coalesce(samples_per_sec, 0)), 0) n"
    "  FROM epochs WHERE run = ?1) tot";

int store_summary_rebuild(store *st, int64_t run, ae_err *err)
{
    if (exec1(st, "DELETE FROM summary WHERE run = ?1", run, 0, err, "rebuilding the summary"))
        return -1;
    return exec1(st, summary_sql, run, 0, err, "rebuilding the summary");
}

int store_run_reopen(store *st, int64_t run, int from_epoch, ae_err *err)
{
    if (store_writable(st, err)) return -1;
    if (store_begin(st, err)) return -1;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT status, uuid FROM runs WHERE id = ?1", -1, &s, NULL) !=
        SQLITE_OK) {
        store_fail_db(st, err, "reading the run");
        goto fail;
    }
    sqlite3_bind_int64(s, 1, run);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(s);
        if (rc == SQLITE_DONE)
            ae_fail(err, "run %lld: no such run", (long long)run);
        else
            store_fail_db(st, err, "reading the run");
        goto fail;
    }
    int running = !strcmp((const char *)sqlite3_column_text(s, 0), "running");
    char uuid[40];
    store_col_text(s, 1, uuid, sizeof uuid);
    sqlite3_finalize(s);
    if (running) {
        ae_fail(err, "run %lld is running; it can be resumed once it has stopped", (long long)run);
        goto fail;
    }
    char host[128] = "";
    gethostname(host, sizeof host - 1);
    if (sqlite3_prepare_v2(st->db,
                           "UPDATE runs SET status = 'running', message = '', finished = NULL,"
                           " pid = ?2, pid_start = ?3, host = ?4 WHERE id = ?1",
                           -1, &s, NULL) != SQLITE_OK) {
        store_fail_db(st, err, "reopening the run");
        goto fail;
    }
    sqlite3_bind_int64(s, 1, run);
    sqlite3_bind_int64(s, 2, (int64_t)getpid());
    sqlite3_bind_int64(s, 3, store_proc_start((int64_t)getpid()));
    sqlite3_bind_text(s, 4, host, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        store_fail_db(st, err, "reopening the run");
        goto fail;
    }
    if (store_commit(st, err)) return -1;
    store_mine_add(st, run, uuid);
    for (int i = 0; i < st->nmine; i++)
        if (st->mine[i].id == run) st->mine[i].redo_from = from_epoch > 1 ? from_epoch : 1;
    return 0;
fail:
    store_rollback(st);
    return -1;
}
