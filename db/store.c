/* store.c: the run store's schema, its migrations and its SQL statements, and the helpers
 * every db/ file uses (the cache of prepared statements, transactions, binding and reading
 * columns); opening is in store_open.c (see store.h).
 *
 * Migrations are SQL texts, numbered from 1, never edited once released: version N of the
 * schema is migrations 1..N applied in order (store_open.c applies them). */
#include "store_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- schema -------------------------------------------------------------------------- */

/* A random UUID (version 4) in SQL, evaluated anew for every row: randomblob draws from
 * SQLite's generator, seeded from the operating system. */
#define STORE_SQL_UUID                                                                             \
    "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||"                    \
    " substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random() % 4), 1) ||"  \
    " substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))"

const char *const store_migrations[STORE_SCHEMA_VERSION] = {
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

    /* 4: identities and ids that stay unique. The store gets a UUID (meta), and a store that
     * has runs already remembers the runs/ directory they are in (newer stores use
     * STEM.runs/). Every run gets a UUID; ids come from AUTOINCREMENT, so the id of a deleted
     * run is never given again (the table is rebuilt for that, with foreign keys off around
     * the migration and checked before it commits). The summary counts samples, so that time
     * and samples/s add up over resumes; existing summaries are recomputed from their epochs. */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "INSERT INTO meta(key, value) VALUES('store_uuid', " STORE_SQL_UUID ");"
    "INSERT INTO meta(key, value) SELECT 'runs_dir', 'runs' WHERE EXISTS (SELECT 1 FROM runs);"
    "CREATE TABLE runs_v4("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " uuid TEXT NOT NULL UNIQUE CHECK (length(uuid) = 36),"
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
    "INSERT INTO runs_v4(id, uuid, parent, name, model, dataset, status, message, created,"
    " started, finished, pid, pid_start, host, version, blas_core, threads, seed, data_sha256,"
    " checkpoint, notes) SELECT id, " STORE_SQL_UUID ", parent, name, model, dataset, status,"
    " message, created, started, finished, pid, pid_start, host, version, blas_core, threads,"
    " seed, data_sha256, checkpoint, notes FROM runs ORDER BY id;"
    "DROP TABLE runs;"
    "ALTER TABLE runs_v4 RENAME TO runs;"
    "CREATE INDEX runs_parent ON runs(parent);"
    "CREATE INDEX runs_status ON runs(status);"
    "CREATE INDEX runs_model ON runs(model);"
    "ALTER TABLE summary ADD COLUMN samples REAL NOT NULL DEFAULT 0;"
    "UPDATE summary SET"
    " seconds = coalesce((SELECT sum(e.seconds) FROM epochs e WHERE e.run = summary.run), seconds),"
    " samples = coalesce((SELECT sum(e.seconds * e.samples_per_sec) FROM epochs e"
    "  WHERE e.run = summary.run), 0);"
    "UPDATE summary SET samples_per_sec = samples / seconds WHERE samples > 0 AND seconds > 0;",

    /* 5: your own datasets, registered by name (aetui data add; store_datasets.c) */
    "CREATE TABLE datasets("
    " name TEXT PRIMARY KEY,"
    " format TEXT NOT NULL,"
    " path TEXT NOT NULL,"
    " spec TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('images','sequences')),"
    " shape TEXT NOT NULL,"
    " train INTEGER NOT NULL,"
    " test INTEGER NOT NULL,"
    " classes TEXT NOT NULL DEFAULT '',"
    " nclasses INTEGER NOT NULL DEFAULT 0,"
    " labelled INTEGER NOT NULL DEFAULT 0,"
    " sha256 TEXT NOT NULL,"
    " rows INTEGER NOT NULL DEFAULT 0,"
    " created REAL NOT NULL) WITHOUT ROWID;",

    /* 6: anomaly scores (issue 13, store_scores.c): per run, one row per method (the
     * autoencoder "ae" or the PCA baseline "pca"), metric and scored split, with the threshold,
     * the detection metrics and the per-sample scores and labels as blobs. */
    "CREATE TABLE scores("
    " run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " method TEXT NOT NULL,"
    " metric TEXT NOT NULL,"
    " split TEXT NOT NULL,"
    " n INTEGER NOT NULL,"
    " n_pos INTEGER,"
    " threshold REAL NOT NULL,"
    " rule TEXT NOT NULL,"
    " roc_auc REAL, avg_precision REAL, precision REAL, recall REAL, f1 REAL, accuracy REAL,"
    " tp INTEGER, fp INTEGER, tn INTEGER, fn INTEGER,"
    " scores BLOB NOT NULL,"
    " labels BLOB,"
    " train_scores BLOB NOT NULL,"
    " created REAL NOT NULL,"
    " PRIMARY KEY (run, method, metric, split));",

    /* 7: sweeps. A sweep is a grid of training configurations run together (locally, or as a
     * Slurm job array writing shards under its directory); its members are the grid's cells in
     * a fixed order (the array's task ids), each with its stable key, its own options and, once
     * it ran, its run (by id here and by UUID, so an import finds it again). */
    "CREATE TABLE sweeps("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " uuid TEXT NOT NULL UNIQUE CHECK (length(uuid) = 36),"
    " name TEXT NOT NULL DEFAULT '',"
    " created REAL NOT NULL,"
    " grid TEXT NOT NULL DEFAULT '',"
    " base TEXT NOT NULL DEFAULT '',"
    " scheduler TEXT NOT NULL DEFAULT 'local' CHECK (scheduler IN ('local','slurm')),"
    " dir TEXT NOT NULL DEFAULT '',"
    " job TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE sweep_members("
    " sweep INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,"
    " member INTEGER NOT NULL CHECK (member >= 0),"
    " key TEXT NOT NULL,"
    " args TEXT NOT NULL DEFAULT '',"
    " run INTEGER REFERENCES runs(id) ON DELETE SET NULL,"
    " run_uuid TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (sweep, member),"
    " UNIQUE (sweep, key));"
    "CREATE INDEX sweep_members_run ON sweep_members(run);",
};

/* ---- statements ---------------------------------------------------------------------- */

static const char *const store_sql[SQ_COUNT] = {
    [SQ_BEGIN] = "BEGIN IMMEDIATE",
    [SQ_COMMIT] = "COMMIT",
    [SQ_ROLLBACK] = "ROLLBACK",
    [SQ_RUN_INSERT] =
        "INSERT INTO runs(parent, name, model, dataset, status, message, created, started,"
        " pid, pid_start, host, version, blas_core, threads, seed, data_sha256, checkpoint,"
        " notes, id, uuid)"
        " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)",
    [SQ_PARAM_INSERT] = "INSERT OR REPLACE INTO params(run, name, num, txt) VALUES(?1,?2,?3,?4)",
    [SQ_EPOCH_INSERT] =
        "INSERT INTO epochs(run, epoch, train_loss, train_mae, test_loss, test_mae, seconds,"
        " samples_per_sec, lr, nbatches, batch_losses) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
    [SQ_EPOCHS_FROM_DELETE] = "DELETE FROM epochs WHERE run = ?1 AND epoch >= ?2",
    /* In an upsert's SET, bare column names are the old row's values. */
    [SQ_SUMMARY_UPSERT] =
        "INSERT INTO summary(run, epochs, best_epoch, best_test_loss, test_mse, test_mae,"
        " train_loss, seconds, samples_per_sec, samples) VALUES(?1,?2,?2,?3,?3,?4,?5,?6,?7,?8)"
        " ON CONFLICT(run) DO UPDATE SET"
        " epochs = excluded.epochs,"
        " best_epoch = CASE WHEN best_test_loss IS NULL OR excluded.test_mse < best_test_loss"
        "  THEN excluded.epochs ELSE best_epoch END,"
        " best_test_loss = CASE WHEN best_test_loss IS NULL OR excluded.test_mse < best_test_loss"
        "  THEN excluded.test_mse ELSE best_test_loss END,"
        " test_mse = excluded.test_mse, test_mae = excluded.test_mae,"
        " train_loss = excluded.train_loss, seconds = seconds + excluded.seconds,"
        " samples = samples + excluded.samples,"
        " samples_per_sec = CASE WHEN seconds + excluded.seconds > 0 AND samples + excluded.samples"
        "  > 0 THEN (samples + excluded.samples) / (seconds + excluded.seconds)"
        "  ELSE excluded.samples_per_sec END",
    [SQ_RUN_STATUS] = "SELECT status FROM runs WHERE id = ?1",
    [SQ_RUN_END] = "UPDATE runs SET status = ?2, message = ?3, finished = ?4 WHERE id = ?1",
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
    [SQ_RUN_UUID] = "SELECT uuid FROM runs WHERE id = ?1",
    [SQ_RUN_BY_UUID] = "SELECT id FROM runs WHERE uuid = ?1",
    /* the highest id ever given: AUTOINCREMENT's counter, or a row above it */
    [SQ_NEXT_ID] = "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'runs'), 0),"
                   " coalesce((SELECT max(id) FROM runs), 0))",
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
