/* sweep.h: `aetui sweep`, a grid of training runs (issue 15): the grid and its members
 * (sweep_grid.c), running them on this machine N at a time (sweep_local.c), and as a Slurm job
 * array writing one store shard per task under the sweep's directory (sweep_slurm.c).
 *
 * A member is one cell of the grid, model x dataset x latent x seed in that nesting (seed
 * innermost); its index is its Slurm array task id and its key ("cnn-l16-s2", the swept values
 * only) is stable: the same grid gives the same members. Every member is an `aetui train` of
 * the sweep's shared options plus its own (a child process, so a run that fails or is killed
 * takes nothing else with it, and every run is recorded exactly as a train run is).
 *
 * A sweep's directory (Slurm; also what `aetui import DIR` reads):
 *   sweep.tsv        the manifest: UUID, name, grid, shared options, every member's options
 *   job.sh           the job-array script, job the submitted job id
 *   shards/I.db      task I's own store (and shards/I.runs/ its checkpoints), so no SQLite
 *                    file is ever written from two hosts
 *   logs/I.log       task I's output
 * Main thread of the CLI only. */
#ifndef AE_SWEEP_H
#define AE_SWEEP_H

#include <stdint.h>
#include <stdio.h>

#include "store.h"

enum { SWEEP_LIST_MAX = 64, SWEEP_ARGS_MAX = 64, SWEEP_MEMBERS_MAX = 10000 };

typedef struct sweep_grid {
    const char *models[SWEEP_LIST_MAX], *datasets[SWEEP_LIST_MAX];
    int latents[SWEEP_LIST_MAX];
    uint64_t seeds[SWEEP_LIST_MAX];
    int nmodels, ndatasets, nlatents, nseeds;
    const char *base[SWEEP_ARGS_MAX]; /* the train options every member shares */
    int nbase;
} sweep_grid;

/* Reads one of the grid's list options (--model, --dataset, --latent, --seed) when opt is one:
 * 1 taken, 0 not a list option, -1 bad value (printed). Values are comma-separated. */
int sweep_grid_option(const char *cmd, sweep_grid *g, const char *opt, char *val);
/* Checks a train option given to the sweep (refuses those a sweep sets itself) and says
 * whether it takes a value: 1 yes, 0 no, -1 refused (printed). */
int sweep_train_option(const char *cmd, const char *opt);
/* The members of the grid: *out malloc'd, *n of them; -1 (printed) when there are none or
 * too many. */
int sweep_grid_members(const char *cmd, const sweep_grid *g, store_sweep_member **out, int *n);
/* The grid as given ("--latent 8,16 --seed 1,2") and the shared options one per line. */
void sweep_grid_text(const sweep_grid *g, char *grid, size_t glen, char *base, size_t blen);

/* Splits an argument list kept one per line into argv (pointers into buf, which is modified);
 * returns the count (at most max). */
int sweep_split_args(char *buf, char **argv, int max);

/* The manifest of a sweep's directory: written from the record, read back (*m malloc'd). */
int sweep_manifest_write(const char *dir, const store_sweep *sw, const store_sweep_member *m, int n,
                         ae_err *err);
int sweep_manifest_read(const char *dir, store_sweep *sw, store_sweep_member **m, int *n,
                        ae_err *err);

/* This program's path (/proc/self/exe), for the children and the job script. */
int sweep_self(char *out, size_t len, ae_err *err);

/* ---- local (sweep_local.c) ------------------------------------------------------------ */

/* Runs the sweep's members that are not done (finished or diverged), `jobs` at a time with
 * `threads` threads each, recording into the store at db (st: an open handle to it). A member
 * whose run stopped with a state goes on with train --resume; one that failed or never ran
 * starts a new run. Ctrl-C stops the running members cleanly (each after its batch) and starts
 * no more. Prints one line per member started and ended. Returns the exit status: 0 all done,
 * 1 some failed, 2 the first run refused its options, 130 stopped. */
int sweep_local_run(const char *cmd, const char *db, store *st, const store_sweep *sw, int jobs,
                    int threads);

/* ---- Slurm (sweep_slurm.c) ------------------------------------------------------------ */

typedef struct sweep_slurm_opts {
    const char *partition, *time, *mem;
    int cpus;      /* per task: each run's --threads */
    int no_submit; /* write the script only */
} sweep_slurm_opts;

/* Makes the sweep's directory (shards/, logs/), writes the manifest and job.sh, and unless
 * no_submit submits it with sbatch, recording the job id in the store and in DIR/job. */
int sweep_slurm_launch(const char *cmd, store *st, store_sweep *sw, const sweep_slurm_opts *o);
/* Resubmits the members of a Slurm sweep that have no finished run (as an array of just those
 * task ids); `aetui sweep --resume` of a Slurm sweep. */
int sweep_slurm_resume(const char *cmd, store *st, store_sweep *sw);

/* `aetui sweep status`: one line per member (queued, running with epoch and loss, finished
 * with test MSE, failed with its log's last lines, cancelled, not started) and a total line,
 * from squeue/scontrol/sacct (Slurm) and the shards or the store's runs. */
int sweep_status(const char *cmd, store *st, const store_sweep *sw, FILE *out);

/* `aetui import DIR` of a sweep's directory: after its shards were imported, records the
 * sweep (from the manifest, when the store lacks it) and links each member to its run. */
int sweep_import_links(const char *cmd, store *st, const char *dir);

#endif
