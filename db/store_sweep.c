/* store_sweep.c: sweeps and their members (schema 6; see store.h).
 *
 * The idea: a sweep's record holds everything needed to run it again or finish it (its grid,
 * the shared options, every member's own options, where its shards are), so that `sweep
 * --resume` and `sweep status` need nothing but the store; a member points at its run by id
 * and by UUID, the UUID being what an import matches when the run comes from a shard. The
 * statements are few and rare (once per sweep or member), so they are prepared where used. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SWEEP_COLS                                                                                 \
    "w.id, w.uuid, w.name, w.created, w.grid, w.base, w.scheduler, w.dir, w.job,"                  \
    " (SELECT count(*) FROM sweep_members m WHERE m.sweep = w.id),"                                \
    " (SELECT count(*) FROM sweep_members m JOIN runs r ON r.id = m.run"                           \
    "  WHERE m.sweep = w.id AND r.status = 'finished')"

static void read_sweep(sqlite3_stmt *s, store_sweep *w)
{
    memset(w, 0, sizeof *w);
    w->id = sqlite3_column_int64(s, 0);
    store_col_text(s, 1, w->uuid, sizeof w->uuid);
    store_col_text(s, 2, w->name, sizeof w->name);
    w->created = sqlite3_column_double(s, 3);
    store_col_text(s, 4, w->grid, sizeof w->grid);
    store_col_text(s, 5, w->base, sizeof w->base);
    store_col_text(s, 6, w->scheduler, sizeof w->scheduler);
    store_col_text(s, 7, w->dir, sizeof w->dir);
    store_col_text(s, 8, w->job, sizeof w->job);
    w->members = sqlite3_column_int(s, 9);
    w->done = sqlite3_column_int(s, 10);
}

static int prep(store *st, const char *sql, sqlite3_stmt **s, ae_err *err)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK)
        return store_fail_db(st, err, "preparing a sweep statement");
    return 0;
}

int store_sweep_add(store *st, store_sweep *sw, const store_sweep_member *m, int n, ae_err *err)
{
    if (store_writable(st, err)) return -1;
    if (!sw->uuid[0]) store_uuid_new(sw->uuid);
    if (strlen(sw->uuid) != 36) return ae_fail(err, "sweep UUID '%.40s' malformed", sw->uuid);
    if (strcmp(sw->scheduler, "local") && strcmp(sw->scheduler, "slurm"))
        return ae_fail(err, "sweep scheduler '%s': local or slurm", sw->scheduler);
    sqlite3_stmt *a = NULL, *b = NULL;
    if (store_begin(st, err)) return -1;
    if (prep(st,
             "INSERT INTO sweeps(uuid, name, created, grid, base, scheduler, dir, job)"
             " VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
             &a, err) ||
        prep(st,
             "INSERT INTO sweep_members(sweep, member, key, args, run, run_uuid)"
             " VALUES(?1,?2,?3,?4,?5,?6)",
             &b, err))
        goto fail;
    store_bind_text(a, 1, sw->uuid);
    store_bind_text(a, 2, sw->name);
    sqlite3_bind_double(a, 3, sw->created > 0 ? sw->created : store_now());
    store_bind_text(a, 4, sw->grid);
    store_bind_text(a, 5, sw->base);
    store_bind_text(a, 6, sw->scheduler);
    store_bind_text(a, 7, sw->dir);
    store_bind_text(a, 8, sw->job);
    if (sqlite3_step(a) != SQLITE_DONE) {
        store_fail_db(st, err, "adding a sweep");
        goto fail;
    }
    sw->id = sqlite3_last_insert_rowid(st->db);
    for (int i = 0; i < n; i++) {
        sqlite3_reset(b);
        sqlite3_bind_int64(b, 1, sw->id);
        sqlite3_bind_int(b, 2, m[i].member);
        store_bind_text(b, 3, m[i].key);
        store_bind_text(b, 4, m[i].args);
        if (m[i].run > 0)
            sqlite3_bind_int64(b, 5, m[i].run);
        else
            sqlite3_bind_null(b, 5);
        store_bind_text(b, 6, m[i].run_uuid);
        if (sqlite3_step(b) != SQLITE_DONE) {
            store_fail_db(st, err, "adding a sweep's member");
            goto fail;
        }
    }
    sqlite3_finalize(a);
    sqlite3_finalize(b);
    return store_commit(st, err);
fail:
    sqlite3_finalize(a);
    sqlite3_finalize(b);
    store_rollback(st);
    return -1;
}

int store_sweep_get(store *st, int64_t id, store_sweep *out, ae_err *err)
{
    sqlite3_stmt *s;
    if (prep(st, "SELECT " SWEEP_COLS " FROM sweeps w WHERE w.id = ?1", &s, err)) return -1;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) read_sweep(s, out);
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE) return ae_fail(err, "sweep %lld: no such sweep", (long long)id);
    if (rc != SQLITE_ROW) return store_fail_db(st, err, "reading a sweep");
    return 0;
}

int store_sweep_find(store *st, const char *arg, int64_t *id, ae_err *err)
{
    *id = 0;
    sqlite3_stmt *s;
    /* an id given as digits, else a name (the newest of that name) or a UUID */
    if (prep(st,
             "SELECT id FROM sweeps WHERE CAST(id AS TEXT) = ?1 OR uuid = ?1 OR name = ?1"
             " ORDER BY CAST(id AS TEXT) = ?1 DESC, id DESC LIMIT 1",
             &s, err))
        return -1;
    store_bind_text(s, 1, arg);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) *id = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    return store_fail_db(st, err, "looking up a sweep");
}

int store_sweeps_list(store *st, store_sweep **out, int *n, ae_err *err)
{
    *out = NULL, *n = 0;
    sqlite3_stmt *s;
    if (prep(st, "SELECT " SWEEP_COLS " FROM sweeps w ORDER BY w.id DESC", &s, err)) return -1;
    store_sweep *a = NULL;
    int cnt = 0, cap = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? 2 * cap : 16;
            store_sweep *b = realloc(a, sizeof *a * (size_t)cap);
            if (!b) break;
            a = b;
        }
        read_sweep(s, &a[cnt++]);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        free(a);
        return rc == SQLITE_ROW ? ae_fail(err, "out of memory")
                                : store_fail_db(st, err, "listing sweeps");
    }
    *out = a, *n = cnt;
    return 0;
}

int store_sweep_members(store *st, int64_t sweep, store_sweep_member **out, int *n, ae_err *err)
{
    *out = NULL, *n = 0;
    sqlite3_stmt *s;
    if (prep(st,
             "SELECT member, key, args, coalesce(run, 0), run_uuid FROM sweep_members"
             " WHERE sweep = ?1 ORDER BY member",
             &s, err))
        return -1;
    sqlite3_bind_int64(s, 1, sweep);
    store_sweep_member *a = NULL;
    int cnt = 0, cap = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? 2 * cap : 16;
            store_sweep_member *b = realloc(a, sizeof *a * (size_t)cap);
            if (!b) break;
            a = b;
        }
        store_sweep_member *m = &a[cnt++];
        memset(m, 0, sizeof *m);
        m->member = sqlite3_column_int(s, 0);
        store_col_text(s, 1, m->key, sizeof m->key);
        store_col_text(s, 2, m->args, sizeof m->args);
        m->run = sqlite3_column_int64(s, 3);
        store_col_text(s, 4, m->run_uuid, sizeof m->run_uuid);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        free(a);
        return rc == SQLITE_ROW ? ae_fail(err, "out of memory")
                                : store_fail_db(st, err, "reading a sweep's members");
    }
    *out = a, *n = cnt;
    return 0;
}

int store_sweep_link(store *st, int64_t sweep, int member, int64_t run, ae_err *err)
{
    if (store_writable(st, err)) return -1;
    sqlite3_stmt *s;
    if (prep(st,
             "UPDATE sweep_members SET run = ?3, run_uuid = (SELECT uuid FROM runs WHERE id = ?3)"
             " WHERE sweep = ?1 AND member = ?2",
             &s, err))
        return -1;
    sqlite3_bind_int64(s, 1, sweep);
    sqlite3_bind_int(s, 2, member);
    sqlite3_bind_int64(s, 3, run);
    int rc = sqlite3_step(s);
    int changed = sqlite3_changes(st->db);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return store_fail_db(st, err, "linking a sweep's run");
    if (!changed) return ae_fail(err, "sweep %lld has no member %d", (long long)sweep, member);
    return 0;
}

int store_sweep_set_job(store *st, int64_t sweep, const char *job, ae_err *err)
{
    if (store_writable(st, err)) return -1;
    sqlite3_stmt *s;
    if (prep(st, "UPDATE sweeps SET job = ?2 WHERE id = ?1", &s, err)) return -1;
    sqlite3_bind_int64(s, 1, sweep);
    store_bind_text(s, 2, job);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : store_fail_db(st, err, "recording a sweep's job");
}

int store_run_find_pid(store *st, int64_t pid, double since, int64_t *id, ae_err *err)
{
    *id = 0;
    char host[128] = "";
    gethostname(host, sizeof host - 1);
    sqlite3_stmt *s;
    if (prep(st,
             "SELECT id FROM runs WHERE pid = ?1 AND host = ?2 AND created >= ?3"
             " ORDER BY id DESC LIMIT 1",
             &s, err))
        return -1;
    sqlite3_bind_int64(s, 1, pid);
    store_bind_text(s, 2, host);
    sqlite3_bind_double(s, 3, since);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) *id = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    return store_fail_db(st, err, "looking up a run by its process");
}
