/* store_int.h: what the db/ files share and nobody else sees: the handle's insides and its
 * cache of prepared statements (each SQL text is prepared once per handle, then reset and
 * re-bound for every use). */
#ifndef AE_STORE_INT_H
#define AE_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

/* The columns of a run, in the order read_run (store_runs.c) reads them. */
#define RUN_COLS                                                                                   \
    "r.id, r.parent, r.name, r.model, r.dataset, r.status, r.message, r.created, r.started,"       \
    " r.finished, r.pid, r.pid_start, r.host, r.version, r.blas_core, r.threads, r.seed,"          \
    " r.data_sha256, r.checkpoint, r.notes, r.uuid"

/* The columns of a cached baseline, in the order store_baseline.c reads them. */
#define BASELINE_COLS                                                                              \
    "b.dataset, b.data_sha256, b.train, b.test, b.latent, b.test_sha256, b.mse, b.mae,"            \
    " b.explained, b.seconds, b.created"

enum store_stmt_id {
    SQ_BEGIN,
    SQ_COMMIT,
    SQ_ROLLBACK,
    SQ_RUN_INSERT,
    SQ_PARAM_INSERT,
    SQ_EPOCH_INSERT,
    SQ_EPOCHS_FROM_DELETE,
    SQ_SUMMARY_UPSERT,
    SQ_RUN_STATUS,
    SQ_RUN_END,
    SQ_RUN_CHECKPOINT,
    SQ_RUN_NAME,
    SQ_RUN_NOTES,
    SQ_TAG_ADD,
    SQ_TAG_REMOVE,
    SQ_RUN_DELETE,
    SQ_ARTIFACT_PUT,
    SQ_ARTIFACT_GET,
    SQ_RUN_GET,
    SQ_RUN_EXISTS,
    SQ_SUMMARY_GET,
    SQ_PARAMS_GET,
    SQ_EPOCHS_GET,
    SQ_LOSSES_GET,
    SQ_TAGS_GET,
    SQ_PARAM_KNOWN,
    SQ_RUNNING,
    SQ_INTERRUPT,
    SQ_DATA_VERSION,
    SQ_BASELINE_PUT,
    SQ_BASELINE_GET,
    SQ_BASELINE_RUN,
    SQ_RUN_UUID,
    SQ_RUN_BY_UUID,
    SQ_NEXT_ID,
    SQ_COUNT
};

/* The runs this handle inserted or took up again, by id and UUID: a write to one of them
 * checks that the id still names that run (after the store's WAL file was deleted or replaced,
 * the id may be gone or name another process's run). */
enum { STORE_MINE_MAX = 16 };

struct store {
    sqlite3 *db;
    char path[4096];
    int flags; /* as given to store_open */
    int readonly, version;
    char notice[512];
    long long data_version;
    int seen_data_version;
    sqlite3_stmt *stmt[SQ_COUNT];
    char uuid[37];       /* the store's identity (meta store_uuid); "" before schema 4 */
    char runs_dir[4096]; /* where the runs' directories are (store_dirs.c) */
    int runs_dir_legacy; /* runs_dir comes from meta runs_dir (a store older than schema 4) */
    unsigned long long wal_dev, wal_ino, shm_dev, shm_ino; /* the WAL and SHM files in use */
    int reopens;                                           /* stale WAL: connection reopened */
    struct {
        int64_t id;
        char uuid[37];
        int redo_from; /* taken up again: epochs from here on are replaced when recorded */
    } mine[STORE_MINE_MAX];
    int nmine;
};

/* The schema's migrations, 1..STORE_SCHEMA_VERSION (store.c). */
extern const char *const store_migrations[STORE_SCHEMA_VERSION];

/* The cached statement, reset and with bindings cleared; NULL with err filled on failure. */
sqlite3_stmt *store_stmt(store *st, int id, ae_err *err);
/* Fills err with "PATH: what: sqlite's message" and returns -1. */
int store_fail_db(store *st, ae_err *err, const char *what);
/* Fails unless the handle may write. Before a write, also checks that the WAL and SHM files
 * beside the store are still the ones this connection uses, and reopens it when they were
 * deleted or replaced (store.c). */
int store_writable(store *st, ae_err *err);
/* The next run id: above every id given so far and every run directory that exists
 * (store_runs.c). Call inside the transaction that inserts the run. */
int store_next_run_id(store *st, int64_t *id, ae_err *err);
/* Remembers run (id, uuid) as this handle's (see `mine`). */
void store_mine_add(store *st, int64_t id, const char *uuid);
/* Resolves st->runs_dir from the store's path and meta (store_dirs.c). */
int store_dirs_init(store *st, ae_err *err);
/* For a store just created: when its runs directory exists already, claimed by a store that
 * is gone (its file deleted, or its WAL with everything in it), the new store takes that
 * identity, so that it goes on in that directory (new ids above the folders there). */
int store_dirs_adopt(store *st, ae_err *err);
/* Removes the temporary files (*.tmp-PID-XXXXXX) of dead processes in every run directory,
 * and older *.tmp-XXXXXX ones in the directories of runs that are not running (store_dirs.c).
 * Best effort: nothing is reported. */
void store_dirs_clean(store *st);
/* Makes run's summary anew from its epochs (none: no summary row), inside the caller's
 * transaction (store_reopen.c). */
int store_summary_rebuild(store *st, int64_t run, ae_err *err);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK (rollback never fails). */
int store_begin(store *st, ae_err *err);
int store_commit(store *st, ae_err *err);
void store_rollback(store *st);
/* Binds text or NULL. */
int store_bind_text(sqlite3_stmt *s, int i, const char *t);
/* Copies column i as text into out (cap bytes, truncated on a byte; "" for NULL). */
void store_col_text(sqlite3_stmt *s, int i, char *out, size_t cap);
/* Column i as double, NaN for NULL. */
double store_col_num(sqlite3_stmt *s, int i);
double store_now(void);

#endif
