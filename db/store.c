/* store.c: opening the run store: checking the file is ours, the pragmas, the schema and its
 * migrations, interrupted-run detection, and the cache of prepared statements (see store.h).
 *
 * The idea: decide what the file is before writing a byte to it. The first 16 bytes tell a
 * SQLite file from anything else; application_id, user_version and the table count (read in
 * a plain read transaction) tell ours from a stranger's and fresh from used. Only then do we
 * switch to WAL and migrate, inside BEGIN IMMEDIATE, re-reading the version there since
 * another process may have migrated meanwhile. Migrations are SQL texts, numbered from 1,
 * never edited once released: version N of the schema is migrations 1..N applied in order. */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- schema -------------------------------------------------------------------------- */

static const char *const store_migrations[STORE_SCHEMA_VERSION] = {
    /* 1: runs, typed params, epochs (with packed batch losses), summary */
    "CREATE TABLE runs("
    " id INTEGER PRIMARY KEY,"
    " parent INTEGER REFERENCES runs(id) ON DELETE SET NULL,"
    " name TEXT NOT NULL DEFAULT '',"
    " model TEXT NOT NULL,"
    " dataset TEXT NOT NULL DEFAULT '',"
    " status TEXT NOT NULL DEFAULT 'running' CHECK (status IN"
    "  ('running','finished','stopped','diverged','failed','interrupted')),"
    " message TEXT NOT NULL DEFAULT '',"
    " created REAL NOT NULL,"
    " started REAL,"
    " finished REAL,"
    " pid INTEGER,"
    " pid_start INTEGER,"
    " host TEXT NOT NULL DEFAULT '',"
    " version TEXT NOT NULL DEFAULT '',"
    " blas_core TEXT NOT NULL DEFAULT '',"
    " threads INTEGER,"
    " seed INTEGER,"
    " data_sha256 TEXT NOT NULL DEFAULT '',"
    " checkpoint TEXT NOT NULL DEFAULT '',"
    " notes TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX runs_parent ON runs(parent);"
    "CREATE INDEX runs_status ON runs(status);"
    "CREATE TABLE params("
    " run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL,"
    " num REAL,"
    " txt TEXT,"
    " CHECK ((num IS NULL) <> (txt IS NULL)),"
    " PRIMARY KEY (run, name)) WITHOUT ROWID;"
    "CREATE TABLE epochs("
    " run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " epoch INTEGER NOT NULL CHECK (epoch >= 1),"
    " train_loss REAL, train_mae REAL, test_loss REAL, test_mae REAL,"
    " seconds REAL, samples_per_sec REAL, lr REAL,"
    " nbatches INTEGER NOT NULL DEFAULT 0,"
    " batch_losses BLOB,"
    " PRIMARY KEY (run, epoch));"
    "CREATE TABLE summary("
    " run INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,"
    " epochs INTEGER NOT NULL,"
    " best_epoch INTEGER,"
    " best_test_loss REAL,"
    " test_mse REAL, test_mae REAL, train_loss REAL,"
    " seconds REAL NOT NULL DEFAULT 0,"
    " samples_per_sec REAL);",

    /* 2: tags, artifacts, and an index for --model */
    "CREATE TABLE tags("
    " run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " tag TEXT NOT NULL,"
    " PRIMARY KEY (run, tag)) WITHOUT ROWID;"
    "CREATE INDEX tags_tag ON tags(tag);"
    "CREATE TABLE artifacts("
    " run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL,"
    " dtype TEXT NOT NULL,"
    " rows INTEGER NOT NULL,"
    " cols INTEGER NOT NULL,"
    " data BLOB NOT NULL,"
    " created REAL NOT NULL,"
    " PRIMARY KEY (run, name));"
    "CREATE INDEX runs_model ON runs(model);",

    /* 3: the PCA linear baseline cache, per dataset, training data, split sizes and k */
    "CREATE TABLE baselines("
    " dataset TEXT NOT NULL,"
    " data_sha256 TEXT NOT NULL,"
    " train INTEGER NOT NULL CHECK (train >= 1),"
    " test INTEGER NOT NULL CHECK (test >= 1),"
    " latent INTEGER NOT NULL CHECK (latent >= 1),"
    " test_sha256 TEXT NOT NULL DEFAULT '',"
    " mse REAL NOT NULL,"
    " mae REAL NOT NULL,"
    " explained REAL,"
    " seconds REAL,"
    " created REAL NOT NULL,"
    " PRIMARY KEY (dataset, data_sha256, train, test, latent)) WITHOUT ROWID;",
};

/* ---- statements ---------------------------------------------------------------------- */

static const char *const store_sql[SQ_COUNT] = {
    [SQ_BEGIN] = "BEGIN IMMEDIATE",
    [SQ_COMMIT] = "COMMIT",
    [SQ_ROLLBACK] = "ROLLBACK",
    [SQ_RUN_INSERT] =
        "INSERT INTO runs(parent, name, model, dataset, status, message, created, started,"
        " pid, pid_start, host, version, blas_core, threads, seed, data_sha256, checkpoint,"
        " notes) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)",
    [SQ_PARAM_INSERT] = "INSERT OR REPLACE INTO params(run, name, num, txt) VALUES(?1,?2,?3,?4)",
    [SQ_EPOCH_INSERT] =
        "INSERT INTO epochs(run, epoch, train_loss, train_mae, test_loss, test_mae, seconds,"
        " samples_per_sec, lr, nbatches, batch_losses) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
    /* In an upsert's SET, bare column names are the old row's values. */
    [SQ_SUMMARY_UPSERT] =
        "INSERT INTO summary(run, epochs, best_epoch, best_test_loss, test_mse, test_mae,"
        " train_loss, seconds, samples_per_sec) VALUES(?1,?2,?2,?3,?3,?4,?5,?6,?7)"
        " ON CONFLICT(run) DO UPDATE SET"
        " epochs = excluded.epochs,"
        " best_epoch = CASE WHEN best_test_loss IS NULL OR excluded.test_mse < best_test_loss"
        "  THEN excluded.epochs ELSE best_epoch END,"
        " best_test_loss = CASE WHEN best_test_loss IS NULL OR excluded.test_mse < best_test_loss"
        "  THEN excluded.test_mse ELSE best_test_loss END,"
        " test_mse = excluded.test_mse, test_mae = excluded.test_mae,"
        " train_loss = excluded.train_loss, seconds = seconds + excluded.seconds,"
        " samples_per_sec = excluded.samples_per_sec",
    [SQ_RUN_STATUS] = "SELECT status FROM runs WHERE id = ?1",
    [SQ_RUN_END] = "UPDATE runs SET status = ?2, message = ?3, finished = ?4 WHERE id = ?1",
    [SQ_SUMMARY_FINAL] =
        "INSERT INTO summary(run, epochs, test_mse, test_mae, seconds, samples_per_sec)"
        " VALUES(?1, 0, ?2, ?3, coalesce(?4, 0), ?5)"
        " ON CONFLICT(run) DO UPDATE SET test_mse = coalesce(excluded.test_mse, test_mse),"
        " test_mae = coalesce(excluded.test_mae, test_mae),"
        " seconds = CASE WHEN ?4 IS NULL THEN seconds ELSE ?4 END,"
        " samples_per_sec = coalesce(excluded.samples_per_sec, samples_per_sec)",
    [SQ_RUN_CHECKPOINT] = "UPDATE runs SET checkpoint = ?2 WHERE id = ?1",
    [SQ_RUN_NAME] = "UPDATE runs SET name = ?2 WHERE id = ?1",
    [SQ_RUN_NOTES] = "UPDATE runs SET notes = ?2 WHERE id = ?1",
    [SQ_TAG_ADD] = "INSERT OR IGNORE INTO tags(run, tag) VALUES(?1, ?2)",
    [SQ_TAG_REMOVE] = "DELETE FROM tags WHERE run = ?1 AND tag = ?2",
    [SQ_RUN_DELETE] = "DELETE FROM runs WHERE id = ?1",
    [SQ_ARTIFACT_PUT] = "INSERT OR REPLACE INTO artifacts(run, name, dtype, rows, cols, data,"
                        " created) VALUES(?1,?2,?3,?4,?5,?6,?7)",
    [SQ_ARTIFACT_GET] =
        "SELECT dtype, rows, cols, data FROM artifacts WHERE run = ?1 AND name = ?2",
    [SQ_RUN_GET] = "SELECT " RUN_COLS " FROM runs r WHERE r.id = ?1",
    [SQ_RUN_EXISTS] = "SELECT 1 FROM runs WHERE id = ?1",
    [SQ_SUMMARY_GET] = "SELECT epochs, best_epoch, best_test_loss, test_mse, test_mae,"
                       " train_loss, seconds, samples_per_sec FROM summary WHERE run = ?1",
    [SQ_PARAMS_GET] = "SELECT name, num, txt FROM params WHERE run = ?1 ORDER BY name",
    [SQ_EPOCHS_GET] = "SELECT epoch, train_loss, train_mae, test_loss, test_mae, seconds,"
                      " samples_per_sec, lr, nbatches FROM epochs WHERE run = ?1 ORDER BY epoch",
    [SQ_LOSSES_GET] = "SELECT nbatches, batch_losses FROM epochs WHERE run = ?1 AND epoch = ?2",
    [SQ_TAGS_GET] = "SELECT tag FROM tags WHERE run = ?1 ORDER BY tag",
    [SQ_PARAM_KNOWN] = "SELECT 1 FROM params WHERE name = ?1 LIMIT 1",
    [SQ_RUNNING] = "SELECT id, pid, pid_start FROM runs WHERE status = 'running' AND host = ?1",
    [SQ_INTERRUPT] = "UPDATE runs SET status = 'interrupted', message = ?2, finished = ?3"
                     " WHERE id = ?1 AND status = 'running'",
    [SQ_DATA_VERSION] = "PRAGMA data_version",
    [SQ_BASELINE_PUT] =
        "INSERT OR REPLACE INTO baselines(dataset, data_sha256, train, test, latent, test_sha256,"
        " mse, mae, explained, seconds, created) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
    [SQ_BASELINE_GET] = "SELECT " BASELINE_COLS " FROM baselines b WHERE b.dataset = ?1"
                        " AND b.data_sha256 = ?2 AND b.train = ?3 AND b.test = ?4"
                        " AND b.latent = ?5",
    /* params hold numbers as REAL; an INTEGER column compares equal to 8000.0 */
    [SQ_BASELINE_RUN] =
        "SELECT " BASELINE_COLS " FROM runs r JOIN baselines b ON b.dataset = r.dataset"
        " AND b.data_sha256 = r.data_sha256"
        " AND b.train = (SELECT num FROM params WHERE run = r.id AND name = 'train')"
        " AND b.test = (SELECT num FROM params WHERE run = r.id AND name = 'test')"
        " AND b.latent = (SELECT num FROM params WHERE run = r.id AND name = 'latent')"
        " WHERE r.id = ?1",
};

sqlite3_stmt *store_stmt(store *st, int id, ae_err *err)
{
    sqlite3_stmt *s = st->stmt[id];
    if (!s) {
        if (sqlite3_prepare_v3(st->db, store_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
            SQLITE_OK) {
            store_fail_db(st, err, "preparing a statement");
            return NULL;
        }
        st->stmt[id] = s;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
}

int store_fail_db(store *st, ae_err *err, const char *what)
{
    int code = sqlite3_errcode(st->db);
    const char *hint = "";
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        hint = " (another process holds the store locked; try again)";
    else if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        hint = " (the file is damaged)";
    else if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN)
        hint = " (check the file's and its directory's permissions)";
    return ae_fail(err, "%s: %s: %s%s", st->path, what, sqlite3_errmsg(st->db), hint);
}

int store_writable(store *st, ae_err *err)
{
    if (!st->readonly) return 0;
    return ae_fail(err, "%s: opened read-only%s%s", st->path, st->notice[0] ? ": " : "",
                   st->notice);
}

int store_begin(store *st, ae_err *err)
{
    sqlite3_stmt *s = store_stmt(st, SQ_BEGIN, err);
    if (!s) return -1;
    if (sqlite3_step(s) != SQLITE_DONE) return store_fail_db(st, err, "starting a transaction");
    return 0;
}

int store_commit(store *st, ae_err *err)
{
    sqlite3_stmt *s = store_stmt(st, SQ_COMMIT, err);
    if (!s) return -1;
    if (sqlite3_step(s) != SQLITE_DONE) {
        store_fail_db(st, err, "committing");
        store_rollback(st);
        return -1;
    }
    return 0;
}

void store_rollback(store *st)
{
    if (sqlite3_get_autocommit(st->db)) return;
    sqlite3_stmt *s = store_stmt(st, SQ_ROLLBACK, NULL);
    if (s) sqlite3_step(s);
}

int store_bind_text(sqlite3_stmt *s, int i, const char *t)
{
    return t ? sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
}

void store_col_text(sqlite3_stmt *s, int i, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    size_t n = t ? (size_t)sqlite3_column_bytes(s, i) : 0;
    if (n >= cap) n = cap - 1;
    if (n) memcpy(out, t, n);
    out[n] = 0;
}

double store_col_num(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

double store_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* ---- opening ------------------------------------------------------------------------- */

int64_t store_proc_start(int64_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%lld/stat", (long long)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    if (!p) return 0;
    /* after ") ": field 3 (state) ... field 22 (starttime) */
    int field = 2;
    for (p++; *p && field < 22; p++)
        if (*p == ' ') field++;
    return field == 22 ? strtoll(p, NULL, 10) : 0;
}

/* One integer from a one-row query (a pragma or a count). */
static int query_int(store *st, const char *sql, long long *out, ae_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return store_fail_db(st, err, "reading the file");
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(s);
        return store_fail_db(st, err, "reading the file");
    }
    *out = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return 0;
}

typedef struct ident {
    long long app, version, objects;
} ident;

static int identify(store *st, ident *id, ae_err *err)
{
    if (query_int(st, "PRAGMA application_id", &id->app, err) ||
        query_int(st, "PRAGMA user_version", &id->version, err) ||
        query_int(st, "SELECT count(*) FROM sqlite_master", &id->objects, err))
        return -1;
    return 0;
}

static int is_fresh(const ident *id)
{
    return id->app == 0 && id->version == 0 && !id->objects;
}

static int set_version_pragmas(store *st, int version, ae_err *err)
{
    /* Pragmas take no parameters; the values are our own integers. */
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             STORE_APPLICATION_ID, version);
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_fail_db(st, err, "setting the schema version");
    return 0;
}

/* Brings the schema to `target` inside one BEGIN IMMEDIATE. */
static int migrate(store *st, int target, ae_err *err)
{
    if (store_begin(st, err)) return -1;
    ident id;
    if (identify(st, &id, err)) goto fail;
    if (!is_fresh(&id) && id.app != STORE_APPLICATION_ID) {
        ae_fail(err, "%s: not an aetui run store (changed while opening)", st->path);
        goto fail;
    }
    for (int v = (int)id.version + 1; v <= target; v++) {
        if (sqlite3_exec(st->db, store_migrations[v - 1], NULL, NULL, NULL) != SQLITE_OK) {
            char what[64];
            snprintf(what, sizeof what, "migrating the schema to version %d", v);
            store_fail_db(st, err, what);
            goto fail;
        }
    }
    if ((int)id.version < target && set_version_pragmas(st, target, err)) goto fail;
    if (store_commit(st, err)) return -1;
    st->version = id.version > target ? (int)id.version : target;
    return 0;
fail:
    store_rollback(st);
    return -1;
}

/* Marks this host's 'running' runs whose process is gone as 'interrupted'. Looks first without
 * a write lock, so that opening a store to read it never waits for a writer; takes the lock
 * only when there is something to mark. */
static int mark_interrupted(store *st, ae_err *err)
{
    char host[128] = "";
    gethostname(host, sizeof host - 1);
    sqlite3_stmt *s = store_stmt(st, SQ_RUNNING, err);
    if (!s) return -1;
    store_bind_text(s, 1, host);
    enum { MAXDEAD = 256 };
    int64_t dead[MAXDEAD], deadpid[MAXDEAD];
    int ndead = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && ndead < MAXDEAD) {
        int64_t id = sqlite3_column_int64(s, 0), pid = sqlite3_column_int64(s, 1);
        int64_t start = sqlite3_column_int64(s, 2);
        int alive = pid > 0 && pid <= 0x7fffffff && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
        if (alive && start && store_proc_start(pid) != start) alive = 0; /* pid recycled */
        if (!alive) dead[ndead] = id, deadpid[ndead++] = pid;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store_fail_db(st, err, "looking for interrupted runs");
    if (!ndead) return 0;
    if (store_begin(st, err)) return -1;
    for (int i = 0; i < ndead; i++) {
        sqlite3_stmt *u = store_stmt(st, SQ_INTERRUPT, err);
        if (!u) goto fail;
        char msg[128];
        snprintf(msg, sizeof msg, "process %lld ended without closing the run",
                 (long long)deadpid[i]);
        sqlite3_bind_int64(u, 1, dead[i]);
        store_bind_text(u, 2, msg);
        sqlite3_bind_double(u, 3, store_now());
        if (sqlite3_step(u) != SQLITE_DONE) {
            store_fail_db(st, err, "marking an interrupted run");
            goto fail;
        }
    }
    return store_commit(st, err);
fail:
    store_rollback(st);
    return -1;
}

/* Checks what is at path before SQLite sees it; creates it (0600) when allowed. */
static int check_file(const char *path, int flags, ae_err *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno != ENOENT) return ae_fail(err, "%s: %s", path, strerror(errno));
        if (!(flags & STORE_CREATE) || (flags & STORE_READONLY))
            return ae_fail(err, "%s: no run store there (aetui train creates one)", path);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            return ae_fail(err, "%s: cannot create the run store: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        return 0;
    }
    if (!S_ISREG(sb.st_mode)) return ae_fail(err, "%s: not a regular file", path);
    /* The header is NOT read here with our own open()/close(): closing any descriptor of the
     * file drops every POSIX lock this process holds on it, including those of another
     * connection (the TUI has two), and SQLite's WAL bookkeeping breaks. SQLite reads the
     * header itself; a file that is not a database fails in identify() with SQLITE_NOTADB,
     * before anything is written. */
    if (access(path, R_OK) != 0) return ae_fail(err, "%s: cannot read: %s", path, strerror(errno));
    return 0;
}

static int open_db(store *st, int flags, ae_err *err)
{
    int oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
                 ((flags & STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
    if (sqlite3_open_v2(st->path, &st->db, oflags, NULL) != SQLITE_OK) {
        if (!st->db) return ae_fail(err, "%s: out of memory opening the store", st->path);
        return store_fail_db(st, err, "cannot open");
    }
    sqlite3_busy_timeout(st->db, 5000);
    if (sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail_db(st, err, "setting foreign keys");
    return 0;
}

int store_open(store **out, const char *path, int flags, ae_err *err)
{
    *out = NULL;
    if (!path || !*path) return ae_fail(err, "no path given for the run store");
    store *st = calloc(1, sizeof *st);
    if (!st) return ae_fail(err, "out of memory");
    if (strlen(path) >= sizeof st->path) {
        free(st);
        return ae_fail(err, "run store path too long");
    }
    strcpy(st->path, path);
    st->readonly = (flags & STORE_READONLY) != 0;
    if (check_file(path, flags, err) || open_db(st, flags, err)) goto fail;

    ident id;
    if (identify(st, &id, err)) {
        if ((sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_NOTADB) {
            ae_fail(err,
                    "%s: not a SQLite database, so not an aetui run store; refused (the file "
                    "is left as it is)",
                    path);
            goto fail;
        }
        if (err) {
            char m[sizeof err->msg];
            snprintf(m, sizeof m, "%s", err->msg);
            snprintf(err->msg, sizeof err->msg, "%.400s; refused (the file is left as it is)", m);
        }
        goto fail;
    }
    if (is_fresh(&id)) {
        if (st->readonly) {
            ae_fail(err, "%s: empty, not yet an aetui run store", path);
            goto fail;
        }
    } else if (id.app != STORE_APPLICATION_ID) {
        ae_fail(err,
                "%s: a SQLite database but not an aetui run store (application_id 0x%08llx); "
                "refused (the file is left as it is)",
                path, (unsigned long long)(id.app & 0xffffffffLL));
        goto fail;
    }
    st->version = (int)id.version;
    if (!st->readonly && sqlite3_db_readonly(st->db, "main") == 1) {
        snprintf(st->notice, sizeof st->notice, "%s: the file is not writable; opened read-only",
                 path);
        st->readonly = 1;
    }
    if (id.version > STORE_SCHEMA_VERSION) {
        snprintf(st->notice, sizeof st->notice,
                 "%s: schema version %lld is newer than this aetui knows (%d); opened read-only "
                 "(upgrade aetui to change it)",
                 path, id.version, STORE_SCHEMA_VERSION);
        st->readonly = 1;
        if (sqlite3_exec(st->db, "PRAGMA query_only = ON", NULL, NULL, NULL) != SQLITE_OK) {
            store_fail_db(st, err, "cannot open read-only");
            goto fail;
        }
    }
    if (!st->readonly) {
        /* WAL survives a killed writer and lets readers go on while it writes. */
        if (sqlite3_exec(st->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", NULL,
                         NULL, NULL) != SQLITE_OK) {
            store_fail_db(st, err, "switching to WAL");
            goto fail;
        }
        if (id.version < STORE_SCHEMA_VERSION && migrate(st, STORE_SCHEMA_VERSION, err)) goto fail;
        /* Housekeeping, not the caller's business: when another process holds the write lock
         * past the busy timeout, the next open marks them. */
        ae_err ignored;
        mark_interrupted(st, &ignored);
    } else if (id.version < STORE_SCHEMA_VERSION) {
        ae_fail(err, "%s: schema version %lld is older than %d and the store is read-only", path,
                id.version, STORE_SCHEMA_VERSION);
        goto fail;
    }
    *out = st;
    return 0;
fail:
    store_close(st);
    return -1;
}

void store_close(store *st)
{
    if (!st) return;
    for (int i = 0; i < SQ_COUNT; i++) sqlite3_finalize(st->stmt[i]);
    if (st->db) sqlite3_close(st->db);
    free(st);
}

const char *store_path(const store *st)
{
    return st->path;
}
int store_readonly(const store *st)
{
    return st->readonly;
}
const char *store_notice(const store *st)
{
    return st->notice;
}
int store_version(const store *st)
{
    return st->version;
}

int store_changed(store *st, ae_err *err)
{
    sqlite3_stmt *s = store_stmt(st, SQ_DATA_VERSION, err);
    if (!s) return -1;
    if (sqlite3_step(s) != SQLITE_ROW) return store_fail_db(st, err, "reading data_version");
    long long v = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    int changed = !st->seen_data_version || v != st->data_version;
    st->seen_data_version = 1;
    st->data_version = v;
    return changed;
}

int store_create_version(const char *path, int version, ae_err *err)
{
    if (version < 1 || version > STORE_SCHEMA_VERSION)
        return ae_fail(err, "schema version %d: no such version", version);
    struct stat sb;
    if (stat(path, &sb) == 0) return ae_fail(err, "%s: exists already", path);
    if (check_file(path, STORE_CREATE, err)) return -1;
    store *st = calloc(1, sizeof *st);
    if (!st) return ae_fail(err, "out of memory");
    snprintf(st->path, sizeof st->path, "%s", path);
    int rc = -1;
    if (open_db(st, 0, err) == 0 &&
        sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) == SQLITE_OK)
        rc = migrate(st, version, err);
    store_close(st);
    return rc;
}
