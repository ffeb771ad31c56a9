/* store_open.c: opening the run store (see store.h): checking the file is ours, the pragmas,
 * migrations, the read-only cases, the store's identity, interrupted-run detection, and
 * noticing that the WAL file under an open connection was deleted or replaced.
 *
 * The idea: decide what the file is before writing a byte to it. application_id,
 * user_version and the table count (read in a plain read transaction) tell ours from a
 * stranger's and fresh from used. Only then do we switch to WAL and migrate, inside BEGIN
 * IMMEDIATE, re-reading the version there since another process may have migrated meanwhile.
 *
 * Read-only: where the file or its folder cannot be written, the store opens read-only by
 * itself; without a -shm file to share it is opened immutable; a schema older than ours is
 * copied into memory and migrated there, so reading never needs to write the file.
 *
 * A WAL deleted under a connection: every later write of that connection would go to a file
 * nobody else reads, and its close would checkpoint stale pages into the database and delete
 * the other processes' new WAL. So the WAL's and SHM's inodes are remembered at open and
 * compared before every write and at close: a replaced pair makes the connection reopen
 * (closed without checkpointing), and the runs of this handle are checked by UUID. */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Fails when PRAGMA foreign_key_check finds a row whose reference dangles. */
static int check_foreign_keys(store *st, ae_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &s, NULL) != SQLITE_OK)
        return store_fail_db(st, err, "checking foreign keys");
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        ae_fail(err, "%s: table %s, row %lld refers to a missing row of %s", st->path,
                (const char *)sqlite3_column_text(s, 0), sqlite3_column_int64(s, 1),
                (const char *)sqlite3_column_text(s, 2));
        sqlite3_finalize(s);
        return -1;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return store_fail_db(st, err, "checking foreign keys");
    return 0;
}

/* Brings the schema to `target` inside one BEGIN IMMEDIATE. */
static int migrate_locked(store *st, int target, ae_err *err)
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
    if ((int)id.version < target &&
        (check_foreign_keys(st, err) || set_version_pragmas(st, target, err)))
        goto fail;
    if (store_commit(st, err)) return -1;
    st->version = id.version > target ? (int)id.version : target;
    return 0;
fail:
    store_rollback(st);
    return -1;
}

/* A migration may rebuild a table that others refer to (4 rebuilds runs): foreign keys are off
 * while it runs (the pragma does nothing inside a transaction, so around it) and every
 * reference is checked before it commits. */
static int migrate(store *st, int target, ae_err *err)
{
    if (sqlite3_exec(st->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail_db(st, err, "setting foreign keys");
    int rc = migrate_locked(st, target, err);
    if (sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK && !rc)
        rc = store_fail_db(st, err, "setting foreign keys");
    return rc;
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

/* path with suffix ("-wal", "-shm") into out. */
static void side_file(const store *st, const char *suffix, char *out, size_t len)
{
    snprintf(out, len, "%.4090s%s", st->path, suffix);
}

/* The folder holding path into out ("." for a bare name). */
static void folder_of(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, len, ".");
    else if (slash == path)
        snprintf(out, len, "/");
    else
        snprintf(out, len, "%.*s", (int)(slash - path), path);
}

/* 1 when this process could write the store: the file, and its folder or both the WAL and the
 * SHM file (SQLite creates those beside the file). */
static int can_write(const store *st)
{
    char dir[4096], wal[4200], shm[4200];
    folder_of(st->path, dir, sizeof dir);
    side_file(st, "-wal", wal, sizeof wal);
    side_file(st, "-shm", shm, sizeof shm);
    if (access(st->path, W_OK) != 0) return 0;
    return access(dir, W_OK) == 0 || (access(wal, W_OK) == 0 && access(shm, W_OK) == 0);
}

/* "file:PATH?immutable=1" with PATH's special characters escaped (SQLite's URI rules). */
static int immutable_uri(const char *path, char *out, size_t len)
{
    size_t k = (size_t)snprintf(out, len, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (k + 4 >= len) return -1;
        if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p >= 0x7f)
            k += (size_t)snprintf(out + k, len - k, "%%%02X", *p);
        else
            out[k++] = (char)*p;
    }
    int n = snprintf(out + k, len - k, "?immutable=1");
    return n < 0 || (size_t)n >= len - k ? -1 : 0;
}

static int open_db(store *st, int readonly, int immutable, ae_err *err)
{
    int oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
                 (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
    char uri[4096 * 3 + 32];
    const char *name = st->path;
    if (immutable) {
        if (immutable_uri(st->path, uri, sizeof uri))
            return ae_fail(err, "run store path too long");
        name = uri, oflags |= SQLITE_OPEN_URI;
    }
    if (sqlite3_open_v2(name, &st->db, oflags, NULL) != SQLITE_OK) {
        if (!st->db) return ae_fail(err, "%s: out of memory opening the store", st->path);
        return store_fail_db(st, err, "cannot open");
    }
    sqlite3_busy_timeout(st->db, 5000);
    if (sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail_db(st, err, "setting foreign keys");
    return 0;
}

/* Replaces the connection to the file by one to a copy of it in memory (for reading a store
 * whose schema is older than ours where the file cannot be changed). */
static int copy_to_memory(store *st, ae_err *err)
{
    sqlite3 *mem = NULL;
    if (sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        sqlite3_close(mem);
        return ae_fail(err, "%s: out of memory reading the store", st->path);
    }
    sqlite3_backup *b = sqlite3_backup_init(mem, "main", st->db, "main");
    int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
    if (b) sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        ae_fail(err, "%s: reading the store into memory: %s", st->path, sqlite3_errmsg(mem));
        sqlite3_close(mem);
        return -1;
    }
    sqlite3_close(st->db);
    st->db = mem;
    if (sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail_db(st, err, "setting foreign keys");
    return 0;
}

/* The store's identity and the meta rows (schema 4 on); "" where there are none. */
static int load_meta(store *st, ae_err *err)
{
    st->uuid[0] = 0, st->runs_dir[0] = 0;
    long long has = 0;
    if (query_int(st, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
                  &has, err))
        return -1;
    if (!has) return 0;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT key, value FROM meta", -1, &s, NULL) != SQLITE_OK)
        return store_fail_db(st, err, "reading the store's identity");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(s, 0);
        if (!k) continue;
        if (!strcmp(k, "store_uuid")) store_col_text(s, 1, st->uuid, sizeof st->uuid);
        if (!strcmp(k, "runs_dir")) store_col_text(s, 1, st->runs_dir, sizeof st->runs_dir);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return store_fail_db(st, err, "reading the store's identity");
    return 0;
}

/* ---- the WAL under the connection ---------------------------------------------------- */

static void remember_wal(store *st)
{
    char wal[4200], shm[4200];
    struct stat a, b;
    side_file(st, "-wal", wal, sizeof wal);
    side_file(st, "-shm", shm, sizeof shm);
    int ok = stat(wal, &a) == 0 && stat(shm, &b) == 0;
    st->wal_dev = ok ? (unsigned long long)a.st_dev : 0;
    st->wal_ino = ok ? (unsigned long long)a.st_ino : 0;
    st->shm_dev = ok ? (unsigned long long)b.st_dev : 0;
    st->shm_ino = ok ? (unsigned long long)b.st_ino : 0;
}

/* 1 when the WAL or SHM file this connection uses is no longer the one at its path. */
static int wal_stale(const store *st)
{
    if (!st->wal_ino) return 0;
    char wal[4200], shm[4200];
    struct stat a, b;
    side_file(st, "-wal", wal, sizeof wal);
    side_file(st, "-shm", shm, sizeof shm);
    if (stat(wal, &a) != 0 || stat(shm, &b) != 0) return 1;
    return (unsigned long long)a.st_ino != st->wal_ino ||
           (unsigned long long)a.st_dev != st->wal_dev ||
           (unsigned long long)b.st_ino != st->shm_ino ||
           (unsigned long long)b.st_dev != st->shm_dev;
}

/* Closes the connection; one whose WAL was replaced closes without checkpointing (its pages
 * would overwrite what others wrote since) and so without deleting the WAL at the path, which
 * is another connection's now. */
static void close_db(store *st)
{
    for (int i = 0; i < SQ_COUNT; i++) {
        sqlite3_finalize(st->stmt[i]);
        st->stmt[i] = NULL;
    }
    if (!st->db) return;
    if (wal_stale(st)) {
        sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
        int persist = 1;
        sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    }
    sqlite3_close(st->db);
    st->db = NULL;
}

/* ---- opening --------------------------------------------------------------------------- */

/* After open_db: tells ours from anything else, then (writable) WAL, migrations, identity.
 * reopening: an empty file is not made a store again (the old one is gone). */
static int setup(store *st, int reopening, ae_err *err)
{
    const char *path = st->path;
    ident id;
    if (identify(st, &id, err)) {
        if ((sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_NOTADB)
            return ae_fail(err,
                           "%s: not a SQLite database, so not an aetui run store; refused (the "
                           "file is left as it is)",
                           path);
        if (err) {
            char m[sizeof err->msg];
            snprintf(m, sizeof m, "%s", err->msg);
            snprintf(err->msg, sizeof err->msg, "%.400s; refused (the file is left as it is)", m);
        }
        return -1;
    }
    if (is_fresh(&id)) {
        if (st->readonly) return ae_fail(err, "%s: empty, not yet an aetui run store", path);
        if (reopening)
            return ae_fail(err,
                           "%s: the store's WAL file was deleted or replaced, and the store's "
                           "records were all in it: the file is empty now",
                           path);
    } else if (id.app != STORE_APPLICATION_ID) {
        return ae_fail(err,
                       "%s: a SQLite database but not an aetui run store (application_id "
                       "0x%08llx); refused (the file is left as it is)",
                       path, (unsigned long long)(id.app & 0xffffffffLL));
    }
    st->version = (int)id.version;
    if (!st->readonly && sqlite3_db_readonly(st->db, "main") == 1) {
        snprintf(st->notice, sizeof st->notice,
                 "%.400s: the file is not writable; opened read-only", path);
        st->readonly = 1;
    }
    if (id.version > STORE_SCHEMA_VERSION) {
        snprintf(
            st->notice, sizeof st->notice,
            "%.300s: schema version %lld is newer than this aetui knows (%d); opened read-only "
            "(upgrade aetui to change it)",
            path, id.version, STORE_SCHEMA_VERSION);
        st->readonly = 1;
        if (sqlite3_exec(st->db, "PRAGMA query_only = ON", NULL, NULL, NULL) != SQLITE_OK)
            return store_fail_db(st, err, "cannot open read-only");
    }
    if (!st->readonly) {
        /* WAL survives a killed writer and lets readers go on while it writes. */
        if (sqlite3_exec(st->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", NULL,
                         NULL, NULL) != SQLITE_OK)
            return store_fail_db(st, err, "switching to WAL");
        if (id.version < STORE_SCHEMA_VERSION && migrate(st, STORE_SCHEMA_VERSION, err)) return -1;
    } else if (id.version < STORE_SCHEMA_VERSION) {
        /* read it as this aetui reads: a copy in memory, migrated there */
        if (copy_to_memory(st, err) || migrate(st, STORE_SCHEMA_VERSION, err)) return -1;
        if (!st->notice[0]) snprintf(st->notice, sizeof st->notice, "%.300s: read-only", path);
        size_t n = strlen(st->notice);
        snprintf(st->notice + n, sizeof st->notice - n,
                 " (schema version %lld, read as version %d in memory; the file is not changed)",
                 id.version, STORE_SCHEMA_VERSION);
        st->version = (int)id.version;
        if (sqlite3_exec(st->db, "PRAGMA query_only = ON", NULL, NULL, NULL) != SQLITE_OK)
            return store_fail_db(st, err, "cannot open read-only");
    }
    if (load_meta(st, err) || store_dirs_init(st, err)) return -1;
    if (is_fresh(&id) && !st->readonly && store_dirs_adopt(st, err)) return -1;
    if (!st->readonly) remember_wal(st);
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
    st->flags = flags;
    st->readonly = (flags & STORE_READONLY) != 0;
    if (check_file(path, flags, err)) goto fail;
    if (!st->readonly && !can_write(st)) {
        snprintf(st->notice, sizeof st->notice,
                 "%s: the file or its folder is not writable here; opened read-only", path);
        st->readonly = 1;
    }
    /* Read-only without a -shm file to share, and no right to create one: nobody has the store
     * open, and SQLite reads it as an immutable file. */
    char shm[4200], dir[4096];
    side_file(st, "-shm", shm, sizeof shm);
    folder_of(path, dir, sizeof dir);
    int immutable = st->readonly && access(shm, F_OK) != 0 && access(dir, W_OK) != 0;
    if (open_db(st, st->readonly, immutable, err) || setup(st, 0, err)) goto fail;
    if (!st->readonly) {
        /* Housekeeping, not the caller's business: when another process holds the write lock
         * past the busy timeout, the next open marks them. */
        ae_err ignored;
        mark_interrupted(st, &ignored);
        store_dirs_clean(st);
    }
    *out = st;
    return 0;
fail:
    store_close(st);
    return -1;
}

/* The WAL under the connection was deleted or replaced: a new connection to the file. */
static int reopen(store *st, ae_err *err)
{
    char uuid[37];
    snprintf(uuid, sizeof uuid, "%s", st->uuid);
    close_db(st);
    st->seen_data_version = 0;
    st->notice[0] = 0;
    if (open_db(st, 0, 0, err) || setup(st, 1, err)) {
        if (err) {
            char m[sizeof err->msg];
            snprintf(m, sizeof m, "%s", err->msg);
            snprintf(err->msg, sizeof err->msg,
                     "%.300s (reopening the store: its WAL file was deleted or replaced)", m);
        }
        return -1;
    }
    st->reopens++;
    if (uuid[0] && strcmp(uuid, st->uuid))
        return ae_fail(err,
                       "%s: the store's WAL file was deleted or replaced, and the file is now "
                       "store %s, not %s; nothing written",
                       st->path, st->uuid[0] ? st->uuid : "(none)", uuid);
    return 0;
}

int store_writable(store *st, ae_err *err)
{
    if (st->readonly) {
        if (st->notice[0]) return ae_fail(err, "%s; nothing changed", st->notice);
        return ae_fail(err, "%s: opened read-only; nothing changed", st->path);
    }
    if (!st->db) return ae_fail(err, "%s: the store is closed after an error", st->path);
    if (sqlite3_get_autocommit(st->db) && wal_stale(st)) return reopen(st, err);
    return 0;
}

void store_close(store *st)
{
    if (!st) return;
    close_db(st);
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
const char *store_uuid(const store *st)
{
    return st->uuid;
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
    if (open_db(st, 0, 0, err) == 0 &&
        sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) == SQLITE_OK)
        rc = migrate(st, version, err);
    store_close(st);
    return rc;
}
