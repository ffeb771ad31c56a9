/* test_store.c: the run store (db/): schema creation and the pragmas, migration from a
 * version-1 file, a newer schema opening read-only, files that are not ours or not SQLite
 * refused and left byte for byte, interrupted-run detection with a dead pid and a recycled
 * one, typed parameters sorting numerically, the summary moving with its epoch, NaN refused,
 * the batch-loss packing, artifacts, tags, notes, deletion, data_version change detection, and
 * the PCA baseline cache of schema 3 (migration from version 2, put/get/replace, the lookup by
 * a run's dataset, data hash and params, bad values refused).
 *
 * For tests/test_cli_store.sh (no sqlite3 CLI needed on the machine): `test_store --fill PATH`
 * fills a store, `--v3 PATH` makes one of schema 3, `--check PATH` runs PRAGMA integrity_check,
 * `--bump-version PATH` makes it look like a newer aetui's, `--lock PATH SECS` holds its write lock
 * for a while. */
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "testlib.h"

static char dir[1024];

static const char *tmp(const char *name)
{
    static char buf[8][1200];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", dir, name);
    return b;
}

/* Reads a whole file; *len its size. */
static char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc(*len + 1);
    if (fread(b, 1, *len, f) != (size_t)*len) *len = -1;
    fclose(f);
    return b;
}

static long long raw_int(const char *path, const char *sql)
{
    sqlite3 *db;
    long long v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *s;
        if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
            if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
            sqlite3_finalize(s);
        }
    }
    sqlite3_close(db);
    return v;
}

static int raw_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static store_run mkrun(const char *model, const char *dataset)
{
    store_run r;
    memset(&r, 0, sizeof r);
    snprintf(r.model, sizeof r.model, "%s", model);
    snprintf(r.dataset, sizeof r.dataset, "%s", dataset);
    r.pid = getpid();
    r.pid_start = store_proc_start(r.pid);
    gethostname(r.host, sizeof r.host - 1);
    snprintf(r.version, sizeof r.version, "test");
    r.threads = 1;
    r.seed = 42;
    return r;
}

static int64_t begin(store *st, const char *model, double lr, int latent)
{
    store_run r = mkrun(model, model[0] == 'c' ? "cifar10" : "sines");
    store_param p[3] = {{.name = "lr", .num = lr},
                        {.name = "latent", .num = latent},
                        {.name = "model", .is_text = 1}};
    snprintf(p[2].text, sizeof p[2].text, "%s", model);
    int64_t id = 0;
    ae_err err = {{0}};
    int rc = store_run_begin(st, &r, p, 3, &id, &err);
    CHECK(rc == 0 && id > 0, "run_begin: %s", err.msg);
    return id;
}

static int add_epoch(store *st, int64_t run, int epoch, double test_loss, ae_err *err)
{
    float losses[7];
    for (int i = 0; i < 7; i++) losses[i] = (float)(test_loss * (1.0 + 0.01 * i));
    store_epoch e = {.epoch = epoch,
                     .train_loss = test_loss * 1.1,
                     .train_mae = 0.2,
                     .test_loss = test_loss,
                     .test_mae = 0.25,
                     .seconds = 1.5,
                     .samples_per_sec = 100,
                     .lr = 1e-3};
    return store_epoch_add(st, run, &e, losses, 7, err);
}

static void test_create(void)
{
    const char *p = tmp("create.db");
    store *st;
    ae_err err = {{0}};
    CHECK(store_open(&st, p, 0, &err) == -1, "missing file without STORE_CREATE must fail");
    CHECK(strstr(err.msg, "no run store"), "message: %s", err.msg);
    CHECK(store_open(&st, p, STORE_CREATE, &err) == 0, "create: %s", err.msg);
    if (!st) return;
    CHECK(store_version(st) == STORE_SCHEMA_VERSION, "version %d", store_version(st));
    CHECK(!store_readonly(st), "writable");
    struct stat sb;
    CHECK(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0600, "mode %o", sb.st_mode & 0777);
    store_close(st);
    CHECK(raw_int(p, "PRAGMA application_id") == STORE_APPLICATION_ID, "application_id");
    CHECK(raw_int(p, "PRAGMA user_version") == STORE_SCHEMA_VERSION, "user_version");
    CHECK(raw_int(p, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'") == 1,
          "WAL");
    CHECK(raw_int(p, "SELECT count(*) FROM sqlite_master WHERE name = 'artifacts'") == 1,
          "artifacts table");
    /* reopening is idempotent */
    CHECK(store_open(&st, p, 0, &err) == 0, "reopen: %s", err.msg);
    store_close(st);
    CHECK(raw_int(p, "PRAGMA user_version") == STORE_SCHEMA_VERSION, "user_version kept");
}

static void test_migrate_v1(void)
{
    const char *p = tmp("v1.db");
    ae_err err = {{0}};
    CHECK(store_create_version(p, 1, &err) == 0, "create v1: %s", err.msg);
    CHECK(raw_int(p, "PRAGMA user_version") == 1, "v1 file");
    CHECK(raw_int(p, "SELECT count(*) FROM sqlite_master WHERE name = 'tags'") == 0,
          "v1 has no tags");
    CHECK(raw_exec(p, "INSERT INTO runs(model, dataset, status, created) VALUES"
                      "('lstm', 'sines', 'finished', 1700000000);"
                      "INSERT INTO params VALUES(1, 'lr', 0.001, NULL);") == SQLITE_OK,
          "v1 rows");
    store *st;
    CHECK(store_open(&st, p, 0, &err) == 0, "open v1: %s", err.msg);
    if (!st) return;
    CHECK(store_version(st) == STORE_SCHEMA_VERSION, "migrated to %d", store_version(st));
    store_run r;
    CHECK(store_run_get(st, 1, &r, &err) == 0 && !strcmp(r.model, "lstm"), "v1 run kept");
    CHECK(store_tag_add(st, 1, "old", &err) == 0, "tags after migration: %s", err.msg);
    store_close(st);
    CHECK(raw_int(p, "PRAGMA user_version") == STORE_SCHEMA_VERSION, "user_version migrated");
    CHECK(raw_int(p, "SELECT count(*) FROM tags") == 1, "tag stored");
    CHECK(raw_int(p, "SELECT count(*) FROM sqlite_master WHERE name = 'baselines'") == 1,
          "v1 migrated through 3: baselines table");
}

static store_baseline mkbaseline(const char *dataset, const char *sha, int train, int test,
                                 int latent, double mse)
{
    store_baseline b;
    memset(&b, 0, sizeof b);
    snprintf(b.dataset, sizeof b.dataset, "%s", dataset);
    snprintf(b.data_sha256, sizeof b.data_sha256, "%s", sha);
    snprintf(b.test_sha256, sizeof b.test_sha256, "t-%s", sha);
    b.train = train, b.test = test, b.latent = latent;
    b.mse = mse, b.mae = mse * 4, b.explained = 0.8, b.seconds = 1.25;
    return b;
}

static void test_migrate_v2(void)
{
    const char *p = tmp("v2.db");
    ae_err err = {{0}};
    CHECK(store_create_version(p, 2, &err) == 0, "create v2: %s", err.msg);
    CHECK(raw_int(p, "PRAGMA user_version") == 2, "v2 file");
    CHECK(raw_int(p, "SELECT count(*) FROM sqlite_master WHERE name = 'baselines'") == 0,
          "v2 has no baselines");
    CHECK(raw_exec(p, "INSERT INTO runs(model, dataset, status, created, data_sha256) VALUES"
                      "('cnn', 'cifar10', 'finished', 1700000000, 'abc');"
                      "INSERT INTO tags VALUES(1, 'kept');") == SQLITE_OK,
          "v2 rows");
    store *st;
    CHECK(store_open(&st, p, 0, &err) == 0, "open v2: %s", err.msg);
    if (!st) return;
    CHECK(store_version(st) == STORE_SCHEMA_VERSION, "migrated to %d", store_version(st));
    store_baseline b = mkbaseline("cifar10", "abc", 8000, 2000, 32, 0.0123), c;
    CHECK(store_baseline_put(st, &b, &err) == 0, "baseline after migration: %s", err.msg);
    CHECK(store_baseline_get(st, "cifar10", "abc", 8000, 2000, 32, &c, &err) == 1 &&
              c.mse == 0.0123,
          "baseline back");
    store_close(st);
    CHECK(raw_int(p, "PRAGMA user_version") == STORE_SCHEMA_VERSION, "user_version migrated");
    CHECK(raw_int(p, "SELECT count(*) FROM tags") == 1 &&
              raw_int(p, "SELECT count(*) FROM runs") == 1,
          "v2 rows kept");
}

static int is_uuid(const char *u)
{
    if (strlen(u) != 36 || u[14] != '4' || !strchr("89ab", u[19])) return 0;
    for (int i = 0; i < 36; i++)
        if ((i == 8 || i == 13 || i == 18 || i == 23) ? u[i] != '-'
                                                      : !strchr("0123456789abcdef", u[i]))
            return 0;
    return 1;
}

/* A version-3 store with runs 1, 2 and 5 (5 retrains 2), each with params, epochs, a summary
 * whose time is the last process's only, tags and an artifact. */
static void make_v3(const char *p)
{
    ae_err err = {{0}};
    CHECK(store_create_version(p, 3, &err) == 0, "create v3: %s", err.msg);
    CHECK(raw_exec(p, "INSERT INTO runs(id, model, dataset, status, created, host) VALUES"
                      " (1, 'lstm', 'sines', 'finished', 1700000000, 'h1'),"
                      " (2, 'cnn', 'cifar10', 'stopped', 1700000100, 'h2');"
                      "INSERT INTO runs(id, parent, model, status, created) VALUES"
                      " (5, 2, 'cnn', 'finished', 1700000200);"
                      "INSERT INTO params VALUES(1, 'lr', 0.001, NULL), (2, 'lr', 0.01, NULL),"
                      " (5, 'model', NULL, 'cnn');"
                      "INSERT INTO epochs(run, epoch, test_loss, seconds, samples_per_sec) VALUES"
                      " (1, 1, 0.5, 2.0, 100), (1, 2, 0.4, 3.0, 200), (2, 1, 0.3, 1.0, 50);"
                      "INSERT INTO summary(run, epochs, test_mse, seconds, samples_per_sec) VALUES"
                      " (1, 2, 0.4, 3.0, 200), (2, 1, 0.3, 1.0, 50);"
                      "INSERT INTO tags VALUES(2, 'kept'), (5, 'child');"
                      "INSERT INTO artifacts VALUES(5, 'x', 'u8', 1, 1, x'00', 1700000300);") ==
              SQLITE_OK,
          "v3 rows");
}

static void test_migrate_v3(void)
{
    const char *p = tmp("v3.db");
    make_v3(p);
    ae_err err = {{0}};
    store *st;
    CHECK(store_open(&st, p, 0, &err) == 0, "open v3: %s", err.msg);
    if (!st) return;
    CHECK(store_version(st) == STORE_SCHEMA_VERSION, "migrated to %d", store_version(st));
    CHECK(is_uuid(store_uuid(st)), "store UUID '%s'", store_uuid(st));
    /* the runs keep their ids, rows and links, and each has a UUID of its own */
    store_run r1, r2, r5;
    CHECK(store_run_get(st, 1, &r1, &err) == 0 && store_run_get(st, 2, &r2, &err) == 0 &&
              store_run_get(st, 5, &r5, &err) == 0,
          "runs kept: %s", err.msg);
    CHECK(is_uuid(r1.uuid) && is_uuid(r2.uuid) && is_uuid(r5.uuid) && strcmp(r1.uuid, r2.uuid) &&
              strcmp(r2.uuid, r5.uuid) && strcmp(r1.uuid, store_uuid(st)),
          "run UUIDs %s %s %s", r1.uuid, r2.uuid, r5.uuid);
    CHECK(!strcmp(r1.host, "h1") && !strcmp(r2.model, "cnn") && r5.parent == 2, "fields kept");
    int64_t found;
    CHECK(store_run_find_uuid(st, r2.uuid, &found, &err) == 1 && found == 2, "found by UUID");
    CHECK(store_run_find_uuid(st, "00000000-0000-4000-8000-000000000000", &found, &err) == 0,
          "unknown UUID");
    CHECK(raw_int(p, "SELECT count(*) FROM params") == 3 &&
              raw_int(p, "SELECT count(*) FROM epochs") == 3 &&
              raw_int(p, "SELECT count(*) FROM tags") == 2 &&
              raw_int(p, "SELECT count(*) FROM artifacts") == 1,
          "rows hanging off the runs kept");
    /* the time of a run is what its epochs took, samples/s over all of them */
    store_summary s;
    CHECK(store_summary_get(st, 1, &s, &err) == 0 && fabs(s.seconds - 5.0) < 1e-9 &&
              fabs(s.samples_per_sec - 800.0 / 5) < 1e-9,
          "summary recomputed: %g s, %g samples/s", s.seconds, s.samples_per_sec);
    /* an old store with runs remembers where their files are */
    char want[1200];
    snprintf(want, sizeof want, "%s/runs", dir);
    CHECK(!strcmp(store_runs_dir(st), want), "runs dir %s", store_runs_dir(st));
    /* ids are never given twice: AUTOINCREMENT */
    int64_t a = begin(st, "lstm", 1e-3, 8);
    CHECK(a == 6, "next id %lld", (long long)a);
    CHECK(store_run_delete(st, a, &err) == 0, "delete: %s", err.msg);
    int64_t b = begin(st, "lstm", 1e-3, 8);
    CHECK(b == 7, "the deleted run's id is not given again: %lld", (long long)b);
    /* foreign keys still hold after the rebuild */
    CHECK(store_run_delete(st, 2, &err) == 0, "delete 2: %s", err.msg);
    CHECK(store_run_get(st, 5, &r5, &err) == 0 && r5.parent == 0, "child's parent cleared");
    store_close(st);
    CHECK(raw_int(p, "SELECT count(*) FROM params WHERE run = 2") == 0 &&
              raw_int(p, "SELECT count(*) FROM epochs WHERE run = 2") == 0 &&
              raw_int(p, "SELECT count(*) FROM tags WHERE run = 2") == 0 &&
              raw_int(p, "SELECT count(*) FROM summary WHERE run = 2") == 0,
          "delete cascades after the rebuild");
    CHECK(raw_int(p, "SELECT count(*) FROM pragma_foreign_key_check") == 0, "no dangling rows");
    CHECK(raw_int(p, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") ==
              1,
          "integrity");
    CHECK(raw_int(p, "SELECT count(*) FROM sqlite_master WHERE name = 'runs' AND sql LIKE "
                     "'%AUTOINCREMENT%'") == 1,
          "runs has AUTOINCREMENT");

    /* an old store without runs takes the runs directory of its name */
    const char *q = tmp("v3empty.db");
    CHECK(store_create_version(q, 3, &err) == 0, "create: %s", err.msg);
    CHECK(store_open(&st, q, 0, &err) == 0, "open: %s", err.msg);
    if (!st) return;
    snprintf(want, sizeof want, "%s/v3empty.runs", dir);
    CHECK(!strcmp(store_runs_dir(st), want), "runs dir %s", store_runs_dir(st));
    store_close(st);
}

/* Reading an old store where nothing may be written: a copy in memory, migrated there. */
static void test_readonly_old(void)
{
    const char *p = tmp("v3ro.db");
    make_v3(p);
    long n0, n1;
    char *before = slurp(p, &n0);
    store *st;
    ae_err err = {{0}};
    CHECK(store_open(&st, p, STORE_READONLY, &err) == 0, "open v3 read-only: %s", err.msg);
    if (st) {
        store_run r;
        store_summary s;
        CHECK(store_run_get(st, 5, &r, &err) == 0 && r.parent == 2 && is_uuid(r.uuid), "reads: %s",
              err.msg);
        CHECK(store_summary_get(st, 1, &s, &err) == 0 && s.epochs == 2, "summary read");
        CHECK(strstr(store_notice(st), "version 3"), "notice: %s", store_notice(st));
        CHECK(store_tag_add(st, 1, "x", &err) == -1 && strstr(err.msg, "read-only"),
              "writes refused: %s", err.msg);
        store_close(st);
    }
    char *after = slurp(p, &n1);
    CHECK(n0 == n1 && !memcmp(before, after, n0), "the old file is not changed");
    CHECK(raw_int(p, "PRAGMA user_version") == 3, "still version 3");
    free(before), free(after);
}

/* Each store its own runs directory, claimed; ids above existing directories. */
static void test_dirs(void)
{
    ae_err err = {{0}};
    store *a, *b, *c;
    CHECK(store_open(&a, tmp("a.db"), STORE_CREATE, &err) == 0, "a: %s", err.msg);
    CHECK(store_open(&b, tmp("b.db"), STORE_CREATE, &err) == 0, "b: %s", err.msg);
    CHECK(store_open(&c, tmp("plain"), STORE_CREATE, &err) == 0, "plain: %s", err.msg);
    if (!a || !b || !c) return;
    char want[1200], d1[4200], d2[4200];
    snprintf(want, sizeof want, "%s/a.runs", dir);
    CHECK(!strcmp(store_runs_dir(a), want), "a's runs dir %s", store_runs_dir(a));
    snprintf(want, sizeof want, "%s/plain.runs", dir);
    CHECK(!strcmp(store_runs_dir(c), want), "plain's runs dir %s", store_runs_dir(c));
    CHECK(strcmp(store_uuid(a), store_uuid(b)) && is_uuid(store_uuid(a)), "distinct stores");
    int64_t ra = begin(a, "lstm", 1e-3, 8), rb = begin(b, "lstm", 1e-3, 8);
    CHECK(ra == 1 && rb == 1, "both start at 1");
    CHECK(store_run_dir_make(a, ra, 1, d1, sizeof d1, &err) == 0, "make a/1: %s", err.msg);
    CHECK(store_run_dir_make(b, rb, 1, d2, sizeof d2, &err) == 0, "make b/1: %s", err.msg);
    CHECK(strcmp(d1, d2), "two stores, two directories: %s %s", d1, d2);
    CHECK(store_run_dir_make(a, ra, 1, d1, sizeof d1, &err) == -1 && strstr(err.msg, "exists"),
          "a new run never takes an existing directory: %s", err.msg);
    CHECK(store_run_dir_make(a, ra, 0, d1, sizeof d1, &err) == 0, "a resumed run takes its own");
    /* a directory left by a run the store lost: the next id skips it */
    snprintf(d1, sizeof d1, "%s/2", store_runs_dir(a));
    CHECK(mkdir(d1, 0700) == 0, "mkdir %s", d1);
    int64_t ra2 = begin(a, "lstm", 1e-3, 8);
    CHECK(ra2 == 3, "id above the existing directory: %lld", (long long)ra2);
    /* the claim: a store whose name leads to another's runs directory does not write there */
    store *a2;
    CHECK(store_open(&a2, tmp("a"), STORE_CREATE, &err) == 0, "a: %s", err.msg);
    if (a2) {
        int64_t x = begin(a2, "lstm", 1e-3, 8);
        CHECK(store_run_dir_make(a2, x, 1, d1, sizeof d1, &err) == -1 &&
                  strstr(err.msg, "another store") && strstr(err.msg, store_uuid(a)),
              "another store's directory refused: %s", err.msg);
        store_close(a2);
    }
    /* temporary files: of dead processes removed, of live ones kept */
    pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, NULL, 0);
    char dead[4400], live[4400], old[4400], keep[4400];
    snprintf(dead, sizeof dead, "%s/1/last.state.tmp-%d-AbCdEf", store_runs_dir(a), (int)child);
    snprintf(live, sizeof live, "%s/1/last.state.tmp-%d-AbCdEf", store_runs_dir(a), (int)getpid());
    snprintf(old, sizeof old, "%s/1/last.safetensors.tmp-Xy12Zw", store_runs_dir(a));
    snprintf(keep, sizeof keep, "%s/1/last.safetensors", store_runs_dir(a));
    test_write_file(dead, "x", 1), test_write_file(live, "x", 1);
    test_write_file(old, "x", 1), test_write_file(keep, "x", 1);
    CHECK(store_run_dir_clean(a, ra) == 1 && access(dead, F_OK) != 0 && access(live, F_OK) == 0 &&
              access(old, F_OK) == 0,
          "the dead process's file removed; the running run's older one kept");
    CHECK(store_run_end(a, ra, "stopped", "", &err) == 0, "end: %s", err.msg);
    store_close(a);
    CHECK(store_open(&a, tmp("a.db"), 0, &err) == 0, "reopen: %s", err.msg); /* cleans */
    CHECK(access(old, F_OK) != 0 && access(live, F_OK) == 0 && access(keep, F_OK) == 0,
          "opening cleans the leftovers of runs that are not running, keeps the rest");
    /* the store file lost (deleted, or its WAL with every record): a new one goes on in the
     * folder its predecessor left, with that identity, above the folders there */
    char was[37];
    snprintf(was, sizeof was, "%s", store_uuid(a));
    store_close(a), store_close(b), store_close(c);
    unlink(tmp("a.db")), unlink(tmp("a.db-wal")), unlink(tmp("a.db-shm"));
    CHECK(store_open(&a, tmp("a.db"), STORE_CREATE, &err) == 0, "a anew: %s", err.msg);
    if (!a) return;
    CHECK(!strcmp(store_uuid(a), was), "the predecessor's identity: %s, was %s", store_uuid(a),
          was);
    int64_t r = begin(a, "lstm", 1e-3, 8);
    struct stat sb;
    CHECK(store_run_dir(a, r, d1, sizeof d1, &err) == 0 && stat(d1, &sb) != 0,
          "run %lld takes a free folder", (long long)r);
    CHECK(store_run_dir_make(a, r, 1, d1, sizeof d1, &err) == 0, "make: %s", err.msg);
    store_close(a);
}

/* Two old stores side by side used the same runs/: the first to write claims it, the second
 * moves on to a directory of its own. */
static void test_dirs_legacy(void)
{
    char sub[1200], pa[1300], pb[1300];
    snprintf(sub, sizeof sub, "%s/legacy", dir);
    CHECK(mkdir(sub, 0700) == 0, "mkdir");
    snprintf(pa, sizeof pa, "%s/a.db", sub);
    snprintf(pb, sizeof pb, "%s/b.db", sub);
    make_v3(pa), make_v3(pb);
    ae_err err = {{0}};
    store *a, *b;
    CHECK(store_open(&a, pa, 0, &err) == 0 && store_open(&b, pb, 0, &err) == 0, "%s", err.msg);
    if (!a || !b) return;
    char runs[1400], d[4200];
    snprintf(runs, sizeof runs, "%s/runs", sub);
    CHECK(!strcmp(store_runs_dir(a), runs) && !strcmp(store_runs_dir(b), runs),
          "both remember runs/");
    int64_t ra = begin(a, "lstm", 1e-3, 8), rb = begin(b, "lstm", 1e-3, 8);
    CHECK(store_run_dir_make(a, ra, 1, d, sizeof d, &err) == 0, "a: %s", err.msg);
    CHECK(store_run_dir_make(b, rb, 1, d, sizeof d, &err) == 0, "b: %s", err.msg);
    snprintf(runs, sizeof runs, "%s/b.runs/%lld", sub, (long long)rb);
    CHECK(!strcmp(d, runs), "b moved to its own directory: %s", d);
    store_close(b);
    CHECK(store_open(&b, pb, 0, &err) == 0, "reopen b: %s", err.msg);
    snprintf(runs, sizeof runs, "%s/b.runs", sub);
    CHECK(b && !strcmp(store_runs_dir(b), runs), "and stays there");
    store_close(a), store_close(b);
}

static void test_baselines(void)
{
    const char *p = tmp("baselines.db");
    store *st;
    ae_err err = {{0}};
    CHECK(store_open(&st, p, STORE_CREATE, &err) == 0, "create: %s", err.msg);
    if (!st) return;
    store_baseline b = mkbaseline("sines", "s1", 3200, 800, 20, 0.0026), c;
    CHECK(store_baseline_get(st, "sines", "s1", 3200, 800, 20, &c, &err) == 0, "empty cache");
    CHECK(store_baseline_put(st, &b, &err) == 0, "put: %s", err.msg);
    memset(&c, 0, sizeof c);
    CHECK(store_baseline_get(st, "sines", "s1", 3200, 800, 20, &c, &err) == 1, "get: %s", err.msg);
    CHECK(!strcmp(c.dataset, "sines") && !strcmp(c.data_sha256, "s1") &&
              !strcmp(c.test_sha256, "t-s1") && c.train == 3200 && c.test == 800 &&
              c.latent == 20 && c.mse == 0.0026 && c.mae == 0.0026 * 4 && c.explained == 0.8 &&
              c.seconds == 1.25 && c.created > 1.6e9,
          "fields back");
    /* every part of the key counts */
    CHECK(store_baseline_get(st, "sines", "s1", 3200, 800, 21, &c, &err) == 0, "other k");
    CHECK(store_baseline_get(st, "sines", "s1", 3201, 800, 20, &c, &err) == 0, "other N");
    CHECK(store_baseline_get(st, "sines", "s1", 3200, 801, 20, &c, &err) == 0, "other M");
    CHECK(store_baseline_get(st, "sines", "s2", 3200, 800, 20, &c, &err) == 0, "other data");
    CHECK(store_baseline_get(st, "mnist", "s1", 3200, 800, 20, &c, &err) == 0, "other dataset");
    /* replacing; unknown numbers as NaN */
    b.mse = 0.002, b.explained = NAN, b.seconds = NAN;
    CHECK(store_baseline_put(st, &b, &err) == 0, "replace: %s", err.msg);
    CHECK(store_baseline_get(st, "sines", "s1", 3200, 800, 20, &c, &err) == 1 && c.mse == 0.002 &&
              isnan(c.explained) && isnan(c.seconds),
          "replaced");
    CHECK(raw_int(p, "SELECT count(*) FROM baselines") == 1, "one row per key");
    /* bad values */
    store_baseline bad = b;
    bad.mse = NAN;
    CHECK(store_baseline_put(st, &bad, &err) == -1 && strstr(err.msg, "finite"), "NaN refused: %s",
          err.msg);
    bad = b, bad.mae = INFINITY;
    CHECK(store_baseline_put(st, &bad, &err) == -1, "infinite refused");
    bad = b, bad.latent = 0;
    CHECK(store_baseline_put(st, &bad, &err) == -1, "latent 0 refused");
    bad = b, bad.data_sha256[0] = 0;
    CHECK(store_baseline_put(st, &bad, &err) == -1, "no data hash refused");
    /* a run finds the baseline of its dataset, data hash and train/test/latent params */
    store_run r = mkrun("lstm", "sines");
    snprintf(r.data_sha256, sizeof r.data_sha256, "s1");
    store_param prm[3] = {{.name = "train", .num = 3200},
                          {.name = "test", .num = 800},
                          {.name = "latent", .num = 20}};
    int64_t id = 0, other = 0;
    CHECK(store_run_begin(st, &r, prm, 3, &id, &err) == 0, "run: %s", err.msg);
    prm[2].num = 16;
    CHECK(store_run_begin(st, &r, prm, 3, &other, &err) == 0, "run: %s", err.msg);
    CHECK(store_baseline_for_run(st, id, &c, &err) == 1 && c.mse == 0.002 && c.latent == 20,
          "run's baseline: %s", err.msg);
    CHECK(store_baseline_for_run(st, other, &c, &err) == 0, "none for latent 16");
    CHECK(store_baseline_for_run(st, 9999, &c, &err) == 0, "none for an unknown run");
    store_close(st);
    /* read-only: reads work, writes are refused */
    CHECK(store_open(&st, p, STORE_READONLY, &err) == 0, "open read-only: %s", err.msg);
    if (!st) return;
    CHECK(store_baseline_get(st, "sines", "s1", 3200, 800, 20, &c, &err) == 1, "read-only get");
    CHECK(store_baseline_put(st, &b, &err) == -1 && strstr(err.msg, "read-only"),
          "read-only put refused: %s", err.msg);
    store_close(st);
}

static void test_newer(void)
{
    const char *p = tmp("newer.db");
    store *st;
    ae_err err = {{0}};
    CHECK(store_open(&st, p, STORE_CREATE, &err) == 0, "create: %s", err.msg);
    if (!st) return;
    int64_t id = begin(st, "lstm", 1e-3, 8);
    store_close(st);
    CHECK(raw_exec(p, "PRAGMA user_version = 99") == SQLITE_OK, "bump version");
    long n0, n1;
    char *before = slurp(p, &n0);
    CHECK(store_open(&st, p, 0, &err) == 0, "open newer: %s", err.msg);
    if (st) {
        CHECK(store_readonly(st), "read-only");
        CHECK(strstr(store_notice(st), "newer") && strstr(store_notice(st), "read-only"),
              "notice: %s", store_notice(st));
        store_run r;
        CHECK(store_run_get(st, id, &r, &err) == 0, "reads work: %s", err.msg);
        CHECK(store_tag_add(st, id, "x", &err) == -1 && strstr(err.msg, "read-only"),
              "writes refused: %s", err.msg);
        store_close(st);
    }
    char *after = slurp(p, &n1);
    CHECK(n0 == n1 && !memcmp(before, after, n0), "newer file unchanged");
    CHECK(raw_int(p, "PRAGMA user_version") == 99, "version untouched");
    free(before), free(after);
}

static void test_foreign(void)
{
    store *st;
    ae_err err = {{0}};
    long n0, n1;
    /* SQLite, not ours */
    const char *p = tmp("other.db");
    CHECK(raw_exec(p, "CREATE TABLE t(x); INSERT INTO t VALUES(1);") == SQLITE_OK, "other db");
    char *before = slurp(p, &n0);
    CHECK(store_open(&st, p, STORE_CREATE, &err) == -1 && !st, "foreign SQLite refused");
    CHECK(strstr(err.msg, "not an aetui run store") && strstr(err.msg, "left as it is"),
          "message: %s", err.msg);
    char *after = slurp(p, &n1);
    CHECK(n0 == n1 && !memcmp(before, after, n0), "foreign SQLite untouched");
    CHECK(access(tmp("other.db-wal"), F_OK) != 0, "no WAL left beside it");
    free(before), free(after);

    /* SQLite with another application_id and no tables */
    p = tmp("otherapp.db");
    CHECK(raw_exec(p, "PRAGMA application_id = 1234") == SQLITE_OK, "other app");
    before = slurp(p, &n0);
    CHECK(store_open(&st, p, STORE_CREATE, &err) == -1, "other application_id refused");
    after = slurp(p, &n1);
    CHECK(n0 == n1 && !memcmp(before, after, n0), "other app untouched");
    free(before), free(after);

    /* not SQLite at all */
    p = tmp("notes.txt");
    const char text[] = "this is a text file, not a database\n\x1b[31mred\n";
    test_write_file(p, text, sizeof text - 1);
    CHECK(store_open(&st, p, STORE_CREATE, &err) == -1, "text file refused");
    CHECK(strstr(err.msg, "not a SQLite database"), "message: %s", err.msg);
    after = slurp(p, &n1);
    CHECK(n1 == (long)sizeof text - 1 && !memcmp(after, text, n1), "text file untouched");
    free(after);

    /* SQLite magic, garbage after it */
    p = tmp("corrupt.db");
    char junk[4096];
    memset(junk, 0xa5, sizeof junk);
    memcpy(junk, "SQLite format 3", 16);
    test_write_file(p, junk, sizeof junk);
    CHECK(store_open(&st, p, STORE_CREATE, &err) == -1, "corrupt file refused");
    CHECK(strstr(err.msg, "corrupt.db"), "message names the file: %s", err.msg);
    after = slurp(p, &n1);
    CHECK(n1 == (long)sizeof junk && !memcmp(after, junk, n1), "corrupt file untouched");
    free(after);
}

static void test_interrupted(void)
{
    const char *p = tmp("interrupted.db");
    store *st;
    ae_err err = {{0}};
    CHECK(store_open(&st, p, STORE_CREATE, &err) == 0, "create: %s", err.msg);
    if (!st) return;
    pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, NULL, 0); /* now a pid that is gone */
    store_run dead = mkrun("lstm", "sines"), alive = mkrun("lstm", "sines");
    store_run recycled = mkrun("lstm", "sines"), elsewhere = mkrun("lstm", "sines");
    dead.pid = child, dead.pid_start = 0;
    recycled.pid_start = alive.pid_start + 12345; /* our pid, another process's start */
    elsewhere.pid = child;
    snprintf(elsewhere.host, sizeof elsewhere.host, "another-host.example");
    int64_t id_dead, id_alive, id_recycled, id_elsewhere;
    CHECK(store_run_begin(st, &dead, NULL, 0, &id_dead, &err) == 0, "%s", err.msg);
    CHECK(store_run_begin(st, &alive, NULL, 0, &id_alive, &err) == 0, "%s", err.msg);
    CHECK(store_run_begin(st, &recycled, NULL, 0, &id_recycled, &err) == 0, "%s", err.msg);
    CHECK(store_run_begin(st, &elsewhere, NULL, 0, &id_elsewhere, &err) == 0, "%s", err.msg);
    store_close(st);
    CHECK(store_open(&st, p, 0, &err) == 0, "reopen: %s", err.msg);
    if (!st) return;
    store_run r;
    store_run_get(st, id_dead, &r, &err);
    CHECK(!strcmp(r.status, "interrupted"), "dead pid: %s", r.status);
    CHECK(strstr(r.message, "ended without") && r.finished > 0, "message: %s", r.message);
    store_run_get(st, id_alive, &r, &err);
    CHECK(!strcmp(r.status, "running"), "live pid: %s", r.status);
    store_run_get(st, id_recycled, &r, &err);
    CHECK(!strcmp(r.status, "interrupted"), "recycled pid: %s", r.status);
    store_run_get(st, id_elsewhere, &r, &err);
    CHECK(!strcmp(r.status, "running"), "other host left alone: %s", r.status);
    store_close(st);
}

static void test_sort_params(void)
{
    const char *p = tmp("sort.db");
    store *st;
    ae_err err = {{0}};
    CHECK(store_open(&st, p, STORE_CREATE, &err) == 0, "create: %s", err.msg);
    if (!st) return;
    int64_t a = begin(st, "lstm", 1e-3, 16), b = begin(st, "lstm", 2e-4, 8),
            c = begin(st, "cnn", 1e-2, 128);
    store_row *rows;
    int n;
    store_filter f = {.sort = "latent"};
    CHECK(store_runs_list(st, &f, &rows, &n, &err) == 0 && n == 3, "list: %s", err.msg);
    if (n == 3)
        CHECK(rows[0].id == b && rows[1].id == a && rows[2].id == c,
              "latent ascending numerically: %lld %lld %lld", (long long)rows[0].id,
              (long long)rows[1].id, (long long)rows[2].id);
    free(rows);
    f.sort = "-lr";
    CHECK(store_runs_list(st, &f, &rows, &n, &err) == 0 && n == 3, "list: %s", err.msg);
    if (n == 3)
        CHECK(rows[0].id == c && rows[1].id == a && rows[2].id == b &&
                  fabs(rows[0].sort_num - 1e-2) < 1e-12,
              "lr descending");
    free(rows);
    f = (store_filter){.model = "lstm"};
    CHECK(store_runs_list(st, &f, &rows, &n, &err) == 0 && n == 2 && rows[0].id == b,
          "model filter, newest first");
    free(rows);
    f = (store_filter){.sort = "bogus"};
    CHECK(store_runs_list(st, &f, &rows, &n, &err) == -1 && strstr(err.msg, "unknown sort"),
          "unknown column: %s", err.msg);
    f = (store_filter){.limit = 1, .sort = "id"};
    CHECK(store_runs_list(st, &f, &rows, &n, &err) == 0 && n == 1 && rows[0].id == a, "limit");
    free(rows);
    store_close(st);
}

static void test_epochs(void)
{
    const char *p = tmp("epochs.db");
    store *st, *rd;
    ae_err err = {{0}};
    CHECK(store_open(&st, p, STORE_CREATE, &err) == 0, "create: %s", err.msg);
    if (!st) return;
    CHECK(store_open(&rd, p, STORE_READONLY, &err) == 0, "reader: %s", err.msg);
    if (!rd) return;
    CHECK(store_changed(rd, &err) == 1, "first look: changed");
    CHECK(store_changed(rd, &err) == 0, "nothing new");
    int64_t id = begin(st, "lstm", 1e-3, 8);
    CHECK(store_changed(rd, &err) == 1, "the writer's commit is seen");
    const double tl[] = {0.5, 0.3, 0.4};
    store_summary s;
    for (int i = 0; i < 3; i++) {
        CHECK(add_epoch(st, id, i + 1, tl[i], &err) == 0, "epoch %d: %s", i + 1, err.msg);
        /* the reader never sees an epoch without its summary */
        store_epoch *e;
        int n;
        store_epochs_get(rd, id, &e, &n, &err);
        store_summary_get(rd, id, &s, &err);
        CHECK(n == i + 1 && s.has && s.epochs == n, "epoch %d and summary together", i + 1);
        free(e);
    }
    CHECK(s.best_epoch == 2 && s.best_test_loss == 0.3 && s.test_mse == 0.4, "best %d %g final %g",
          s.best_epoch, s.best_test_loss, s.test_mse);
    CHECK(fabs(s.seconds - 4.5) < 1e-9, "seconds add up: %g", s.seconds);
    /* a failing epoch (duplicate) leaves the summary as it was */
    CHECK(add_epoch(st, id, 3, 0.01, &err) == -1, "duplicate epoch refused");
    store_summary_get(st, id, &s, &err);
    CHECK(s.best_test_loss == 0.3 && s.epochs == 3, "summary unchanged after a failed epoch");
    /* NaN and Inf are never stored */
    store_epoch e = {
        .epoch = 4, .train_loss = 0.1, .train_mae = 0.1, .test_loss = NAN, .test_mae = 0.1};
    CHECK(store_epoch_add(st, id, &e, NULL, 0, &err) == -1 && strstr(err.msg, "nan"),
          "NaN refused: %s", err.msg);
    e.test_loss = 0.1;
    float bl[3] = {0.1f, INFINITY, 0.2f};
    CHECK(store_epoch_add(st, id, &e, bl, 3, &err) == -1 && strstr(err.msg, "batch 2"),
          "Inf batch loss refused: %s", err.msg);
    store_epoch *eps;
    int n;
    store_epochs_get(st, id, &eps, &n, &err);
    CHECK(n == 3 && eps[2].nbatches == 7, "no NaN epoch stored (%d epochs)", n);
    free(eps);
    float *losses;
    CHECK(store_batch_losses_get(st, id, 2, &losses, &n, &err) == 0 && n == 7, "losses back");
    for (int i = 0; i < n; i++)
        CHECK(fabs(losses[i] / (0.3 * (1 + 0.01 * i)) - 1) < 7e-4, "loss %d: %g", i, losses[i]);
    free(losses);
    /* end: the status; the summary stays what the epochs made it */
    CHECK(store_run_end(st, id, "running", "", &err) == -1, "running is not an end");
    CHECK(store_run_end(st, id, "stopped", "asked to stop", &err) == 0, "%s", err.msg);
    store_run r;
    store_run_get(rd, id, &r, &err);
    store_summary_get(rd, id, &s, &err);
    CHECK(!strcmp(r.status, "stopped") && !strcmp(r.message, "asked to stop") && r.finished > 0,
          "ended: %s", r.status);
    CHECK(s.test_mse == 0.4 && fabs(s.seconds - 4.5) < 1e-9 && s.best_epoch == 2 &&
              fabs(s.samples_per_sec - 100) < 1e-9,
          "final summary: mse %g, %g s, %g samples/s", s.test_mse, s.seconds, s.samples_per_sec);
    store_close(rd);
    store_close(st);
}

/* A resume that fails before it records an epoch loses nothing (issue 11, item 10): reopening
 * keeps the epochs (a stopped run's partial last one, with its time), and only recording the
 * redone epoch replaces it and drops the ones after it; other handles still refuse duplicates. */
static void test_reopen(void)
{
    const char *p = tmp("reopen.db");
    store *st;
    ae_err err = {{0}};
    CHECK(store_open(&st, p, STORE_CREATE, &err) == 0, "create: %s", err.msg);
    if (!st) return;
    int64_t id = begin(st, "lstm", 1e-3, 8);
    for (int i = 1; i <= 3; i++) add_epoch(st, id, i, 0.5 - 0.1 * i, &err);
    CHECK(store_run_end(st, id, "stopped", "", &err) == 0, "end: %s", err.msg);
    store_close(st);
    /* a resume from epoch 2 that dies before recording it */
    CHECK(store_open(&st, p, 0, &err) == 0, "open: %s", err.msg);
    if (!st) return;
    CHECK(store_run_reopen(st, id, 2, &err) == 0, "reopen: %s", err.msg);
    store_close(st);
    CHECK(store_open(&st, p, 0, &err) == 0, "open: %s", err.msg);
    if (!st) return;
    /* (this process lives on, so opening does not mark the run interrupted: the test does) */
    CHECK(store_run_end(st, id, "interrupted", "", &err) == 0, "end: %s", err.msg);
    store_summary s;
    store_summary_get(st, id, &s, &err);
    CHECK(s.has && s.epochs == 3 && fabs(s.seconds - 4.5) < 1e-9 && s.best_epoch == 3,
          "a resume that recorded nothing changed the summary: %d epochs, %g s", s.epochs,
          s.seconds);
    CHECK(add_epoch(st, id, 2, 0.1, &err) == -1, "a handle that did not reopen the run: duplicate");
    /* the next resume records epoch 2 again: it replaces 2 and drops 3 */
    CHECK(store_run_reopen(st, id, 2, &err) == 0, "reopen: %s", err.msg);
    CHECK(add_epoch(st, id, 1, 0.1, &err) == -1, "an epoch before the redone ones is refused");
    store_epoch e = {.epoch = 2,
                     .train_loss = 0.2,
                     .train_mae = 0.2,
                     .test_loss = 0.35,
                     .test_mae = 0.3,
                     .seconds = 2.5,
                     .samples_per_sec = 40,
                     .lr = 1e-3};
    CHECK(store_epoch_add(st, id, &e, NULL, 0, &err) == 0, "redone epoch 2: %s", err.msg);
    store_summary_get(st, id, &s, &err);
    store_epoch *eps = NULL;
    int n = 0;
    store_epochs_get(st, id, &eps, &n, &err);
    CHECK(n == 2 && eps && eps[1].test_loss == 0.35, "epochs after the redone 2: %d", n);
    free(eps);
    CHECK(s.epochs == 2 && fabs(s.seconds - 4.0) < 1e-9 && s.test_mse == 0.35 &&
              s.best_epoch == 2 && fabs(s.samples_per_sec - (150 + 100) / 4.0) < 1e-9,
          "summary made anew: %d epochs, %g s, %g samples/s, best %d", s.epochs, s.seconds,
          s.samples_per_sec, s.best_epoch);
    CHECK(add_epoch(st, id, 3, 0.2, &err) == 0, "epoch 3 again: %s", err.msg);
    store_summary_get(st, id, &s, &err);
    CHECK(s.epochs == 3 && fabs(s.seconds - 5.5) < 1e-9 && s.best_epoch == 3, "epoch 3: %g s",
          s.seconds);
    store_close(st);
}

static void test_things(void)
{
    const char *p = tmp("things.db");
    store *st;
    ae_err err = {{0}};
    CHECK(store_open(&st, p, STORE_CREATE, &err) == 0, "create: %s", err.msg);
    if (!st) return;
    int64_t id = begin(st, "cnn", 1e-3, 32), other = begin(st, "lstm", 1e-3, 8);
    add_epoch(st, id, 1, 0.2, &err);
    float lat[6] = {1, 2, 3, 4, 5, -6.5f};
    uint8_t lab[3] = {0, 9, 3};
    CHECK(store_latents_put(st, id, lat, lab, 3, 2, &err) == 0, "latents: %s", err.msg);
    float *l2;
    uint8_t *b2;
    int n, dim;
    CHECK(store_latents_get(st, id, &l2, &b2, &n, &dim, &err) == 0 && n == 3 && dim == 2 &&
              !memcmp(l2, lat, sizeof lat) && !memcmp(b2, lab, 3),
          "latents back");
    free(l2), free(b2);
    CHECK(store_latents_get(st, other, &l2, &b2, &n, &dim, &err) == 0 && n == 0 && !l2,
          "no latents");
    lat[1] = NAN;
    CHECK(store_latents_put(st, other, lat, lab, 3, 2, &err) == -1, "NaN latents refused");
    CHECK(store_tag_add(st, id, "best", &err) == 0 && store_tag_add(st, id, "best", &err) == 0 &&
              store_tag_add(st, id, "a", &err) == 0,
          "tags");
    CHECK(store_tag_add(st, id, "a,b", &err) == -1, "comma refused");
    CHECK(store_tag_add(st, 999, "a", &err) == -1 && strstr(err.msg, "no such run"),
          "unknown run: %s", err.msg);
    char(*tags)[STORE_TAG_MAX + 1];
    CHECK(store_tags_get(st, id, &tags, &n, &err) == 0 && n == 2 && !strcmp(tags[0], "a"),
          "tags sorted");
    free(tags);
    store_filter f = {.tag = "best"};
    store_row *rows;
    CHECK(store_runs_list(st, &f, &rows, &n, &err) == 0 && n == 1 && rows[0].id == id &&
              !strcmp(rows[0].tags, "a,best"),
          "tag filter");
    free(rows);
    CHECK(store_tag_remove(st, id, "a", &err) == 0, "untag");
    CHECK(store_run_set_notes(st, id, "a note\x1b[2J", &err) == 0, "notes");
    static char big[STORE_NOTE_MAX + 2];
    memset(big, 'x', sizeof big - 1);
    CHECK(store_run_set_notes(st, id, big, &err) == -1, "note too long refused");
    store_run r;
    store_run_get(st, id, &r, &err);
    CHECK(!strcmp(r.notes, "a note\x1b[2J") && r.seed == 42, "notes kept raw");
    CHECK(store_run_get(st, 12345, &r, &err) == -1 && strstr(err.msg, "no such run"),
          "unknown run");
    CHECK(store_run_delete(st, id, &err) == 0, "delete: %s", err.msg);
    CHECK(store_run_delete(st, id, &err) == -1, "delete twice");
    store_close(st);
    CHECK(raw_int(p, "SELECT count(*) FROM params WHERE run = 1") == 0 &&
              raw_int(p, "SELECT count(*) FROM epochs WHERE run = 1") == 0 &&
              raw_int(p, "SELECT count(*) FROM artifacts WHERE run = 1") == 0 &&
              raw_int(p, "SELECT count(*) FROM tags WHERE run = 1") == 0 &&
              raw_int(p, "SELECT count(*) FROM summary WHERE run = 1") == 0,
          "delete cascades");
    CHECK(raw_int(p, "SELECT count(*) FROM runs") == 1, "the other run stays");
}

static void test_pack(void)
{
    enum { N = 1000 };
    static float v[N], out[N];
    static unsigned char buf[8 + 5 * N];
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double u = (x >> 11) * (1.0 / 9007199254740992.0);
        v[i] = (float)(0.02 * exp(-i / 300.0) * (1 + 0.3 * (u - 0.5)));
    }
    v[500] = 3e30f, v[501] = 1e-30f; /* jumps: escapes */
    long len = store_pack_losses(v, N, buf, sizeof buf);
    CHECK(len > 0 && len < 2 * N, "packed %d values into %ld bytes", N, len);
    CHECK(store_unpack_losses(buf, len, out, N) == 0, "unpack");
    double worst = 0;
    for (int i = 0; i < N; i++) worst = fmax(worst, fabs(out[i] / v[i] - 1));
    CHECK(worst <= 6.8e-4, "relative error %g", worst);
    CHECK(store_unpack_losses(buf, len - 1, out, N) == -1, "truncated blob refused");
    CHECK(store_unpack_losses(buf, len, out, N + 1) == -1, "wrong count refused");
    v[3] = 0; /* a zero: kept exactly, raw */
    len = store_pack_losses(v, N, buf, sizeof buf);
    CHECK(len == 1 + 4 * N && buf[0] == 'F', "raw fallback");
    CHECK(store_unpack_losses(buf, len, out, N) == 0 && !memcmp(out, v, sizeof v), "exact");
    v[3] = NAN;
    CHECK(store_pack_losses(v, N, buf, sizeof buf) == -1, "NaN not packed");
    CHECK(store_pack_losses(v, N, buf, 10) == -1, "small buffer");
}

/* A store for the CLI test: runs of each status, tags, notes, a hostile name. */
static int fill(const char *path)
{
    store *st;
    ae_err err;
    if (store_open(&st, path, STORE_CREATE, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    int64_t a = begin(st, "lstm", 1e-3, 16);
    for (int i = 1; i <= 5; i++) add_epoch(st, a, i, 0.1 / i, &err);
    store_run_end(st, a, "finished", "", &err);
    store_tag_add(st, a, "baseline", &err);
    store_run_set_notes(st, a, "first try", &err);

    int64_t b = begin(st, "cnn", 1e6, 128);
    add_epoch(st, b, 1, 0.5, &err);
    store_run_end(st, b, "diverged", "epoch 2: loss is nan", &err);

    int64_t c = begin(st, "lstm", 2e-4, 8);
    for (int i = 1; i <= 3; i++) add_epoch(st, c, i, 0.05 / i, &err);
    store_run_set_name(st, c, "evil\x1b]0;pwned\x07name\n", &err);
    store_run_set_notes(st, c, "line1\nline2 \x1b[31mred\x1b[0m", &err);
    store_tag_add(st, c, "baseline", &err);
    store_tag_add(st, c, "t\x1b[1mbold", &err);
    store_run_end(st, c, "finished", "", &err);

    pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, NULL, 0);
    store_run r = mkrun("lstm", "sines");
    r.pid = child, r.pid_start = 0;
    int64_t d;
    store_run_begin(st, &r, NULL, 0, &d, &err);
    add_epoch(st, d, 1, 0.3, &err);
    store_close(st);
    printf("filled %s\n", path);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--fill")) return fill(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "--v3")) { /* a store of schema 3 with runs 1, 2, 5 */
        make_v3(argv[2]);
        return test_failed != 0;
    }
    if (argc == 3 && !strcmp(argv[1], "--bump-version")) /* a store from a future aetui */
        return raw_exec(argv[2], "PRAGMA user_version = 99") != SQLITE_OK;
    if (argc == 3 && !strcmp(argv[1], "--check")) { /* PRAGMA integrity_check, "ok" or not */
        sqlite3 *db;
        sqlite3_stmt *s;
        int ok = 0;
        if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
            sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) == SQLITE_OK) {
            while (sqlite3_step(s) == SQLITE_ROW) {
                const char *r = (const char *)sqlite3_column_text(s, 0);
                printf("%s\n", r ? r : "");
                ok = r && !strcmp(r, "ok");
            }
            sqlite3_finalize(s);
        }
        sqlite3_close(db);
        return !ok;
    }
    if (argc == 4 && !strcmp(argv[1], "--lock")) { /* holds the write lock for N seconds */
        sqlite3 *db;
        if (sqlite3_open(argv[2], &db) != SQLITE_OK ||
            sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            return 1;
        printf("locked\n");
        fflush(stdout);
        sleep((unsigned)atoi(argv[3]));
        sqlite3_close(db);
        return 0;
    }
    if (!test_tmpdir("test_store", dir, sizeof dir)) test_skip("no temporary directory");
    test_create();
    test_migrate_v1();
    test_migrate_v2();
    test_migrate_v3();
    test_readonly_old();
    test_dirs();
    test_dirs_legacy();
    test_newer();
    test_foreign();
    test_interrupted();
    test_sort_params();
    test_epochs();
    test_reopen();
    test_things();
    test_pack();
    test_baselines();
    if (!test_failed) { /* keep the files of a failure to look at */
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
    return test_done();
}
