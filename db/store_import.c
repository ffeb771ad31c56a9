/* store_import.c: copying another store's runs into this one (aetui import; see store.h).
 *
 * The idea: a run is known everywhere by its UUID, so "is it here already" is one lookup and
 * a second import of the same source adds nothing. The rows are copied column by column as
 * SQLite values (never through our structs, so nothing is rounded or cut: batch-loss blobs,
 * 17-digit doubles, long notes), over the columns both stores' tables have: a source with an
 * older schema is read migrated (store_open read-only migrates a copy in memory), and a table
 * one side lacks (scores before the anomaly work landed) is left out. Ids are the target's
 * own: every copied run gets a new id above all the target's ids and directories, and
 * parents are mapped through the runs copied before them (ids only grow, so a parent comes
 * first). Everything of one source is one transaction; the caller's file copying runs inside
 * it, so a failure leaves the target as it was. */
#include "store_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { COLS_MAX = 64, KEYS_MAX = 2 };

/* A prepared pair: rows of one table read from the source, written to the target. */
typedef struct copier {
    sqlite3_stmt *sel, *ins;
    int nkeys, ncols; /* the insert binds the keys first, then the copied columns */
} copier;

/* The column names of table in db (0 when there is no such table). */
static int columns(sqlite3 *db, const char *table, char (*out)[64], int max)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)", -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    int n = 0;
    while (sqlite3_step(s) == SQLITE_ROW && n < max) {
        const char *c = (const char *)sqlite3_column_text(s, 0);
        if (c && strlen(c) < 64) snprintf(out[n++], 64, "%s", c);
    }
    sqlite3_finalize(s);
    return n;
}

static void copier_free(copier *c)
{
    sqlite3_finalize(c->sel);
    sqlite3_finalize(c->ins);
    memset(c, 0, sizeof *c);
}

/* Prepares the copy of `table` keyed by keys[0] (the source's rows WHERE keys[0] = ?1; every
 * row when nkeys is 0, then inserted OR IGNORE). The key columns are bound by the caller; the
 * others both tables have are copied. A table missing on either side: c->sel stays NULL. */
static int copier_make(store *dst, store *src, const char *table, const char *const *keys,
                       int nkeys, copier *c, ae_err *err)
{
    memset(c, 0, sizeof *c);
    static char a[COLS_MAX][64], b[COLS_MAX][64];
    int na = columns(dst->db, table, a, COLS_MAX), nb = columns(src->db, table, b, COLS_MAX);
    if (na < 0) return store_fail_db(dst, err, "reading the schema");
    if (nb < 0) return store_fail_db(src, err, "reading the schema");
    if (!na || !nb) return 0;
    char sel[4096], ins[4096], vals[1024];
    size_t ls = 0, li = 0, lv = 0;
    li += (size_t)snprintf(ins + li, sizeof ins - li, "INSERT %sINTO \"%s\"(",
                           nkeys ? "" : "OR IGNORE ", table);
    for (int k = 0; k < nkeys; k++) {
        li += (size_t)snprintf(ins + li, sizeof ins - li, "%s\"%s\"", k ? ", " : "", keys[k]);
        lv += (size_t)snprintf(vals + lv, sizeof vals - lv, "%s?%d", k ? ", " : "", k + 1);
    }
    ls += (size_t)snprintf(sel + ls, sizeof sel - ls, "SELECT ");
    for (int i = 0; i < na; i++) {
        int key = 0, there = 0;
        for (int k = 0; k < nkeys; k++) key |= !strcmp(a[i], keys[k]);
        for (int j = 0; j < nb; j++) there |= !strcmp(a[i], b[j]);
        if (key || !there) continue;
        int first = c->ncols == 0;
        ls += (size_t)snprintf(sel + ls, sizeof sel - ls, "%s\"%s\"", first ? "" : ", ", a[i]);
        li += (size_t)snprintf(ins + li, sizeof ins - li, "%s\"%s\"", first && !nkeys ? "" : ", ",
                               a[i]);
        lv += (size_t)snprintf(vals + lv, sizeof vals - lv, "%s?%d", first && !nkeys ? "" : ", ",
                               nkeys + c->ncols + 1);
        c->ncols++;
    }
    if (!c->ncols) return 0;
    ls += (size_t)snprintf(sel + ls, sizeof sel - ls, " FROM \"%s\"", table);
    if (nkeys) ls += (size_t)snprintf(sel + ls, sizeof sel - ls, " WHERE \"%s\" = ?1", keys[0]);
    li += (size_t)snprintf(ins + li, sizeof ins - li, ") VALUES(%s)", vals);
    if (ls >= sizeof sel || li >= sizeof ins || lv >= sizeof vals)
        return ae_fail(err, "table %s: too many columns to copy", table);
    c->nkeys = nkeys;
    if (sqlite3_prepare_v2(src->db, sel, -1, &c->sel, NULL) != SQLITE_OK)
        return store_fail_db(src, err, "reading a table to import");
    if (sqlite3_prepare_v2(dst->db, ins, -1, &c->ins, NULL) != SQLITE_OK) {
        copier_free(c);
        return store_fail_db(dst, err, "preparing the import");
    }
    return 0;
}

/* Copies the source rows whose key is src_key, with the target's key values keys[] (nkeys of
 * them, as the copier was made); counts the rows into *rows when given. */
static int copier_run(store *dst, store *src, copier *c, int64_t src_key, const int64_t *keys,
                      int *rows, ae_err *err)
{
    if (!c->sel) return 0;
    sqlite3_reset(c->sel);
    if (c->nkeys) sqlite3_bind_int64(c->sel, 1, src_key);
    int rc;
    while ((rc = sqlite3_step(c->sel)) == SQLITE_ROW) {
        sqlite3_reset(c->ins);
        for (int k = 0; k < c->nkeys; k++) {
            if (keys[k] > 0)
                sqlite3_bind_int64(c->ins, k + 1, keys[k]);
            else
                sqlite3_bind_null(c->ins, k + 1);
        }
        for (int i = 0; i < c->ncols; i++)
            sqlite3_bind_value(c->ins, c->nkeys + i + 1, sqlite3_column_value(c->sel, i));
        if (sqlite3_step(c->ins) != SQLITE_DONE) {
            sqlite3_reset(c->sel);
            return store_fail_db(dst, err, "copying a row");
        }
        if (rows) *rows += sqlite3_changes(dst->db);
    }
    sqlite3_reset(c->sel);
    if (rc != SQLITE_DONE) return store_fail_db(src, err, "reading a row to import");
    return 0;
}

/* The run's checkpoint column and "checkpoints" artifact (lines "name<TAB>path") pointed at
 * the same file names in dir. */
static int repoint(store *dst, int64_t run, const char *dir, ae_err *err)
{
    static char path[4096], text[16384];
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(dst->db, "SELECT checkpoint FROM runs WHERE id = ?1", -1, &s, NULL) !=
        SQLITE_OK)
        return store_fail_db(dst, err, "reading an imported run");
    sqlite3_bind_int64(s, 1, run);
    path[0] = 0;
    if (sqlite3_step(s) == SQLITE_ROW) store_col_text(s, 0, path, sizeof path);
    sqlite3_finalize(s);
    if (path[0]) {
        const char *base = strrchr(path, '/');
        char now[4400];
        snprintf(now, sizeof now, "%s/%s", dir, base ? base + 1 : path);
        if (sqlite3_prepare_v2(dst->db, "UPDATE runs SET checkpoint = ?2 WHERE id = ?1", -1, &s,
                               NULL) != SQLITE_OK)
            return store_fail_db(dst, err, "updating an imported run");
        sqlite3_bind_int64(s, 1, run);
        sqlite3_bind_text(s, 2, now, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(s);
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE) return store_fail_db(dst, err, "updating an imported run");
    }
    if (sqlite3_prepare_v2(dst->db,
                           "SELECT data FROM artifacts WHERE run = ?1 AND name = 'checkpoints'", -1,
                           &s, NULL) != SQLITE_OK)
        return store_fail_db(dst, err, "reading an imported run");
    sqlite3_bind_int64(s, 1, run);
    size_t k = 0;
    int found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        const char *t = sqlite3_column_blob(s, 0);
        int n = sqlite3_column_bytes(s, 0);
        /* each line: name, tab, path -> name, tab, dir/basename(path) */
        for (int i = 0; t && i < n;) {
            int e = i;
            while (e < n && t[e] != '\n') e++;
            int tab = i;
            while (tab < e && t[tab] != '\t') tab++;
            int base = e;
            while (base > tab && t[base - 1] != '/') base--;
            if (tab < e)
                k += (size_t)snprintf(text + k, sizeof text - k, "%s%.*s\t%s/%.*s", k ? "\n" : "",
                                      tab - i, t + i, dir, e - base, t + base);
            if (k >= sizeof text) break;
            i = e + 1;
        }
    }
    sqlite3_finalize(s);
    if (!found || k >= sizeof text) return 0;
    if (sqlite3_prepare_v2(dst->db,
                           "UPDATE artifacts SET data = ?2, rows = ?3 WHERE run = ?1 AND"
                           " name = 'checkpoints'",
                           -1, &s, NULL) != SQLITE_OK)
        return store_fail_db(dst, err, "updating an imported run");
    int lines = 1;
    for (size_t i = 0; i < k; i++) lines += text[i] == '\n';
    sqlite3_bind_int64(s, 1, run);
    sqlite3_bind_blob(s, 2, text, (int)k, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 3, lines);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : store_fail_db(dst, err, "updating an imported run");
}

/* 1 when the source's run `sid`, 'running', was this host's and its process is gone (a task
 * cancelled or killed): it comes in as interrupted, to be resumed here. */
static int dead_here(store *src, int64_t sid, int64_t *pid)
{
    char host[128] = "", rhost[128] = "";
    gethostname(host, sizeof host - 1);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(src->db, "SELECT host, pid, pid_start FROM runs WHERE id = ?1", -1, &s,
                           NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(s, 1, sid);
    int64_t start = 0;
    *pid = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        store_col_text(s, 0, rhost, sizeof rhost);
        *pid = sqlite3_column_int64(s, 1), start = sqlite3_column_int64(s, 2);
    }
    sqlite3_finalize(s);
    if (!host[0] || strcmp(host, rhost) || *pid <= 0 || *pid > 0x7fffffff) return 0;
    int alive = kill((pid_t)*pid, 0) == 0 || errno == EPERM;
    if (alive && start && store_proc_start(*pid) != start) alive = 0; /* pid recycled */
    return !alive;
}

static int mark_interrupted_run(store *dst, int64_t run, int64_t pid, ae_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(dst->db,
                           "UPDATE runs SET status = 'interrupted', message = ?2, finished = ?3"
                           " WHERE id = ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return store_fail_db(dst, err, "importing an interrupted run");
    char msg[128];
    snprintf(msg, sizeof msg, "process %lld ended without closing the run", (long long)pid);
    sqlite3_bind_int64(s, 1, run);
    sqlite3_bind_text(s, 2, msg, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(s, 3, store_now());
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : store_fail_db(dst, err, "importing an interrupted run");
}

/* Source id -> target id of the runs seen so far, in increasing source id. */
typedef struct idmap {
    int64_t *src, *dst;
    int n, cap;
} idmap;

static int map_add(idmap *m, int64_t s, int64_t d)
{
    if (m->n == m->cap) {
        int cap = m->cap ? 2 * m->cap : 256;
        int64_t *a = realloc(m->src, sizeof *a * (size_t)cap);
        if (!a) return -1;
        m->src = a;
        int64_t *b = realloc(m->dst, sizeof *b * (size_t)cap);
        if (!b) return -1;
        m->dst = b, m->cap = cap;
    }
    m->src[m->n] = s, m->dst[m->n++] = d;
    return 0;
}

static int64_t map_get(const idmap *m, int64_t s)
{
    int lo = 0, hi = m->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (m->src[mid] == s) return m->dst[mid];
        if (m->src[mid] < s)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

/* The source's sweeps (schema 6 on both sides): a sweep the target lacks (by UUID) is added;
 * every member gets its run where the target has a run of that UUID, the members that have one
 * already keep it. */
static int import_sweeps(store *dst, store *src, ae_err *err)
{
    char a[COLS_MAX][64];
    if (columns(src->db, "sweep_members", a, COLS_MAX) <= 0 ||
        columns(dst->db, "sweep_members", a, COLS_MAX) <= 0)
        return 0;
    sqlite3_stmt *sw = NULL, *find = NULL, *add = NULL, *mem = NULL, *put = NULL, *link = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(src->db,
                           "SELECT id, uuid, name, created, grid, base, scheduler, dir, job"
                           " FROM sweeps ORDER BY id",
                           -1, &sw, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(src->db,
                           "SELECT member, key, args, run_uuid FROM sweep_members WHERE sweep = ?1",
                           -1, &mem, NULL) != SQLITE_OK) {
        store_fail_db(src, err, "reading sweeps to import");
        goto out;
    }
    if (sqlite3_prepare_v2(dst->db, "SELECT id FROM sweeps WHERE uuid = ?1", -1, &find, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(dst->db,
                           "INSERT INTO sweeps(uuid, name, created, grid, base, scheduler, dir,"
                           " job) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
                           -1, &add, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(dst->db,
                           "INSERT OR IGNORE INTO sweep_members(sweep, member, key, args, run,"
                           " run_uuid) VALUES(?1,?2,?3,?4,(SELECT id FROM runs WHERE uuid = ?5),"
                           " ?5)",
                           -1, &put, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(dst->db,
                           "UPDATE sweep_members SET run = (SELECT id FROM runs WHERE uuid = ?3),"
                           " run_uuid = ?3 WHERE sweep = ?1 AND member = ?2 AND run IS NULL"
                           " AND EXISTS (SELECT 1 FROM runs WHERE uuid = ?3)",
                           -1, &link, NULL) != SQLITE_OK) {
        store_fail_db(dst, err, "preparing the import of sweeps");
        goto out;
    }
    int step;
    while ((step = sqlite3_step(sw)) == SQLITE_ROW) {
        int64_t sid = sqlite3_column_int64(sw, 0), did = 0;
        sqlite3_reset(find);
        sqlite3_bind_value(find, 1, sqlite3_column_value(sw, 1));
        if (sqlite3_step(find) == SQLITE_ROW) did = sqlite3_column_int64(find, 0);
        sqlite3_reset(find);
        if (!did) {
            sqlite3_reset(add);
            for (int i = 1; i <= 8; i++) sqlite3_bind_value(add, i, sqlite3_column_value(sw, i));
            if (sqlite3_step(add) != SQLITE_DONE) {
                store_fail_db(dst, err, "importing a sweep");
                goto out;
            }
            did = sqlite3_last_insert_rowid(dst->db);
        }
        sqlite3_reset(mem);
        sqlite3_bind_int64(mem, 1, sid);
        while (sqlite3_step(mem) == SQLITE_ROW) {
            sqlite3_stmt *u[2] = {put, link};
            for (int k = 0; k < 2; k++) {
                sqlite3_reset(u[k]);
                sqlite3_bind_int64(u[k], 1, did);
                sqlite3_bind_value(u[k], 2, sqlite3_column_value(mem, 0));
                if (k == 0) {
                    sqlite3_bind_value(u[k], 3, sqlite3_column_value(mem, 1));
                    sqlite3_bind_value(u[k], 4, sqlite3_column_value(mem, 2));
                    sqlite3_bind_value(u[k], 5, sqlite3_column_value(mem, 3));
                } else {
                    sqlite3_bind_value(u[k], 3, sqlite3_column_value(mem, 3));
                }
                if (sqlite3_step(u[k]) != SQLITE_DONE) {
                    store_fail_db(dst, err, "importing a sweep's member");
                    goto out;
                }
            }
        }
        sqlite3_reset(mem);
    }
    if (step != SQLITE_DONE) {
        store_fail_db(src, err, "reading sweeps to import");
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(sw);
    sqlite3_finalize(mem);
    sqlite3_finalize(find);
    sqlite3_finalize(add);
    sqlite3_finalize(put);
    sqlite3_finalize(link);
    return rc;
}

/* The tables hanging off a run by its `run` column, copied with it. */
static const char *const run_tables[] = {"params", "epochs",    "summary",
                                         "tags",   "artifacts", "scores"};
enum { NRUN_TABLES = sizeof run_tables / sizeof run_tables[0] };

int store_import(store *dst, store *src, store_import_files_fn files, void *ctx,
                 store_import_stats *stats, ae_err *err)
{
    memset(stats, 0, sizeof *stats);
    if (store_writable(dst, err)) return -1;
    if (src->version > STORE_SCHEMA_VERSION)
        return ae_fail(err,
                       "%s: schema version %d is newer than this aetui knows (%d); upgrade "
                       "aetui to import it",
                       src->path, src->version, STORE_SCHEMA_VERSION);
    static const char *const run_keys[] = {"id", "parent"}, *const child_keys[] = {"run"};
    copier runs, child[NRUN_TABLES], base;
    memset(child, 0, sizeof child);
    memset(&base, 0, sizeof base);
    idmap map = {0};
    sqlite3_stmt *list = NULL;
    int rc = -1, began = 0;
    if (copier_make(dst, src, "runs", run_keys, 2, &runs, err)) goto out;
    for (int t = 0; t < NRUN_TABLES; t++)
        if (copier_make(dst, src, run_tables[t], child_keys, 1, &child[t], err)) goto out;
    if (copier_make(dst, src, "baselines", NULL, 0, &base, err)) goto out;
    if (!runs.sel) {
        ae_fail(err, "%s: has no runs table to import", src->path);
        goto out;
    }
    if (sqlite3_prepare_v2(src->db, "SELECT id, uuid, parent, status FROM runs ORDER BY id", -1,
                           &list, NULL) != SQLITE_OK) {
        store_fail_db(src, err, "listing the runs to import");
        goto out;
    }
    if (store_begin(dst, err)) goto out;
    began = 1;
    int step;
    while ((step = sqlite3_step(list)) == SQLITE_ROW) {
        int64_t sid = sqlite3_column_int64(list, 0), sparent = sqlite3_column_int64(list, 2);
        char uuid[40], status[16];
        store_col_text(list, 1, uuid, sizeof uuid);
        store_col_text(list, 3, status, sizeof status);
        int64_t have = 0;
        int found = store_run_find_uuid(dst, uuid, &have, err);
        if (found < 0) goto out;
        if (found) {
            stats->present++;
            if (map_add(&map, sid, have)) goto oom;
            continue;
        }
        int64_t pid = 0;
        int dead = 0;
        if (!strcmp(status, "running") && !(dead = dead_here(src, sid, &pid))) {
            stats->running++;
            continue;
        }
        int64_t did, keys[2];
        if (store_next_run_id(dst, &did, err)) goto out;
        keys[0] = did, keys[1] = sparent > 0 ? map_get(&map, sparent) : 0;
        int n = 0;
        if (copier_run(dst, src, &runs, sid, keys, &n, err)) goto out;
        for (int t = 0; t < NRUN_TABLES; t++)
            if (copier_run(dst, src, &child[t], sid, keys, NULL, err)) goto out;
        char dir[4096] = "";
        if (files && files(ctx, sid, did, keys[1], dir, sizeof dir, err)) goto out;
        if (dir[0] && repoint(dst, did, dir, err)) goto out;
        if (dead && mark_interrupted_run(dst, did, pid, err)) goto out;
        if (map_add(&map, sid, did)) goto oom;
        stats->added++;
    }
    if (step != SQLITE_DONE) {
        store_fail_db(src, err, "listing the runs to import");
        goto out;
    }
    if (copier_run(dst, src, &base, 0, NULL, &stats->baselines, err)) goto out;
    if (import_sweeps(dst, src, err)) goto out;
    if (store_commit(dst, err)) {
        began = 0;
        goto out;
    }
    began = 0;
    rc = 0;
    goto out;
oom:
    ae_fail(err, "out of memory importing %s", src->path);
out:
    if (began) store_rollback(dst);
    sqlite3_finalize(list);
    copier_free(&runs);
    copier_free(&base);
    for (int t = 0; t < NRUN_TABLES; t++) copier_free(&child[t]);
    free(map.src);
    free(map.dst);
    return rc;
}
