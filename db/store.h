/* store.h: the run store, one SQLite file holding every training run of aetui.
 *
 * The idea: a run is a row in `runs` (what, where, when, status), its hyperparameters are
 * typed rows in `params` (a number or a text, so that sorting by one is numeric), every epoch
 * is one row in `epochs` carrying its metrics and that epoch's per-batch losses packed into a
 * blob, and `summary` holds the few numbers a listing needs (best epoch, best test loss, final
 * test MSE/MAE, seconds), rewritten in the same transaction as the epoch they come from. Tags
 * and artifacts (small blobs: the test set's final latent vectors and labels, reconstructions)
 * hang off the run and go with it when it is deleted (foreign keys, ON DELETE CASCADE).
 *
 * The file: WAL, synchronous=NORMAL (an epoch survives a crash of the process; a power cut may
 * lose the last epochs but never corrupts), busy_timeout 5 s, foreign keys on,
 * application_id STORE_APPLICATION_ID, user_version = schema version. Migrations are numbered
 * and forward-only, each run inside BEGIN IMMEDIATE. Opening a file whose schema is newer
 * than STORE_SCHEMA_VERSION gives a read-only handle and a notice (store_notice); so does a
 * file that this process cannot write (the file or its folder is read-only): an older schema
 * is then read through a migrated copy in memory. A file that is not SQLite, or is SQLite but
 * not an aetui store, is refused and left untouched. A writing handle notices when the WAL
 * file under it was deleted or replaced (store_open.c) and reopens instead of writing into a
 * file nobody reads.
 *
 * Threads: a `store` handle belongs to the thread that opened it, and only that thread calls
 * functions on it. Several handles (in several threads or processes) may use one file at
 * once: the TUI has a writer handle in the trainer thread and a reader in the UI thread, and
 * the reader asks store_changed() (PRAGMA data_version, no I/O) before re-reading.
 *
 * Memory: arrays returned through `**out` parameters are malloc'd and the caller frees them
 * with free(). Strings in the structs are fixed-size and NUL-terminated; they hold raw user
 * text (names, notes, tags may contain control characters: make them visible before printing).
 *
 * Errors: every function that can fail returns -1 and fills err (see err.h); nothing prints,
 * nothing exits. Timestamps are Unix seconds (double). */
#ifndef AE_STORE_H
#define AE_STORE_H

#include <stdint.h>
#include <stddef.h>

#include "err.h"

#define STORE_APPLICATION_ID 0x41455455 /* "AETU" */
#define STORE_SCHEMA_VERSION 7
#define STORE_NOTE_MAX       4000 /* bytes of a run's notes */
#define STORE_TAG_MAX        63   /* bytes of one tag */

typedef struct store store;

enum store_open_flags {
    STORE_CREATE = 1,   /* create the file (mode 0600) when missing; its directory must exist */
    STORE_READONLY = 2, /* never write (no migration, no interrupted-run marking) */
};

/* Opens (and when needed creates or migrates) the store at path. On a writable handle, runs
 * with status 'running' whose process is gone from this host become 'interrupted'.
 * *out is NULL on failure. */
int store_open(store **out, const char *path, int flags, ae_err *err);
void store_close(store *st);

const char *store_path(const store *st);
int store_readonly(const store *st);
/* Why the handle is read-only when the caller did not ask for it, else "". */
const char *store_notice(const store *st);
/* The file's schema version (may be newer than STORE_SCHEMA_VERSION when read-only). */
int store_version(const store *st);
/* The store's identity, a UUID made when it was created (or migrated to schema 4), written
 * into every checkpoint of its runs. A copy of the file has the same one. */
const char *store_uuid(const store *st);
/* A new random UUID (version 4), "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". */
void store_uuid_new(char out[37]);
/* 1 when another connection committed a change since the previous call (the first call
 * returns 1), 0 when not, -1 on error. Cheap: no disk access. */
int store_changed(store *st, ae_err *err);

/* The start time of process pid on this host (clock ticks since boot, from /proc), 0 when
 * unknown. Stored with a run's pid so that a recycled pid is not taken for the run's. */
int64_t store_proc_start(int64_t pid);

/* For tests: creates a new store file at path with the schema of `version` (1..current),
 * without migrating further. */
int store_create_version(const char *path, int version, ae_err *err);

/* ---- the runs' directories (store_dirs.c) ---------------------------------------------
 *
 * Each store keeps its runs' files (checkpoints) in a directory of its own beside the file:
 * STEM.runs/ for a store STEM.db (else NAME.runs/ for a store NAME), one subdirectory per run
 * id. A store created before schema 4 that had runs goes on using the runs/ directory it used
 * then (meta runs_dir), until another store claims it. The runs directory holds a file
 * `.aetui-store` naming the store (its UUID) that owns it: a second store never writes there.
 * Run ids are never reused (AUTOINCREMENT), and a new run never takes an id whose directory
 * exists, so two runs never share a directory. */

/* The store's runs directory (it may not exist yet). */
const char *store_runs_dir(const store *st);
/* <runs dir>/<run> into out. */
int store_run_dir(const store *st, int64_t run, char *out, size_t len, ae_err *err);
/* Creates the run's directory (and the runs directory, claimed for this store) and puts its
 * path into out. A new run (fresh != 0) refuses a directory that exists already; a run taken
 * up again expects its own. Fails with a message naming the directory and the other store
 * when the runs directory belongs to another store. */
int store_run_dir_make(store *st, int64_t run, int fresh, char *out, size_t len, ae_err *err);
/* Removes the temporary files that processes no longer alive left in the run's directory
 * (written as NAME.tmp-PID-XXXXXX; older NAME.tmp-XXXXXX ones too when the run is not
 * running). Returns how many were removed. */
int store_run_dir_clean(store *st, int64_t run);

/* ---- runs ---------------------------------------------------------------------------- */

typedef struct store_run {
    int64_t id, parent; /* parent 0: none */
    char uuid[37];      /* the run's identity across stores (made by store_run_begin) */
    char name[128], model[24], dataset[32], status[16], message[512];
    double created, started, finished; /* 0: not yet */
    int64_t pid, pid_start;            /* pid_start: /proc start time, 0 when unknown */
    char host[128];                    /* the host that trains (trained) it, gethostname */
    char version[32], blas_core[32];
    int threads;
    uint64_t seed;
    char data_sha256[65], checkpoint[1024];
    char notes[STORE_NOTE_MAX + 1];
} store_run;

typedef struct store_param { /* a hyperparameter */
    char name[64];
    int is_text;
    double num;
    char text[1024];
} store_param;

/* Statuses: running, finished, stopped, diverged, failed, interrupted. */
int store_status_valid(const char *status);

/* Inserts a run and its parameters in one transaction. run->id is ignored; the new id goes to
 * *id: one above any id the store ever gave, and above any run directory that exists. The
 * run's UUID is run->uuid when set (a run copied from another store), else a new one.
 * Status defaults to 'running', created to now. */
int store_run_begin(store *st, const store_run *run, const store_param *params, int nparams,
                    int64_t *id, ae_err *err);

typedef struct store_epoch {
    int epoch; /* 1-based */
    double train_loss, train_mae, test_loss, test_mae, seconds, samples_per_sec, lr;
    int nbatches; /* per-batch losses stored for this epoch */
} store_epoch;

/* Appends one epoch with its per-batch losses and updates the run's summary, in one
 * transaction. An epoch the run holds already is refused, unless the run was taken up again
 * through this handle from that epoch or an earlier one (store_run_reopen): it is then
 * replaced, the epochs after it dropped, and the summary made anew from the epochs. Refuses (and
 * stores nothing) when a metric or a batch loss is NaN or infinite. Batch losses are packed (see
 * store_pack_losses: relative error <= 7e-4, ~1 byte each). The summary's seconds are the sum of
 * the epochs' seconds and its samples/s the samples of all epochs over that sum, so a run resumed
 * any number of times adds up. */
int store_epoch_add(store *st, int64_t run, const store_epoch *ep, const float *batch_losses,
                    int nbatches, ae_err *err);

/* Ends a run: status (not 'running'), message and finished time. The summary is not touched:
 * it holds what the recorded epochs say, and nothing that was never recorded. */
int store_run_end(store *st, int64_t run, const char *status, const char *message, ae_err *err);

/* Takes a run up again under this process (`train --resume`): status 'running' with this
 * pid and host, end cleared, in one transaction. Its epochs and summary stay as they are
 * until this handle records epoch from_epoch or a later one again: store_epoch_add then
 * replaces that epoch and drops the ones after it (a resume that fails first loses nothing).
 * Refused for a run that is running. */
int store_run_reopen(store *st, int64_t run, int from_epoch, ae_err *err);

int store_run_set_checkpoint(store *st, int64_t run, const char *path, ae_err *err);
int store_run_set_name(store *st, int64_t run, const char *name, ae_err *err);
int store_run_set_notes(store *st, int64_t run, const char *notes, ae_err *err);
/* Tags: adding one a run has, or removing one it has not, is not an error. */
int store_tag_add(store *st, int64_t run, const char *tag, ae_err *err);
int store_tag_remove(store *st, int64_t run, const char *tag, ae_err *err);
/* Deletes the run and everything that hangs off it (not its files: see paths_run_dir). */
int store_run_delete(store *st, int64_t run, ae_err *err);

/* Artifacts: named blobs of a run with a dtype ("f32", "u8", ...) and a shape. Replaces one of
 * the same name. Store float data little-endian (store_latents_put does). */
int store_artifact_put(store *st, int64_t run, const char *name, const char *dtype, int rows,
                       int cols, const void *data, size_t len, ae_err *err);
/* *data is malloc'd (caller frees); returns 0 and *data NULL when the run has no such one. */
int store_artifact_get(store *st, int64_t run, const char *name, char dtype[16], int *rows,
                       int *cols, void **data, size_t *len, ae_err *err);

/* The test set's latent vectors [n][latent] float32 and labels [n] uint8, as the artifacts
 * "test_latents" and "test_labels", in one transaction. */
int store_latents_put(store *st, int64_t run, const float *latents, const uint8_t *labels, int n,
                      int latent, ae_err *err);
/* *latents and *labels malloc'd; *n = 0 and NULLs when the run has none. */
int store_latents_get(store *st, int64_t run, float **latents, uint8_t **labels, int *n,
                      int *latent, ae_err *err);

/* ---- reading ------------------------------------------------------------------------- */

typedef struct store_summary {
    int has; /* 0: no epoch recorded yet (the numbers are NaN) */
    int epochs, best_epoch;
    double best_test_loss, test_mse, test_mae, train_loss, seconds, samples_per_sec;
} store_summary;

typedef struct store_row { /* one line of a listing: the run's few columns a listing shows */
    int64_t id, parent;
    char name[128], model[24], dataset[32], status[16], message[256];
    double created, finished;
    store_summary sum;
    char tags[256]; /* comma-separated */
    char host[64];  /* the host that trained it */
    int64_t sweep;  /* the sweep it belongs to, 0 none */
    int sort_is_text;
    double sort_num; /* the sort key when sorting by a parameter (NaN when the run lacks it) */
    char sort_text[64];
    double roc_auc; /* the autoencoder's on the test split (store_scores), NaN: not scored */
} store_row;

typedef struct store_filter {
    const char *model, *status, *tag; /* NULL: any */
    int64_t sweep;                    /* 0: any; else the runs of that sweep */
    const char *sort; /* a column (store_sort_columns) or a parameter name; a leading '-'
                         sorts descending; NULL: newest first */
    int limit;        /* 0: all */
} store_filter;

/* The built-in sort columns, NULL-terminated. */
extern const char *const store_sort_columns[];

/* Runs matching the filter. An unknown sort column fails with a message listing the columns. */
int store_runs_list(store *st, const store_filter *f, store_row **out, int *n, ae_err *err);

/* The run, or -1 with "run N: no such run". */
int store_run_get(store *st, int64_t run, store_run *out, ae_err *err);
/* The id of the run with this UUID: 1 and *id, 0 when there is none, -1 on error. */
int store_run_find_uuid(store *st, const char *uuid, int64_t *id, ae_err *err);
int store_run_exists(store *st, int64_t run, ae_err *err); /* 1, 0 or -1 */
int store_summary_get(store *st, int64_t run, store_summary *out, ae_err *err);
int store_params_get(store *st, int64_t run, store_param **out, int *n, ae_err *err);
/* Epoch rows in order (nbatches filled, losses not read). */
int store_epochs_get(store *st, int64_t run, store_epoch **out, int *n, ae_err *err);
/* One epoch's batch losses, unpacked; *out malloc'd (NULL and *n = 0 when there are none). */
int store_batch_losses_get(store *st, int64_t run, int epoch, float **out, int *n, ae_err *err);
/* The run's tags, sorted; *out malloc'd. */
int store_tags_get(store *st, int64_t run, char (**out)[STORE_TAG_MAX + 1], int *n, ae_err *err);

/* ---- the PCA linear baseline cache (schema 3, store_baseline.c) ---------------------- */

/* The best linear code of size `latent` for a dataset: PCA fitted on the first `train`
 * training samples, its reconstruction MSE and MAE on the first `test` test samples. Kept per
 * (dataset, data_sha256, train, test, latent); data_sha256 is the training samples' SHA-256,
 * the same value a run records in store_run.data_sha256.
 *
 * Runs do not store the baseline themselves (no param, no summary column): a run's baseline
 * is looked up in this table by its dataset, data_sha256 and its params `train`, `test` and
 * `latent` (store_baseline_for_run), so one computation serves every run on the same data and
 * size, and runs recorded before the baseline was computed find it too. `aetui train` fills
 * the table after training (unless --no-baseline or --no-record); `aetui baseline` fills it
 * on demand. */
typedef struct store_baseline {
    char dataset[32];
    char data_sha256[65]; /* of the training samples used */
    int train, test, latent;
    char test_sha256[65]; /* of the test samples used; "" when unknown */
    double mse, mae;      /* over all test values */
    double explained;     /* explained-variance ratio of the k components (NaN unknown) */
    double seconds;       /* time the computation took (NaN unknown) */
    double created;       /* when it was stored (set by store_baseline_put) */
} store_baseline;

/* Stores (or replaces) the baseline with b's key; refuses NaN or infinite mse/mae, empty
 * names and sizes below 1. */
int store_baseline_put(store *st, const store_baseline *b, ae_err *err);
/* The cached baseline with this key: 1 and *out filled, 0 when there is none, -1 on error. */
int store_baseline_get(store *st, const char *dataset, const char *data_sha256, int train, int test,
                       int latent, store_baseline *out, ae_err *err);
/* The baseline matching run's dataset, data_sha256 and params train/test/latent (the TUI's
 * "beside each run"): 1 and *out filled, 0 when none is cached (or the run is unknown or
 * lacks those params), -1 on error. */
int store_baseline_for_run(store *st, int64_t run, store_baseline *out, ae_err *err);

/* ---- importing another store's runs (store_import.c) -------------------------------- */

/* What store_import did. */
typedef struct store_import_stats {
    int added;     /* runs copied in */
    int present;   /* runs this store has already (same UUID): nothing copied */
    int running;   /* runs still running in the source: left for a later import */
    int baselines; /* cached baselines added (the target's own are kept) */
} store_import_stats;

/* Called by store_import for every run it copies, inside its transaction, once the run's rows
 * are in: copies the run's files (src_run in the source) into the target's directory of run
 * dst_run (dst_parent: its parent's id there, 0 none) and puts that directory into dir, "" when
 * the run has no files. A failure rolls the whole source back. */
typedef int (*store_import_files_fn)(void *ctx, int64_t src_run, int64_t dst_run,
                                     int64_t dst_parent, char *dir, size_t len, ae_err *err);

/* Copies every run of src that dst lacks (by run UUID) into dst, in one transaction: the run
 * (new id; its host, times, status, notes as they were; its parent when that was copied too),
 * params, epochs, summary, tags, artifacts and (where both stores have it) scores, and the
 * cached baselines dst lacks. The run's checkpoint column and its "checkpoints" artifact are
 * pointed at the directory `files` gives. Runs still running in src are skipped (counted), so
 * an import after they end takes them, except those of this host whose process is gone (a
 * task cancelled or killed): they come in as interrupted. Importing the same source again
 * adds nothing. Sweeps (schema 7) come along by UUID, their members linked to the runs. */
int store_import(store *dst, store *src, store_import_files_fn files, void *ctx,
                 store_import_stats *stats, ae_err *err);
/* ---- anomaly scores (schema 6, store_scores.c) ----------------------------------------
 *
 * What `aetui score` (and the interface's Anomaly screen) computed for a run: the per-sample
 * reconstruction scores of a split, the training split's scores the threshold comes from, the
 * labels when known (1 = anomaly), the threshold and the metrics at it. One row per (run,
 * method, metric, split); putting one replaces it. Scores are float32 little-endian. */
typedef struct store_scores {
    char method[8]; /* "ae" (the run's autoencoder) or "pca" (the PCA baseline, k = latent) */
    char metric[8]; /* "mse", "mae" or "max" */
    char split[16]; /* "test" or "train" */
    char rule[48];  /* how the threshold was chosen: "quantile 0.99", "sigma 3", "fixed" */
    int n, n_train; /* samples scored, training scores kept */
    int n_pos;      /* anomalies among the labels; -1 when there are no labels */
    double threshold;
    double roc_auc, avg_precision, precision, recall, f1, accuracy; /* NaN without labels */
    long tp, fp, tn, fn;
    double created;
} store_scores;

/* Stores one row; labels may be NULL (n_pos is then -1). */
int store_scores_put(store *st, int64_t run, const store_scores *sc, const float *scores,
                     const uint8_t *labels, const float *train_scores, ae_err *err);
/* The row (run, method, metric, split): 1 and *out filled, with the arrays malloc'd when the
 * pointers are not NULL (*labels NULL when none were stored); 0 when there is none. */
int store_scores_get(store *st, int64_t run, const char *method, const char *metric,
                     const char *split, store_scores *out, float **scores, uint8_t **labels,
                     float **train_scores, ae_err *err);
/* The rows of a run (without arrays), newest first; *out malloc'd. */
int store_scores_list(store *st, int64_t run, store_scores **out, int *n, ae_err *err);

/* ---- sweeps (schema 7, store_sweep.c) ------------------------------------------------ */

/* A sweep: a grid of training configurations run together. grid is the grid as given
 * ("--latent 8,16 --seed 1,2"), base the training options every member shares and each
 * member's args its own, both as arguments one per line. scheduler "local" or "slurm"; dir
 * the sweep's directory (its shards, script and logs; "" for a local sweep); job the Slurm
 * job id once submitted. */
typedef struct store_sweep {
    int64_t id;
    char uuid[37], name[64];
    double created;
    char grid[512], base[2048];
    char scheduler[8], dir[1024], job[32];
    int members, done; /* members, and how many of them have a finished run */
} store_sweep;

typedef struct store_sweep_member {
    int member;     /* 0-based: the order of the grid, the Slurm array's task id */
    char key[64];   /* stable id, from its values: "cnn-l16-s2" */
    char args[256]; /* its own options, one per line */
    int64_t run;    /* its run here (0 none yet) */
    char run_uuid[37];
} store_sweep_member;

/* Adds a sweep with its members in one transaction; sw->id gets the new id, sw->uuid a new
 * UUID when empty (a sweep imported keeps its own). */
int store_sweep_add(store *st, store_sweep *sw, const store_sweep_member *m, int n, ae_err *err);
/* The sweep with this id, else -1 with "sweep N: no such sweep". */
int store_sweep_get(store *st, int64_t id, store_sweep *out, ae_err *err);
/* The id of the sweep named by arg (its id, its name or its UUID): 1 and *id, 0 none, -1. */
int store_sweep_find(store *st, const char *arg, int64_t *id, ae_err *err);
/* Every sweep, newest first (*out malloc'd). */
int store_sweeps_list(store *st, store_sweep **out, int *n, ae_err *err);
/* The members in order (*out malloc'd). */
int store_sweep_members(store *st, int64_t sweep, store_sweep_member **out, int *n, ae_err *err);
/* Records run as the member's run (its UUID too). */
int store_sweep_link(store *st, int64_t sweep, int member, int64_t run, ae_err *err);
int store_sweep_set_job(store *st, int64_t sweep, const char *job, ae_err *err);
/* The newest run that process pid of this host began at or after `since` (a sweep's child):
 * 1 and *id, 0 none, -1 on error. */
int store_run_find_pid(store *st, int64_t pid, double since, int64_t *id, ae_err *err);

/* ---- packing of batch losses (store_pack.c) ------------------------------------------ */

/* Packs n finite floats into buf (cap bytes); returns the length, or -1 when buf is too small
 * (store_pack_bound(n) is always enough). When all values are > 0 they are kept as base-2
 * logarithms rounded to 1/512 (relative error <= 6.8e-4, about what float16 keeps, with
 * float32's range), delta-coded in one byte each when neighbours are within 19%; otherwise
 * (a value <= 0) the floats are kept exactly, as raw little-endian float32. */
long store_pack_losses(const float *v, int n, unsigned char *buf, size_t cap);
size_t store_pack_bound(int n);
/* Unpacks into out (n floats expected); -1 on a malformed blob. */
int store_unpack_losses(const unsigned char *buf, size_t len, float *out, int n);

/* ---- your own datasets, registered by name (schema 5, store_datasets.c) ---------------- */

/* What `aetui data add` records: the spec (core/dspec.h's text form: format, path and
 * options), what it held when registered (kind, per-sample shape, split sizes, classes) and
 * the SHA-256 of its content, so a later change is noticed. */
typedef struct store_dataset {
    char name[32];
    char format[16]; /* folder, npy, csv, series */
    char path[1024];
    char spec[1024];
    char kind[16];  /* images, sequences */
    char shape[64]; /* "32x32x3", "140x1" */
    int train, test;
    char classes[4096]; /* class names, one a line (cut when long) */
    int nclasses, labelled;
    char sha256[65];
    int64_t rows; /* a long series: its rows; else 0 */
    double created;
} store_dataset;

/* Adds d (created set here); replace: 1 overwrites one of that name, else a name taken is an
 * error saying so. */
int store_dataset_put(store *st, const store_dataset *d, int replace, ae_err *err);
/* 1 and *out when found, 0 when there is none of that name, -1 on error. */
int store_dataset_get(store *st, const char *name, store_dataset *out, ae_err *err);
/* Every registered dataset by name; *out malloc'd (NULL when none). */
int store_dataset_list(store *st, store_dataset **out, int *n, ae_err *err);
/* 1 when removed, 0 when there was none, -1 on error. */
int store_dataset_rm(store *st, const char *name, ae_err *err);

#endif
