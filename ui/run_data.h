/* run_data.h: is the data a run was trained on still the same? (issue 11: after the data
 * changed, `export --data` and `--resume` ran silently on other data.)
 *
 * A run records the SHA-256 of its training samples (store_run.data_sha256, the loader's
 * dataset.sha256 over the first `train` samples). run_data_check loads those samples again,
 * as the trainer did (the run's dataset, data_dir and train parameters), and compares. It
 * reads the data files, so it takes as long as loading them (CIFAR-10's 8000 images: about a
 * tenth of a second): call it off the UI thread, or on request (`aetui show` does, the run
 * detail of the interface can). Any thread; reads the store through the caller's handle. */
#ifndef AE_RUN_DATA_H
#define AE_RUN_DATA_H

#include <stdint.h>

#include "store.h"

typedef enum run_data_state {
    RUN_DATA_SAME,        /* the same samples as the run saw */
    RUN_DATA_CHANGED,     /* other samples: now != recorded */
    RUN_DATA_UNRECORDED,  /* the run recorded no hash (an older aetui) */
    RUN_DATA_UNAVAILABLE, /* the data cannot be read now: why says so */
} run_data_state;

typedef struct run_data {
    run_data_state state;
    char recorded[65], now[65]; /* now: "" unless SAME or CHANGED */
    char why[512];              /* UNAVAILABLE: the loader's message */
} run_data;

/* Fills out for run; -1 only when the store cannot be read (err says why). */
int run_data_check(store *st, int64_t run, run_data *out, ae_err *err);

/* Loads split (DS_TRAIN or DS_TEST) of the data run was trained on, as the trainer loaded
 * it: a built-in set by name, data_dir and the run's sample count, your own data by the
 * recorded spec (parameter data_spec) with the recorded scaling (artifact data_scaling)
 * applied, so out->scaling undoes it. -1 with a message when the run's parameters do not say,
 * or the data cannot be read. */
struct dataset;
int run_data_load(store *st, int64_t run, int split, struct dataset *out, ae_err *err);

/* "same", "changed", "unrecorded", "unavailable". */
const char *run_data_state_name(run_data_state s);

#endif
