/* store_dirs.c: where a store keeps its runs' files, and keeping two stores (or two runs) from
 * ever writing into the same directory (see store.h, "the runs' directories").
 *
 * The idea: the runs directory follows from the store's own name (STEM.db -> STEM.runs/), so
 * stores side by side never meet; a store older than schema 4 keeps the runs/ it used then
 * (meta runs_dir) so its files stay where they are. Whichever way it was found, the directory
 * is claimed by a small file naming the store's UUID and file, written with O_EXCL: a second
 * store that finds another's claim never writes there (an old store then moves on to its own
 * STEM.runs/). A store made anew where its predecessor's folder remains (the file deleted, or
 * its WAL with every record in it) takes the predecessor's identity and goes on in it.
 * Inside, a new run's directory is made with mkdir, which fails when it exists: the store picks
 * ids above every existing directory, so that only happens when something is badly wrong.
 *
 * Temporary files of the atomic writes are named NAME.tmp-PID-XXXXXX; the ones whose process
 * is gone are removed when a store is opened for writing. */
#include "store_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define CLAIM_FILE   ".aetui-store"
#define CLAIM_PREFIX "aetui runs directory of store "
#define CLAIM_NAME   "\nstore file "

void store_uuid_new(char out[37])
{
    unsigned char b[16];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t r = getrandom(b + got, sizeof b - got, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    if (got < sizeof b) sqlite3_randomness((int)sizeof b, b); /* seeded from the system too */
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);             /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);             /* variant 10 */
    static const char hex[] = "0123456789abcdef";
    int k = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[k++] = '-';
        out[k++] = hex[b[i] >> 4];
        out[k++] = hex[b[i] & 15];
    }
    out[k] = 0;
}

void store_mine_add(store *st, int64_t id, const char *uuid)
{
    int k = 0;
    while (k < st->nmine && st->mine[k].id != id) k++;
    if (k == STORE_MINE_MAX) { /* forget the oldest */
        memmove(st->mine, st->mine + 1, sizeof st->mine[0] * (STORE_MINE_MAX - 1));
        k = STORE_MINE_MAX - 1;
    } else if (k == st->nmine) {
        st->nmine++;
    }
    st->mine[k].id = id;
    snprintf(st->mine[k].uuid, sizeof st->mine[k].uuid, "%s", uuid);
    st->mine[k].redo_from = 0;
}

/* ---- where ------------------------------------------------------------------------------ */

/* The runs directory a store at `path` has by its name: STEM.runs beside STEM.db. */
static int derived_dir(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t bl = strlen(base);
    if (bl > 3 && !strcmp(base + bl - 3, ".db")) bl -= 3;
    int n = snprintf(out, len, "%.*s%.*s.runs", (int)(base - path), path, (int)bl, base);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

int store_dirs_init(store *st, ae_err *err)
{
    char raw[sizeof st->runs_dir];
    snprintf(raw, sizeof raw, "%s", st->runs_dir);
    st->runs_dir_legacy = raw[0] != 0;
    int n = 0;
    if (!raw[0]) {
        n = derived_dir(st->path, st->runs_dir, sizeof st->runs_dir);
    } else if (raw[0] == '/') {
        n = snprintf(st->runs_dir, sizeof st->runs_dir, "%s", raw) >= (int)sizeof st->runs_dir;
    } else {
        const char *slash = strrchr(st->path, '/');
        n = snprintf(st->runs_dir, sizeof st->runs_dir, "%.*s%s",
                     slash ? (int)(slash - st->path + 1) : 0, st->path,
                     raw) >= (int)sizeof st->runs_dir;
    }
    if (n) return ae_fail(err, "%s: the runs directory's path is too long", st->path);
    return 0;
}

const char *store_runs_dir(const store *st)
{
    return st->runs_dir;
}

int store_run_dir(const store *st, int64_t run, char *out, size_t len, ae_err *err)
{
    int n = snprintf(out, len, "%s/%lld", st->runs_dir, (long long)run);
    if (n < 0 || (size_t)n >= len) return ae_fail(err, "%s: run directory path too long", st->path);
    return 0;
}

/* ---- claiming the runs directory -------------------------------------------------------- */

/* mkdir dir (0700): the runs directory sits beside the store file, so its parent exists. */
static int make_dir(const char *dir, ae_err *err)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return ae_fail(err, "%s: cannot create the directory: %s", dir, strerror(errno));
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return ae_fail(err, "%s: not a directory", dir);
    return 0;
}

/* The UUID of the store that claimed dir into owner ("" when none), and the name of its file
 * into name (when given; "" when the claim does not say): 0, or -1 on error. */
static int read_claim(const char *dir, char owner[37], char name[256], ae_err *err)
{
    char path[4200], buf[512];
    owner[0] = 0;
    if (name) name[0] = 0;
    snprintf(path, sizeof path, "%s/" CLAIM_FILE, dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return errno == ENOENT ? 0 : ae_fail(err, "%s: %s", path, strerror(errno));
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    size_t pl = strlen(CLAIM_PREFIX);
    if (n < (ssize_t)(pl + 36) || strncmp(buf, CLAIM_PREFIX, pl))
        return ae_fail(
            err, "%s: not a claim of an aetui store (remove it if the directory is yours)", path);
    snprintf(owner, 37, "%.36s", buf + pl);
    const char *nl = strstr(buf, CLAIM_NAME);
    if (name && nl) {
        nl += strlen(CLAIM_NAME);
        snprintf(name, 256, "%.*s", (int)strcspn(nl, "\n"), nl);
    }
    return 0;
}

/* The store file's name without its folder. */
static const char *base_name(const store *st)
{
    const char *slash = strrchr(st->path, '/');
    return slash ? slash + 1 : st->path;
}

/* Claims dir for st: 1 when it is st's (now or before), 0 when another store's (owner
 * filled), -1 on error. */
static int claim(store *st, const char *dir, char owner[37], ae_err *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/" CLAIM_FILE, dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd >= 0) {
        char line[512];
        int n = snprintf(line, sizeof line, CLAIM_PREFIX "%s" CLAIM_NAME "%.255s\n", st->uuid,
                         base_name(st));
        int ok = write(fd, line, (size_t)n) == n;
        if (close(fd) != 0) ok = 0;
        if (!ok) {
            unlink(path);
            return ae_fail(err, "%s: cannot write: %s", path, strerror(errno));
        }
        snprintf(owner, 37, "%s", st->uuid);
        return 1;
    }
    if (errno != EEXIST) return ae_fail(err, "%s: cannot create: %s", path, strerror(errno));
    if (read_claim(dir, owner, NULL, err)) return -1;
    return !strcmp(owner, st->uuid);
}

int store_dirs_adopt(store *st, ae_err *err)
{
    char owner[37], name[256];
    ae_err ignored;
    if (read_claim(st->runs_dir, owner, name, &ignored) || !owner[0] || !strcmp(owner, st->uuid))
        return 0;
    if (name[0] && strcmp(name, base_name(st))) { /* another file's: is it there? */
        char other[4400];
        const char *slash = strrchr(st->path, '/');
        snprintf(other, sizeof other, "%.*s%s", slash ? (int)(slash - st->path + 1) : 0, st->path,
                 name);
        if (access(other, F_OK) == 0) return 0; /* a store next door: never shared */
    }
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "UPDATE meta SET value = ?1 WHERE key = 'store_uuid'", -1, &s,
                           NULL) != SQLITE_OK)
        return store_fail_db(st, err, "taking over the runs directory");
    store_bind_text(s, 1, owner);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return store_fail_db(st, err, "taking over the runs directory");
    snprintf(st->uuid, sizeof st->uuid, "%s", owner);
    return 0;
}

/* An old store's runs/ belongs to another store: from now on this one uses its own. */
static int leave_legacy_dir(store *st, ae_err *err)
{
    if (store_writable(st, err) || store_begin(st, err)) return -1;
    if (sqlite3_exec(st->db, "DELETE FROM meta WHERE key = 'runs_dir'", NULL, NULL, NULL) !=
        SQLITE_OK) {
        store_fail_db(st, err, "changing the runs directory");
        store_rollback(st);
        return -1;
    }
    if (store_commit(st, err)) return -1;
    st->runs_dir[0] = 0;
    return store_dirs_init(st, err);
}

int store_run_dir_make(store *st, int64_t run, int fresh, char *out, size_t len, ae_err *err)
{
    for (int attempt = 0;; attempt++) {
        if (make_dir(st->runs_dir, err)) return -1;
        if (!st->uuid[0]) break; /* a store that cannot say who it is (read-only, old) */
        char owner[37];
        int mine = claim(st, st->runs_dir, owner, err);
        if (mine < 0) return -1;
        if (mine) break;
        if (st->runs_dir_legacy && attempt == 0) {
            if (leave_legacy_dir(st, err)) return -1;
            continue;
        }
        return ae_fail(err,
                       "%s holds the runs of another store (%s); this store (%s, %s) does not "
                       "write there: rename the store, or move the other store's files",
                       st->runs_dir, owner, st->path, st->uuid);
    }
    if (store_run_dir(st, run, out, len, err)) return -1;
    if (mkdir(out, 0700) == 0) return 0;
    if (errno != EEXIST) return ae_fail(err, "%s: cannot create: %s", out, strerror(errno));
    struct stat sb;
    if (lstat(out, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return ae_fail(err, "%s: not a directory", out);
    if (fresh)
        return ae_fail(err,
                       "%s exists already, with another run's files (records of it may be lost "
                       "from %s); not overwritten",
                       out, st->path);
    return 0;
}

/* ---- temporary files left behind -------------------------------------------------------- */

/* How the temporary file `name` was left: 1 by a process still alive (keep it), 0 by a dead
 * one, 2 by an older aetui (no pid in the name), -1 not a temporary file. */
static int tmp_owner(const char *name)
{
    const char *t = strstr(name, ".tmp-"), *n;
    if (!t) return -1;
    while ((n = strstr(t + 1, ".tmp-"))) t = n;
    t += 5;
    char *end;
    errno = 0;
    long pid = strtol(t, &end, 10);
    if (end == t || *end != '-' || errno || pid <= 0) return 2;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* Removes the leftovers in dir; older ones (no pid) only when `idle`. */
static int clean_dir(const char *dir, int idle)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        int owner = tmp_owner(e->d_name);
        if (owner == 0 || (owner == 2 && idle)) {
            char path[4400];
            snprintf(path, sizeof path, "%.4096s/%.255s", dir, e->d_name);
            struct stat sb;
            if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) && unlink(path) == 0) removed++;
        }
    }
    closedir(d);
    return removed;
}

/* 1 when the run is recorded as running, else 0. */
static int is_running(store *st, int64_t run)
{
    sqlite3_stmt *s = store_stmt(st, SQ_RUN_STATUS, NULL);
    if (!s) return 1; /* when unsure, keep */
    sqlite3_bind_int64(s, 1, run);
    int rc = sqlite3_step(s), running = 0;
    if (rc == SQLITE_ROW) running = !strcmp((const char *)sqlite3_column_text(s, 0), "running");
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? running : rc != SQLITE_DONE;
}

int store_run_dir_clean(store *st, int64_t run)
{
    char dir[4200];
    if (store_run_dir(st, run, dir, sizeof dir, NULL)) return 0;
    return clean_dir(dir, !is_running(st, run));
}

void store_dirs_clean(store *st)
{
    DIR *d = opendir(st->runs_dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        long long id = strtoll(e->d_name, &end, 10);
        if (e->d_name[0] < '1' || e->d_name[0] > '9' || *end || id <= 0) continue;
        store_run_dir_clean(st, id);
    }
    closedir(d);
}
